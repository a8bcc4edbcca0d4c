"""Numerical safety: extreme inputs stay finite and warning-free; divergence is reported.

The test suite turns every warning into an error (pyproject ``filterwarnings``), so
"warning-free" is checked by simply running the calls.
"""

import numpy as np
import pytest

import dlbook
from dlbook import functional as F
from dlbook.nn import Sigmoid, SoftmaxCrossEntropy, Swish

DTYPES = [np.float32, np.float64]


def extreme_batch(dtype, n_classes=4):
    """Rows mixing ±1e4 with ordinary values, the worst case for exp()."""
    rows = [[1e4, 0.0, -1e4, 1.0], [-1e4, -1e4, -1e4, -1e4], [1e4, 1e4, -3.0, 0.5],
            [0.0, 0.0, 0.0, 0.0], [-1e4, 2.0, 1e4 - 1.0, 1e4]]
    return np.array(rows, dtype=dtype)[:, :n_classes]


def assert_finite(*arrays):
    for a in arrays:
        assert np.all(np.isfinite(a)), a


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_and_derivative_at_the_extremes(dtype):
    x = np.array([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=dtype)
    s = F.sigmoid(x)
    assert_finite(s, F.sigmoid_derivative(x))
    assert s.dtype == dtype
    assert s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    assert np.all(np.diff(s) >= 0)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("beta", [0.1, 1.0, 10.0])
def test_swish_and_derivative_at_the_extremes(dtype, beta):
    x = np.array([-1e4, -1.0, 0.0, 1.0, 1e4], dtype=dtype)
    y = F.swish(x, beta=beta)
    d = F.swish_derivative(x, beta=beta)
    assert_finite(y, d)
    assert y[0] == 0.0 and y[-1] == x[-1]           # x*sigma(beta*x) -> 0 and -> x
    assert abs(float(d[0])) < 1e-6 and abs(float(d[-1]) - 1.0) < 1e-6


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_at_the_extremes(dtype):
    x = extreme_batch(dtype)
    p = F.softmax(x, axis=1)
    logp = F.log_softmax(x, axis=1)
    assert_finite(p, logp)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    assert np.all(logp <= 0)
    np.testing.assert_allclose(np.exp(logp), p, atol=1e-6)
    assert float(logp[0, 2]) == pytest.approx(-2e4, rel=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_at_the_extremes(dtype):
    x = extreme_batch(dtype)
    wrong = np.array([2, 0, 2, 1, 0])          # the least likely class in most rows
    right = x.argmax(axis=1)
    assert np.isfinite(F.cross_entropy(x, wrong))
    assert float(F.cross_entropy(x, wrong)) > 1e3
    assert 0.0 <= float(F.cross_entropy(x, right)) < 1.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_cross_entropy_layer_forward_and_backward(dtype):
    x = extreme_batch(dtype)
    labels = np.array([2, 0, 2, 1, 0])
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn(x, labels)
    grad = loss_fn.backward()
    assert_finite(loss, grad)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-6)   # softmax - onehot
    assert np.all(np.abs(grad) <= 1.0 / len(x) + 1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("layer", [Sigmoid, Swish, lambda: Swish(beta=5.0)],
                         ids=["Sigmoid", "Swish", "Swish(beta=5)"])
def test_activation_layers_forward_and_backward_at_the_extremes(dtype, layer):
    m = layer()
    x = np.array([[-1e4, -1.0, 0.0, 1.0, 1e4]], dtype=dtype)
    y = m(x)
    dx = m.backward(np.ones_like(y))
    assert_finite(y, dx)
    assert y.dtype == dtype and dx.dtype == dtype


@pytest.mark.parametrize("name, make", [
    ("BatchNorm1d", lambda: dlbook.nn.BatchNorm1d(3)),
    ("BatchNorm2d", lambda: dlbook.nn.BatchNorm2d(3)),
    ("LayerNorm", lambda: dlbook.nn.LayerNorm((3, 4, 4))),
    ("InstanceNorm2d", lambda: dlbook.nn.InstanceNorm2d(3)),
    ("GroupNorm", lambda: dlbook.nn.GroupNorm(1, 3)),
])
def test_normalisation_of_a_constant_input_is_finite(name, make):
    """Zero variance: eps keeps 1/sqrt(var + eps) finite, forward and backward."""
    if not hasattr(dlbook.nn, name):
        pytest.skip(f"dlbook.nn.{name} does not exist yet")
    m = make()
    shape = (4, 3) if name == "BatchNorm1d" else (4, 3, 4, 4)
    x = np.full(shape, 7.0, dtype=np.float32)
    y = m(x)
    dx = m.backward(np.ones_like(y))
    assert_finite(y, dx)


def _diverging_fit():
    """ReLU MLP with lr=1e30: the weights overflow within the first epoch."""
    from dlbook.data import load_digits
    from dlbook.models import MLP
    from dlbook.optim import SGD
    from dlbook.train import fit

    X, y, _, _ = load_digits(image_size=8, flatten=True)
    model = MLP(64, [32], 10, activation="relu", rng=0)
    fit(model, SoftmaxCrossEntropy(), SGD(model.parameters(), lr=1e30), X, y,
        epochs=3, rng=0, progress=False)


def _assert_names_epoch_step_and_lr(message):
    assert "epoch 1" in message and "step " in message, message
    assert "lr=1e+30" in message, message


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_fit_reports_divergence_with_epoch_and_step():
    """With NumPy's warnings shown as usual, fit stops with TrainingDiverged."""
    from dlbook.train import TrainingDiverged

    with pytest.raises(TrainingDiverged) as info:
        _diverging_fit()
    _assert_names_epoch_step_and_lr(str(info.value))


def test_fit_reports_divergence_even_when_warnings_are_errors():
    """The suite runs with warnings as errors: divergence must still be TrainingDiverged."""
    from dlbook.train import TrainingDiverged

    with pytest.raises(TrainingDiverged) as info:
        _diverging_fit()
    _assert_names_epoch_step_and_lr(str(info.value))
