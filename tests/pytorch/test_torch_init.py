"""dlbook.init against torch.nn.init, by statistics on large weights (different generators).

With 400 x 600 = 240,000 draws the sample standard deviation is within 0.5% of the
true one (its relative standard error is 1/sqrt(2n) = 0.14%); both must be within
that of the formula, and a uniform's extremes within 0.5% of its bound.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

import torch_training
from dlbook import init
from dlbook.nn import Conv2d, Linear, Sequential

SHAPES = [(400, 600), (64, 150, 5, 5)]


def expected(name, fan_in, fan_out):
    """(distribution, standard deviation) of each initialiser, from its paper."""
    return {
        "he_normal": ("normal", math.sqrt(2 / fan_in)),
        "he_uniform": ("uniform", math.sqrt(2 / fan_in)),
        "xavier_normal": ("normal", math.sqrt(2 / (fan_in + fan_out))),
        "xavier_uniform": ("uniform", math.sqrt(2 / (fan_in + fan_out))),
        "xavier_simple": ("normal", 1 / math.sqrt(fan_in)),
    }[name]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", ["he_normal", "he_uniform", "xavier_normal", "xavier_uniform",
                                  "xavier_simple"])
def test_initializer_statistics_match(name, shape):
    fan_in, fan_out = init.fan_in_and_fan_out(shape)
    kind, std = expected(name, fan_in, fan_out)
    ours = getattr(init, name)(shape, rng=0, dtype=np.float64)
    torch.manual_seed(0)
    theirs = torch_training.initializers()[name](torch.empty(shape)).numpy()
    for w in (ours, theirs):
        assert abs(w.mean()) < 0.01 * std
        assert w.std() == pytest.approx(std, rel=0.005)
        if kind == "uniform":
            bound = math.sqrt(3) * std
            assert np.abs(w).max() <= bound and np.abs(w).max() > 0.995 * bound


def test_zeros():
    w = torch_training.initializers()["zeros"](torch.ones(3, 4))
    assert not w.any() and not init.zeros((3, 4)).any()


def test_torch_default_init_is_not_dlbooks():
    """PyTorch's own default for Linear: uniform on +-1/sqrt(fan_in), biases too."""
    torch.manual_seed(0)
    fc = nn.Linear(600, 400)
    bound = 1 / math.sqrt(600)
    assert fc.weight.abs().max() <= bound and float(fc.weight.detach().std()) == pytest.approx(
        bound / math.sqrt(3), rel=0.005)
    assert fc.bias.abs().max() > 0                       # dlbook's biases start at 0
    ours = Linear(600, 400, rng=0, dtype=np.float64)     # he_normal: std sqrt(2/600)
    assert float(ours.W.data.std()) == pytest.approx(math.sqrt(2 / 600), rel=0.005)
    assert not ours.b.data.any()


def test_init_like_dlbook():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(16, 64, 5), nn.Flatten(), nn.Linear(600, 400))
    torch_training.init_like_dlbook(model)
    for layer, fan_in in ((model[0], 16 * 25), (model[2], 600)):
        assert float(layer.weight.detach().std()) == pytest.approx(math.sqrt(2 / fan_in), rel=0.01)
        assert not layer.bias.any()
    dl = Sequential(Conv2d(16, 64, 5, rng=0, dtype=np.float64))
    assert float(dl[0].W.data.std()) == pytest.approx(math.sqrt(2 / 400), rel=0.01)
