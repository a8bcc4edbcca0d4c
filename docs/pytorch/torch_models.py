"""PyTorch twins of dlbook's models, named module for module.

Every sub-module has the name it has in dlbook, so ``dlbook.interop`` moves
weights between the two without a table of names.
tests/pytorch/test_torch_models.py loads the same weights into both and
compares logits, gradients and optimiser steps.
"""

from collections import OrderedDict

import torch
from torch import nn

from dlbook.interop import load_torch_state_dict, to_torch_state_dict


# -- moving weights ----------------------------------------------------------
def load_dlbook_weights(torch_model, dlbook_model):
    """Copy every parameter and buffer of a dlbook model into PyTorch."""
    state = to_torch_state_dict(dlbook_model)
    torch_model.load_state_dict(
        {name: torch.from_numpy(array) for name, array in state.items()})
    return torch_model


def load_torch_weights(dlbook_model, torch_model):
    """Copy every parameter and buffer of a PyTorch model into dlbook."""
    return load_torch_state_dict(dlbook_model, torch_model.state_dict())


# -- the Part 1 MLP (docs/part1/vanishing-gradients.md) ----------------------
def mlp(sizes, activation=nn.Sigmoid):
    """``dlbook.models.MLP``: Linear and activation layers "0", "1", ..."""
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), activation()]
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    return nn.Sequential(*layers)


# -- LeNet-5 (docs/part2/lenet.md) -------------------------------------------
def lenet5(num_classes=10):
    """``dlbook.models.LeNet5()`` (ReLU, max pooling) in PyTorch."""
    return nn.Sequential(OrderedDict([
        ("c1", nn.Conv2d(1, 6, 5)), ("act1", nn.ReLU()),
        ("s2", nn.MaxPool2d(2)),
        ("c3", nn.Conv2d(6, 16, 5)), ("act3", nn.ReLU()),
        ("s4", nn.MaxPool2d(2)),
        ("c5", nn.Conv2d(16, 120, 5)), ("act5", nn.ReLU()),
        ("flatten", nn.Flatten()),
        ("f6", nn.Linear(120, 84)), ("act6", nn.ReLU()),
        ("output", nn.Linear(84, num_classes)),
    ]))


# -- AlexNet (docs/part2/alexnet.md) -----------------------------------------
def alexnet(num_classes=1000):
    """``dlbook.models.AlexNet()``, for 227x227 inputs, in PyTorch.

    dlbook's ``LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=2)`` (the
    paper's constants) is PyTorch's ``alpha=5e-4``: PyTorch divides alpha
    by the size.
    """
    def lrn():
        return nn.LocalResponseNorm(5, alpha=5e-4, beta=0.75, k=2.0)

    return nn.Sequential(OrderedDict([
        ("conv1", nn.Conv2d(3, 96, 11, stride=4)), ("relu1", nn.ReLU()),
        ("lrn1", lrn()), ("pool1", nn.MaxPool2d(3, stride=2)),
        ("conv2", nn.Conv2d(96, 256, 5, padding=2)), ("relu2", nn.ReLU()),
        ("lrn2", lrn()), ("pool2", nn.MaxPool2d(3, stride=2)),
        ("conv3", nn.Conv2d(256, 384, 3, padding=1)), ("relu3", nn.ReLU()),
        ("conv4", nn.Conv2d(384, 384, 3, padding=1)), ("relu4", nn.ReLU()),
        ("conv5", nn.Conv2d(384, 256, 3, padding=1)), ("relu5", nn.ReLU()),
        ("pool5", nn.MaxPool2d(3, stride=2)),
        ("flatten", nn.Flatten()),
        ("fc6", nn.Linear(256 * 6 * 6, 4096)), ("relu6", nn.ReLU()),
        ("drop6", nn.Dropout(0.5)),
        ("fc7", nn.Linear(4096, 4096)), ("relu7", nn.ReLU()),
        ("drop7", nn.Dropout(0.5)),
        ("fc8", nn.Linear(4096, num_classes)),
    ]))


# -- GoogLeNet (docs/part2/inception.md, auxiliary-loss.md, googlenet.md) ----
def conv_relu(in_channels, out_channels, kernel_size, stride=1, padding=0):
    """dlbook's ``ConvReLU``: modules named ``conv`` and ``relu``."""
    conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                     padding=padding)
    return nn.Sequential(OrderedDict([("conv", conv), ("relu", nn.ReLU())]))


class Inception(nn.Module):
    """dlbook's ``InceptionModule`` (Fig. 12b), branches concatenated."""

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red,
                 ch5x5, pool_proj):
        super().__init__()
        c = in_channels
        self.branch1 = nn.Sequential(conv_relu(c, ch1x1, 1))
        self.branch2 = nn.Sequential(
            conv_relu(c, ch3x3red, 1),
            conv_relu(ch3x3red, ch3x3, 3, padding=1))
        self.branch3 = nn.Sequential(
            conv_relu(c, ch5x5red, 1),
            conv_relu(ch5x5red, ch5x5, 5, padding=2))
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1),
            conv_relu(c, pool_proj, 1))

    def forward(self, x):
        branches = (self.branch1, self.branch2, self.branch3, self.branch4)
        return torch.cat([branch(x) for branch in branches], dim=1)


def auxiliary_classifier(in_channels, num_classes):
    """dlbook's ``AuxiliaryClassifier``: pool 5x5/3, 1x1 conv, two FCs."""
    return nn.Sequential(OrderedDict([
        ("pool", nn.AvgPool2d(5, stride=3)),
        ("conv", conv_relu(in_channels, 128, 1)),
        ("flatten", nn.Flatten()),
        ("fc1", nn.Linear(128 * 4 * 4, 1024)), ("relu", nn.ReLU()),
        ("dropout", nn.Dropout(0.7)),
        ("fc2", nn.Linear(1024, num_classes)),
    ]))


class GoogLeNet(nn.Module):
    """``dlbook.models.GoogLeNet(aux_logits=True)``: Table 1 of the paper.

    In training mode ``forward`` returns ``(logits, aux1, aux2)``, in
    evaluation mode the logits only, as dlbook's model does.
    """

    def __init__(self, num_classes=1000):
        super().__init__()

        def pool():
            return nn.MaxPool2d(3, stride=2, ceil_mode=True)

        def lrn():
            return nn.LocalResponseNorm(5, alpha=1e-4, beta=0.75, k=1.0)

        self.conv1 = conv_relu(3, 64, 7, stride=2, padding=3)
        self.maxpool1 = pool()
        self.lrn1 = lrn()
        self.conv2 = conv_relu(64, 64, 1)
        self.conv3 = conv_relu(64, 192, 3, padding=1)
        self.lrn2 = lrn()
        self.maxpool2 = pool()
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.maxpool3 = pool()
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.maxpool4 = pool()
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.avgpool = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.dropout = nn.Dropout(0.4)
        self.fc = nn.Linear(1024, num_classes)
        self.aux1 = auxiliary_classifier(512, num_classes)
        self.aux2 = auxiliary_classifier(528, num_classes)

    def forward(self, x):
        stem = (self.conv1, self.maxpool1, self.lrn1, self.conv2,
                self.conv3, self.lrn2, self.maxpool2,
                self.inception3a, self.inception3b, self.maxpool3)
        for layer in stem:
            x = layer(x)
        out_4a = self.inception4a(x)
        x = out_4a
        for layer in (self.inception4b, self.inception4c, self.inception4d):
            x = layer(x)
        out_4d = x
        for layer in (self.inception4e, self.maxpool4, self.inception5a,
                      self.inception5b, self.avgpool, self.dropout, self.fc):
            x = layer(x)
        if not self.training:
            return x
        return x, self.aux1(out_4a), self.aux2(out_4d)


def googlenet_loss(outputs, labels, aux_weight=0.3):
    """``dlbook.models.GoogLeNetLoss``: main loss + 0.3 x (aux1 + aux2)."""
    cross_entropy = nn.functional.cross_entropy
    if not isinstance(outputs, tuple):
        return cross_entropy(outputs, labels)
    logits, aux1, aux2 = outputs
    aux = cross_entropy(aux1, labels) + cross_entropy(aux2, labels)
    return cross_entropy(logits, labels) + aux_weight * aux
