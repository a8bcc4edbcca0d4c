"""dlbook's layers written with PyTorch, as the "In PyTorch" sections show.

Each function builds the PyTorch module (or computes the expression) equal
to one dlbook layer; tests/pytorch/test_torch_layers.py runs every one of
them against dlbook in float64.  Neither dlbook nor the site build imports
this file.
"""

import torch
from torch import nn


# -- activations (docs/part1/activations.md) ---------------------------------
def activations():
    """dlbook's activation layers and their PyTorch modules."""
    return {
        "Sigmoid": nn.Sigmoid(),
        "Tanh": nn.Tanh(),
        "ReLU": nn.ReLU(),
        "LeakyReLU": nn.LeakyReLU(negative_slope=0.01),
        "Swish": nn.SiLU(),                    # Swish with beta = 1
    }


def swish(x, beta=1.0):
    """Swish for any beta (notes eq. (6)); nn.SiLU is beta = 1 only."""
    return x * torch.sigmoid(beta * x)


# -- convolution and pooling (docs/part2/convolution.md, pooling.md) ---------
def conv_layer():
    """dlbook's ``Conv2d(3, 8, 3, stride=2, padding=1)``."""
    return nn.Conv2d(3, 8, kernel_size=3, stride=2, padding=1)


def pooling_layers():
    """Max and average pooling; stride defaults to the kernel in both."""
    return {
        # rounding="exact" (the default) when the sizes fit
        "max": nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        # padded zeros count in the mean: count_include_pad=True
        "avg": nn.AvgPool2d(kernel_size=3, stride=2, padding=1),
        # rounding="ceil"
        "max_ceil": nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True),
    }


def global_avg_pool():
    """dlbook's ``GlobalAvgPool2d``: (N, C, H, W) -> (N, C)."""
    return nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())


def global_max_pool():
    """dlbook's ``GlobalMaxPool2d``: (N, C, H, W) -> (N, C)."""
    return nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten())


# -- fully connected (docs/part2/fully-connected.md) -------------------------
def fully_connected(x, weight, bias):
    """Eq. (31) for a batch of rows, y = x W^T + b, as nn.Linear computes."""
    return x @ weight.T + bias


# -- normalisation (docs/part1/batch-norm.md, normalization-family.md) -------
def normalization_layers(channels=6):
    """dlbook's normalisation layers, with the same arguments."""
    return {
        "BatchNorm1d": nn.BatchNorm1d(channels, eps=1e-5, momentum=0.1),
        "BatchNorm2d": nn.BatchNorm2d(channels, eps=1e-5, momentum=0.1),
        "LayerNorm": nn.LayerNorm((channels, 4, 4)),
        "InstanceNorm2d": nn.InstanceNorm2d(channels),   # affine=False
        "GroupNorm": nn.GroupNorm(num_groups=2, num_channels=channels),
    }


def local_response_norm(size, alpha, beta, k):
    """dlbook's ``LocalResponseNorm(size, alpha, beta, k)`` in PyTorch.

    dlbook (and the AlexNet paper) multiply the *sum* of the squares by
    alpha; PyTorch multiplies their *mean*, so its alpha is alpha * size.
    """
    return nn.LocalResponseNorm(size, alpha=alpha * size, beta=beta, k=k)


# -- dropout (docs/part1/dropout.md) -----------------------------------------
def dropout(p=0.5):
    """Inverted dropout, p = drop probability: ``dlbook.nn.Dropout(p)``."""
    return nn.Dropout(p)
