"""Linear (notes eq. (31)) and softmax cross-entropy."""

import numpy as np
import pytest

from dlbook.functional import cross_entropy, log_softmax, softmax
from dlbook.gradcheck import check_module_gradients, numerical_gradient, relative_error
from dlbook.nn import Linear, SoftmaxCrossEntropy


@pytest.mark.parametrize("n, fin, fout", [(1, 1, 1), (4, 3, 5), (7, 10, 2)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_gradients(n, fin, fout, bias, rng):
    fc = Linear(fin, fout, bias=bias, rng=0, dtype=np.float64)
    errors = check_module_gradients(fc, rng.standard_normal((n, fin)))
    assert max(errors.values()) < 1e-6
    assert ("b" in errors) == bias


def test_linear_is_y_equals_Wx_plus_b_eq31(rng):
    fc = Linear(3, 2, rng=0, dtype=np.float64)
    x = rng.standard_normal(3)
    assert np.allclose(fc(x[None])[0], fc.W.data @ x + fc.b.data)
    assert fc.W.shape == (2, 3)  # PyTorch layout (out, in)


@pytest.mark.parametrize("n, k", [(1, 2), (5, 10), (3, 3)])
def test_softmax_cross_entropy_gradient(n, k, rng):
    logits = rng.standard_normal((n, k)) * 3
    labels = rng.integers(0, k, size=n)
    loss_fn = SoftmaxCrossEntropy()
    loss_fn(logits, labels)
    analytic = loss_fn.backward()
    numeric = numerical_gradient(lambda: cross_entropy(logits, labels), logits)
    assert relative_error(analytic, numeric) < 1e-7


def test_loss_matches_definition(rng):
    logits = rng.standard_normal((4, 3))
    labels = np.array([0, 2, 1, 1])
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(4), labels]))
    assert SoftmaxCrossEntropy()(logits, labels) == pytest.approx(expected)


def test_extreme_logits_stay_finite():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    labels = np.array([1, 2])
    loss_fn = SoftmaxCrossEntropy()
    loss = loss_fn(logits, labels)
    assert np.isfinite(loss) and loss == pytest.approx((2e4 + np.log(3)) / 2)
    assert np.all(np.isfinite(loss_fn.backward()))
    assert np.all(np.isfinite(softmax(logits))) and np.all(np.isfinite(log_softmax(logits)))


def test_labels_validated():
    loss_fn = SoftmaxCrossEntropy()
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"contains 3, outside the class range \[0, 2\]"):
        loss_fn(logits, np.array([0, 3]))
    with pytest.raises(ValueError, match="shape"):
        loss_fn(logits, np.array([0, 1, 2]))
    with pytest.raises(TypeError, match="one-hot"):
        loss_fn(logits, np.eye(3)[:2])


def test_linear_validates_features_and_dtype():
    fc = Linear(3, 2, rng=0)
    with pytest.raises(ValueError, match="expects in_features=3"):
        fc(np.zeros((1, 4), np.float32))
    with pytest.raises(TypeError, match="dtype float64"):
        fc(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="must have 2 dimensions"):
        fc(np.zeros(3, np.float32))
