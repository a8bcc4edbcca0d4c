"""Vanishing gradients (notes §1.1): the chain rule and the measured per-layer norms."""

import numpy as np
import pytest

from dlbook.data import load_digits
from dlbook.diagnostics import gradient_norms
from dlbook.functional import sigmoid, sigmoid_derivative
from dlbook.models import MLP
from dlbook.nn import Linear, Sequential, Sigmoid, SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.train import fit


def three_layer_chain(weights):
    net = Sequential(*[m for _ in weights for m in (Linear(1, 1, bias=False, dtype=np.float64),
                                                     Sigmoid())])
    for i, w in enumerate(weights):
        net[2 * i].W.data[:] = w
    return net


def test_gradient_of_first_weights_is_the_full_chain_product():
    """Correction to eqs. (2)-(4): the update is of W, and the chain ends in du1/dW1 = x."""
    w1, w2, w3 = 0.7, -1.3, 2.1
    x = np.array([[0.9]])
    net = three_layer_chain((w1, w2, w3))
    net(x)
    net.backward(np.ones((1, 1)))
    u1 = w1 * x
    u2 = w2 * sigmoid(u1)
    u3 = w3 * sigmoid(u2)
    chain = (sigmoid_derivative(u3) * w3 * sigmoid_derivative(u2) * w2
             * sigmoid_derivative(u1) * x)
    assert np.allclose(net[0].W.grad, chain)
    # and the weight factors are not bounded by 1: dropping them changes the result
    assert not np.allclose(net[0].W.grad, chain / (w3 * w2))


@pytest.mark.parametrize("hidden_layers, matches", [(1, False), (2, True), (3, False)])
def test_eq4_chain_is_a_network_with_two_hidden_layers(hidden_layers, matches):
    """Correction to the notes' "中間層が 1 層のみ": the chain of eq. (4), with its three
    sigmoid-derivative factors, is the first-layer gradient of a network with two hidden
    layers (z(1), z(2)) and an output layer -- not of one with a single hidden layer."""
    w1, w2, w3 = 0.7, -1.3, 2.1
    x = np.array([[0.9]])
    u1 = w1 * x
    u2 = w2 * sigmoid(u1)
    u3 = w3 * sigmoid(u2)
    eq4 = (sigmoid_derivative(u3) * w3 * sigmoid_derivative(u2) * w2
           * sigmoid_derivative(u1) * x)               # ... * du1/dW1, eq. (4')
    weights = {1: (w1, w3), 2: (w1, w2, w3), 3: (w1, w2, 1.6, w3)}[hidden_layers]
    net = three_layer_chain(weights)                   # len(weights) - 1 hidden layers
    net(x)
    net.backward(np.ones((1, 1)))
    assert bool(np.allclose(net[0].W.grad, eq4)) is matches


def test_large_weights_make_sigmoid_gradients_explode_not_vanish():
    """The 0.25 bound alone does not imply vanishing: |w| sigma' can exceed 1."""
    depth, w = 10, 8.0
    net = Sequential(*[m for _ in range(depth) for m in (Linear(1, 1, dtype=np.float64), Sigmoid())])
    for i in range(depth):
        net[2 * i].W.data[:] = w
        net[2 * i].b.data[:] = -w / 2  # centres each sigmoid at its steepest point
    net(np.array([[0.5]]))
    net.backward(np.ones((1, 1)))
    # each layer contributes w * 1/4 = 2 > 1, so the first layer sees a larger gradient
    assert abs(net[0].W.grad.item()) > 100 * abs(net[2 * (depth - 1)].W.grad.item())


@pytest.fixture(scope="module")
def digits():
    return load_digits(image_size=8, flatten=True)


def norms_for(activation, digits):
    X, y, _, _ = digits
    net = MLP(64, [64] * 9, 10, activation=activation, weight_init="xavier_simple", rng=0)
    return list(gradient_norms(net, SoftmaxCrossEntropy(), X[:256], y[:256]).values())


def test_sigmoid_gradients_vanish_towards_the_input(digits):
    norms = norms_for("sigmoid", digits)
    assert norms[0] / norms[-1] < 1e-4          # measured: about 2e-6
    assert all(a < b for a, b in zip(norms, norms[1:]))  # shrinking layer by layer


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_relu_and_tanh_gradients_do_not_vanish(activation, digits):
    norms = norms_for(activation, digits)
    assert 0.2 < norms[0] / norms[-1] < 10       # measured: about 2.5 (ReLU), 0.9 (tanh)


def test_deep_sigmoid_network_does_not_learn_where_relu_does(digits):
    X, y, X_test, y_test = digits
    acc = {}
    for activation in ["sigmoid", "relu"]:
        net = MLP(64, [64] * 9, 10, activation=activation, weight_init="xavier_simple", rng=0)
        h = fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.05), X, y, epochs=20,
                rng=0, validation=(X_test, y_test))
        acc[activation] = h.val_acc[-1]
    assert acc["sigmoid"] < 0.2      # chance level is 0.1
    assert acc["relu"] > 0.8
