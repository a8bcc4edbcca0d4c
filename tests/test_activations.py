"""Activation functions (notes §1.1.1): values, derivatives, layers, stability."""

import numpy as np
import pytest

from dlbook import functional as F
from dlbook.gradcheck import check_module_gradients, numerical_gradient, relative_error
from dlbook.nn import LeakyReLU, ReLU, Sigmoid, Swish, Tanh

PAIRS = [
    (F.sigmoid, F.sigmoid_derivative),
    (F.tanh, F.tanh_derivative),
    (lambda x: F.leaky_relu(x, 0.07), lambda x: F.leaky_relu_derivative(x, 0.07)),
    (F.swish, F.swish_derivative),
    (lambda x: F.swish(x, 2.5), lambda x: F.swish_derivative(x, 2.5)),
    (F.relu, F.relu_derivative),
]


@pytest.mark.parametrize("f, df", PAIRS)
def test_derivative_matches_central_differences(f, df, rng):
    x = rng.uniform(-6, 6, size=50)
    x[np.abs(x) < 1e-3] = 0.5  # away from kinks
    numeric = numerical_gradient(lambda: np.sum(f(x)), x)
    assert relative_error(df(x), numeric) < 1e-8


def test_sigmoid_derivative_is_at_most_one_quarter_eq1():
    x = np.linspace(-50, 50, 100001)
    d = F.sigmoid_derivative(x)
    assert d.max() == pytest.approx(0.25)
    assert x[d.argmax()] == pytest.approx(0.0)
    assert np.all(d <= 0.25)


def test_swish_derivative_eq7_matches_product_rule():
    x = np.linspace(-5, 5, 101)
    for beta in (0.5, 1.0, 3.0):
        s = F.sigmoid(beta * x)
        product_rule = s + beta * x * s * (1 - s)
        assert np.allclose(F.swish_derivative(x, beta), product_rule)


def test_leaky_relu_gradient_is_constant_for_negative_inputs():
    """Correction: the notes say the gradient is proportional to x for x <= 0."""
    x = np.array([-1000.0, -10.0, -1.0, -1e-3, 0.0])
    grad = F.leaky_relu_derivative(x, negative_slope=0.2)
    assert np.all(grad == 0.2)
    assert np.allclose(F.leaky_relu(x, 0.2), 0.2 * x)  # the output is proportional


def test_relu_derivative_is_zero_for_negative_inputs():
    """Correction: the notes say ReLU's derivative is 1."""
    assert np.all(F.relu_derivative(np.array([-5.0, -1e-6])) == 0)
    assert np.all(F.relu_derivative(np.array([1e-6, 5.0])) == 1)
    layer = ReLU()
    layer(np.array([[-2.0, 3.0]]))
    assert np.array_equal(layer.backward(np.array([[7.0, 7.0]])), [[0.0, 7.0]])


@pytest.mark.parametrize("layer", [Sigmoid(), Tanh(), ReLU(), LeakyReLU(0.1), Swish(1.0), Swish(0.3)],
                         ids=lambda m: repr(m))
@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4, 4), (7,)])
def test_layer_gradients(layer, shape, rng):
    x = rng.standard_normal(shape)
    x[np.abs(x) < 1e-3] = 0.3
    errors = check_module_gradients(layer, x)
    assert errors["x"] < 1e-6


@pytest.mark.parametrize("f", [F.sigmoid, F.swish, F.tanh, F.relu, F.sigmoid_derivative,
                               F.swish_derivative, F.tanh_derivative])
def test_stable_at_extremes(f):
    x = np.array([-1e4, -1000.0, 0.0, 1000.0, 1e4])
    y = f(x)  # warnings are errors in this suite
    assert np.all(np.isfinite(y))


def test_layer_float32_stays_float32():
    x = np.ones((2, 3), dtype=np.float32)
    for layer in [Sigmoid(), Tanh(), ReLU(), LeakyReLU(), Swish()]:
        assert layer(x).dtype == np.float32
        assert layer.backward(x).dtype == np.float32


def test_integer_input_to_functional_is_promoted():
    assert F.sigmoid(np.array([0])).dtype.kind == "f"
    assert F.relu(np.array([-1, 2])).tolist() == [0.0, 2.0]
