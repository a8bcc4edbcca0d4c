"""Layers with forward and backward passes, named as in ``torch.nn``."""

from dlbook.nn.activations import LeakyReLU, ReLU, Sigmoid, Swish, Tanh
from dlbook.nn.linear import Flatten, Linear
from dlbook.nn.losses import SoftmaxCrossEntropy
from dlbook.nn.module import Module, Parameter, Sequential
from dlbook.nn.summary import Summary, SummaryRow

__all__ = [
    "Flatten",
    "LeakyReLU",
    "Linear",
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
