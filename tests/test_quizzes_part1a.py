"""Confirmation quizzes 1 and 2 (notes 1.1.3), answered by measurement on the digits.

Quiz 1: what goes wrong if every initial weight is 0?
Quiz 2: two effects of batch normalisation (checked against Ioffe & Szegedy 2015).

The experiments are the ones drawn on docs/part1/initialization.md and
docs/part1/batch-norm.md; each assertion has a margin that fails without the effect.
"""

import functools
import math

import numpy as np
import pytest

from dlbook import init
from dlbook.data import load_digits
from dlbook.diagnostics import gradient_norms
from dlbook.models import MLP
from dlbook.nn import BatchNorm1d, Linear, SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.train import TrainingDiverged, fit


@pytest.fixture(scope="module")
def digits():
    return load_digits(image_size=8, flatten=True)


def train(net, digits, lr, epochs, batch_size=32):
    X, y, X_test, y_test = digits
    with np.errstate(all="ignore"):
        return fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=lr), X, y,
                   epochs=epochs, batch_size=batch_size, rng=0, validation=(X_test, y_test))


def train_or_diverge(net, digits, lr, epochs):
    """Final validation accuracy, or 0.0 if the loss (or an activation) blew up."""
    try:
        return train(net, digits, lr, epochs).val_acc[-1]
    except (TrainingDiverged, ValueError):
        return 0.0


# -- Quiz 1 -------------------------------------------------------------------------
def test_quiz1_zero_init_hidden_units_stay_identical(digits):
    """Sigmoid, all-zero weights: the units of a layer get identical gradients, so
    after training every row of W1 (each hidden unit's incoming weights) is the same."""
    net = MLP(64, [32, 32], 10, activation="sigmoid", weight_init="zeros", rng=0)
    history = train(net, digits, lr=0.5, epochs=3)
    W1, W2, W3 = (m.W.data for m in net.linear_layers())
    assert np.abs(W1).max() > 1e-4                       # the weights did move ...
    for W in (W1, W2):
        np.testing.assert_allclose(W, np.broadcast_to(W[0], W.shape), atol=1e-6)  # ... together
    np.testing.assert_allclose(W3, np.broadcast_to(W3[:, :1], W3.shape), atol=1e-6)
    assert history.train_loss[-1] > 0.99 * math.log(10)  # each layer acts as one unit


def test_quiz1_random_init_breaks_the_symmetry(digits):
    net = MLP(64, [32, 32], 10, activation="sigmoid", weight_init="xavier_normal", rng=0)
    train(net, digits, lr=0.5, epochs=3)
    W1 = net.linear_layers()[0].W.data
    assert np.abs(W1 - W1[0]).max() > 0.1
    assert len(np.unique(W1.round(4), axis=0)) == W1.shape[0]


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_quiz1_zero_init_tanh_relu_weights_never_move(digits, activation):
    """With f(0) = 0 every hidden activation is 0, so every weight gradient is exactly 0:
    only the output bias learns, and the network predicts the class frequencies."""
    net = MLP(64, [32, 32], 10, activation=activation, weight_init="zeros", rng=0)
    history = train(net, digits, lr=0.5, epochs=3)
    for m in net.linear_layers():
        assert not m.W.data.any()
    assert net.linear_layers()[-1].b.data.any()
    assert history.train_loss[-1] > 0.99 * math.log(10)
    assert history.val_acc[-1] < 0.15


def test_quiz1_zero_init_first_step_gradients(digits):
    """At step 1 of a zero-initialised sigmoid network only the last layer's weights get
    a gradient (the backward signal is multiplied by W = 0 everywhere else)."""
    X, y, *_ = digits
    net = MLP(64, [32, 32], 10, activation="sigmoid", weight_init="zeros", rng=0)
    norms = gradient_norms(net, SoftmaxCrossEntropy(), X[:64], y[:64])
    assert norms["0.W"] == 0.0 and norms["2.W"] == 0.0
    assert norms["4.W"] > 0.1


# -- Quiz 2 -------------------------------------------------------------------------
DEEP = dict(in_features=64, hidden=[64] * 8, out_features=10, activation="sigmoid",
            weight_init="xavier_normal", rng=0)


def test_quiz2_batchnorm_removes_vanishing_gradients_in_a_deep_sigmoid_net(digits):
    X, y, *_ = digits
    plain = gradient_norms(MLP(**DEEP), SoftmaxCrossEntropy(), X[:256], y[:256], Linear)
    normed = gradient_norms(MLP(**DEEP, batch_norm=True), SoftmaxCrossEntropy(),
                            X[:256], y[:256], Linear)
    first = next(iter(plain))
    assert plain[first] < 1e-3 * plain[list(plain)[-1]]      # vanishes by > 1000x
    assert normed[first] > 1000 * plain[first]
    hidden = list(normed.values())[:-1]
    assert max(hidden) < 3 * min(hidden)                     # roughly flat with BN


def test_quiz2_batchnorm_trains_a_deep_sigmoid_net_much_faster(digits):
    plain = train(MLP(**DEEP), digits, lr=0.5, epochs=3)
    normed = train(MLP(**DEEP, batch_norm=True), digits, lr=0.5, epochs=3)

    def steps_to(history, level):
        smooth = np.convolve(history.step_loss, np.ones(10) / 10, mode="valid")
        below = np.flatnonzero(smooth < level)
        return int(below[0]) + 10 if below.size else None

    assert steps_to(plain, 2.0) is None                      # never leaves log(10) ~ 2.30
    assert steps_to(normed, 1.0) is not None and steps_to(normed, 1.0) < 60
    assert normed.val_acc[-1] > 0.85 > 0.2 > plain.val_acc[-1]


def test_quiz2_batchnorm_allows_a_much_higher_learning_rate(digits):
    """5-layer ReLU/He net: without BN lr = 1.0 diverges; with BN it trains."""
    def net(bn):
        return MLP(64, [64] * 5, 10, activation="relu", weight_init="he_normal",
                   batch_norm=bn, rng=0)
    assert train_or_diverge(net(False), digits, lr=0.05, epochs=3) > 0.85   # baseline OK
    assert train_or_diverge(net(False), digits, lr=1.0, epochs=3) < 0.3
    assert train_or_diverge(net(True), digits, lr=1.0, epochs=3) > 0.85


@pytest.mark.parametrize("std", [0.01, 1.0])
def test_quiz2_batchnorm_makes_training_insensitive_to_the_weight_scale(digits, std):
    weight_init = functools.partial(init.normal, std=std)

    def net(bn):
        return MLP(64, [64] * 5, 10, activation="relu", weight_init=weight_init,
                   batch_norm=bn, rng=0)
    assert train_or_diverge(net(False), digits, lr=0.1, epochs=3) < 0.2
    assert train_or_diverge(net(True), digits, lr=0.1, epochs=3) > 0.7


def test_quiz2_batchnorm_does_not_correct_a_train_test_distribution_shift():
    """The notes' first effect is not what batch norm does: at test time it is a fixed
    affine map built from *training* statistics, so a shift of the test inputs passes
    straight through (scaled by gamma / sqrt(running_var + eps))."""
    rng = np.random.default_rng(0)
    bn = BatchNorm1d(3, dtype=np.float64)
    for _ in range(50):
        bn(rng.standard_normal((32, 3)))
    bn.eval()
    x = rng.standard_normal((100, 3))
    shift = 5.0
    moved = bn(x + shift) - bn(x)
    np.testing.assert_allclose(moved, np.broadcast_to(
        shift / np.sqrt(bn.running_var + bn.eps), moved.shape))
    assert np.abs(bn(x + shift).mean(axis=0)).min() > 3.0   # not re-centred
