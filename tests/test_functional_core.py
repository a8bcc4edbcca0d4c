"""Layers are thin: they call the public functions of dlbook.functional, checked once.

The functions' gradients are checked against central differences in float64; each layer
gives exactly what its function gives.
"""

import numpy as np
import pytest

from dlbook import functional as F
from dlbook import init
from dlbook.gradcheck import numerical_gradient, relative_error
from dlbook.nn import (BatchNorm2d, GlobalAvgPool2d, GroupNorm, InstanceNorm2d, LayerNorm,
                       LeakyReLU, Linear, LocalResponseNorm, ReLU, Sigmoid, Swish, Tanh)


def test_linear_backward_matches_numerical_gradients(rng):
    x, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    R = rng.standard_normal((4, 2))
    dx, dW, db = F.linear_backward(R, x, W)
    for value, grad in ((x, dx), (W, dW), (b, db)):
        numeric = numerical_gradient(lambda: np.sum(F.linear(x, W, b) * R), value)
        assert relative_error(grad, numeric) < 1e-6


def test_linear_layer_is_the_function(rng):
    layer = Linear(3, 2, rng=0, dtype=np.float64)
    x, dout = rng.standard_normal((4, 3)), rng.standard_normal((4, 2))
    assert np.array_equal(layer(x), F.linear(x, layer.W.data, layer.b.data))
    dx, dW, db = F.linear_backward(dout, x, layer.W.data)
    assert np.array_equal(layer.backward(dout), dx)
    assert np.array_equal(layer.W.grad, dW) and np.array_equal(layer.b.grad, db)


@pytest.mark.parametrize("call, message", [
    (lambda: F.linear(np.ones((2, 4)), np.ones((3, 5))), "4 features per sample"),
    (lambda: F.linear(np.ones((2, 5)), np.ones((3, 5)), np.ones(2)), "'b' has shape \\(2,\\)"),
    (lambda: F.linear_backward(np.ones((2, 4)), np.ones((2, 5)), np.ones((3, 5))),
     "'dout' has shape \\(2, 4\\)"),
])
def test_linear_functions_reject_mismatched_shapes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("size", [1, 2, 5])
def test_local_response_norm_backward_matches_numerical_gradients(size, rng):
    x = rng.standard_normal((2, 6, 3, 3))
    R = rng.standard_normal(x.shape)
    args = (size, 0.1, 0.75, 2.0)
    _, cache = F.local_response_norm(x, *args)
    grad = F.local_response_norm_backward(R, cache, *args[:3])
    numeric = numerical_gradient(lambda: np.sum(F.local_response_norm(x, *args)[0] * R), x)
    assert relative_error(grad, numeric) < 1e-6


def test_local_response_norm_layer_is_the_function(rng):
    layer = LocalResponseNorm(size=3, alpha=0.1, beta=0.5, k=1.5)
    x = rng.standard_normal((2, 5, 4, 4)).astype(np.float32)
    y, cache = F.local_response_norm(x, 3, 0.1, 0.5, 1.5)
    assert np.array_equal(layer(x), y)
    dout = rng.standard_normal(x.shape).astype(np.float32)
    assert np.array_equal(layer.backward(dout),
                          F.local_response_norm_backward(dout, cache, 3, 0.1, 0.5))


@pytest.mark.parametrize("layer, f, df", [
    (Sigmoid(), F.sigmoid, F.sigmoid_derivative),
    (Tanh(), F.tanh, F.tanh_derivative),
    (ReLU(), F.relu, F.relu_derivative),
    (LeakyReLU(0.2), lambda v: F.leaky_relu(v, 0.2), lambda v: F.leaky_relu_derivative(v, 0.2)),
    (Swish(1.5), lambda v: F.swish(v, 1.5), lambda v: F.swish_derivative(v, 1.5)),
])
def test_activation_layers_are_their_functions(layer, f, df, rng):
    x = rng.standard_normal((5, 7)).astype(np.float32)
    dout = rng.standard_normal(x.shape).astype(np.float32)
    assert np.array_equal(layer(x), f(x))
    dx = layer.backward(dout)
    assert dx.dtype == np.float32 and np.array_equal(dx, dout * df(x))


@pytest.mark.parametrize("slope", [0.0, 0.1, 1.5, -0.5])
def test_leaky_relu_is_eq_5_for_every_slope(slope, rng):
    x = rng.standard_normal(20)
    assert np.allclose(F.leaky_relu(x, slope), np.where(x > 0, x, slope * x))
    assert np.array_equal(F.leaky_relu_derivative(x, slope), np.where(x > 0, 1.0, slope))


@pytest.mark.parametrize("call", [
    lambda: Linear(3, 2, False),
    lambda: BatchNorm2d(3, 1e-5, 0.1, False),
    lambda: LayerNorm(4, 1e-5, False),
    lambda: GroupNorm(1, 2, 1e-5, False),
    lambda: InstanceNorm2d(2, 1e-5, True),
])
def test_booleans_are_keyword_only(call):
    with pytest.raises(TypeError, match="positional argument"):
        call()


def test_zeros_takes_rng_before_dtype_like_every_initialiser():
    assert init.zeros((2, 3), 0, np.float64).dtype == np.float64
    assert init.zeros((2, 3), dtype=np.float64).dtype == np.float64
    with pytest.raises(TypeError, match="'rng'"):     # the old order, zeros(shape, dtype)
        init.zeros((2, 3), np.float64)


def test_a_declared_input_ndim_is_checked_before_forward():
    layer = GlobalAvgPool2d()
    with pytest.raises(ValueError, match="GlobalAvgPool2d: argument 'x' must have 4 dimensions"):
        layer(np.zeros((2, 3)))
    assert layer._shape is None
