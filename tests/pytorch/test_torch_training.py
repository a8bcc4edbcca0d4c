"""Training aids of the pages in PyTorch: gradient norms, evaluation, the MLP and heads."""

import numpy as np
import pytest
import torch

import torch_models
import torch_training
from dlbook.diagnostics import gradient_norms
from dlbook.interop import torch_name
from dlbook.models import MLP, AuxiliaryClassifier, InceptionModule
from dlbook.nn import SoftmaxCrossEntropy
from dlbook.train import evaluate
from torch_helpers import close, compare_layer, t


@pytest.mark.parametrize("activation, torch_activation", [("sigmoid", torch.nn.Sigmoid),
                                                          ("relu", torch.nn.ReLU)])
def test_gradient_norms_of_the_mlp(activation, torch_activation, gen):
    sizes = [12, 16, 16, 16, 4]
    model = MLP(12, sizes[1:-1], 4, activation=activation, rng=gen, dtype=np.float64)
    twin = torch_models.load_dlbook_weights(torch_models.mlp(sizes, torch_activation), model)
    x, labels = gen.standard_normal((20, 12)), gen.integers(0, 4, 20)
    ours = gradient_norms(model, SoftmaxCrossEntropy(), x, labels)
    theirs = torch_training.gradient_norms(twin, t(x), t(labels))
    assert list(theirs) == [torch_name(name) for name in ours]
    for name, value in ours.items():
        assert value == pytest.approx(theirs[torch_name(name)], rel=1e-12)


def test_evaluate(gen):
    model = MLP(5, [8], 3, rng=gen, dtype=np.float64)
    twin = torch_models.load_dlbook_weights(torch_models.mlp([5, 8, 3], torch.nn.ReLU), model)
    x, labels = gen.standard_normal((30, 5)), gen.integers(0, 3, 30)
    ours = evaluate(model, SoftmaxCrossEntropy(), x, labels)
    theirs = torch_training.evaluate(twin, t(x), t(labels))
    assert ours[0] == pytest.approx(theirs[0], rel=1e-12) and ours[1] == theirs[1]
    assert twin.training                               # the mode is put back


def test_inception_module(gen):
    block = InceptionModule(16, 8, 6, 12, 2, 4, 4, rng=gen, dtype=np.float64)
    out = compare_layer(block, torch_models.Inception(16, 8, 6, 12, 2, 4, 4),
                        gen.standard_normal((2, 16, 7, 7)), gen)
    assert out.shape == (2, 28, 7, 7)


def test_auxiliary_classifier(gen):
    head = AuxiliaryClassifier(16, 5, rng=gen, dtype=np.float64)
    head.dropout.p = 0.0
    twin = torch_models.auxiliary_classifier(16, 5)
    twin.dropout.p = 0.0
    compare_layer(head, twin, gen.standard_normal((2, 16, 14, 14)), gen, rtol=1e-11)


def test_conv_relu_names(gen):
    assert list(torch_models.conv_relu(3, 4, 3).state_dict()) == ["conv.weight", "conv.bias"]
