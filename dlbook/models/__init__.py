"""Complete networks: an MLP for the Part 1 experiments, LeNet-5, AlexNet and GoogLeNet."""

from dlbook.models.alexnet import AlexNet
from dlbook.models.googlenet import (
    AuxiliaryClassifier,
    ConvReLU,
    GoogLeNet,
    GoogLeNetLoss,
    InceptionModule,
)
from dlbook.models.lenet import LeNet5
from dlbook.models.mlp import MLP

__all__ = [
    "AlexNet",
    "AuxiliaryClassifier",
    "ConvReLU",
    "GoogLeNet",
    "GoogLeNetLoss",
    "InceptionModule",
    "LeNet5",
    "MLP",
]
