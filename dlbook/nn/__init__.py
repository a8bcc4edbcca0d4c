"""Layers with forward and backward passes, named as in ``torch.nn``."""

from dlbook.nn.activations import LeakyReLU, ReLU, Sigmoid, Swish, Tanh
from dlbook.nn.conv import Conv2d
from dlbook.nn.dropout import Dropout, child_generator
from dlbook.nn.linear import Flatten, Linear
from dlbook.nn.losses import SoftmaxCrossEntropy
from dlbook.nn.lrn import LocalResponseNorm
from dlbook.nn.module import Module, Parameter, Sequential
from dlbook.nn.pooling import AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d
from dlbook.nn.normalization import BatchNorm1d, BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm
from dlbook.nn.summary import Summary, SummaryRow

__all__ = [
    "AvgPool2d",
    "Conv2d",
    "GlobalAvgPool2d",
    "GlobalMaxPool2d",
    "MaxPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "GroupNorm",
    "InstanceNorm2d",
    "LayerNorm",
    "Dropout",
    "child_generator",
    "Flatten",
    "LeakyReLU",
    "Linear",
    "LocalResponseNorm",
    "Module",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Summary",
    "SummaryRow",
    "Swish",
    "Tanh",
]
