"""LocalResponseNorm: the AlexNet paper's formula, its convention for alpha, its gradient."""

import numpy as np
import pytest

from dlbook.gradcheck import check_module_gradients
from dlbook.nn import LocalResponseNorm


def reference_lrn(a, n, alpha, beta, k):
    """Krizhevsky et al. (2012) §3.3 written as loops over channels, for odd n."""
    N = a.shape[1]
    b = np.empty_like(a)
    for i in range(N):
        lo, hi = max(0, i - n // 2), min(N - 1, i + n // 2)
        s = k + alpha * np.sum(a[:, lo:hi + 1] ** 2, axis=1)
        b[:, i] = a[:, i] / s ** beta
    return b


@pytest.mark.parametrize("size", [1, 3, 5, 7])
def test_forward_matches_paper_formula(rng, size):
    a = rng.standard_normal((2, 9, 3, 4)) * 10
    lrn = LocalResponseNorm(size=size, alpha=1e-3, beta=0.75, k=2.0)
    np.testing.assert_allclose(lrn(a), reference_lrn(a, size, 1e-3, 0.75, 2.0), rtol=1e-12)


def test_alpha_multiplies_the_sum_not_the_mean(rng):
    """Our alpha is the paper's; PyTorch's LocalResponseNorm(n, alpha) divides alpha by n."""
    a = rng.standard_normal((1, 6, 2, 2))
    n, alpha = 5, 0.5
    ours = LocalResponseNorm(size=n, alpha=alpha, beta=0.75, k=1.0)(a)
    # PyTorch's formula: b = a / (k + alpha_pt / n * sum)^beta, with zero padding.
    padded = np.pad(a ** 2, ((0, 0), (n // 2, (n - 1) // 2), (0, 0), (0, 0)))
    window = sum(padded[:, j:j + a.shape[1]] for j in range(n))
    pytorch_with_alpha_times_n = a / (1.0 + (alpha * n) / n * window) ** 0.75
    pytorch_with_same_alpha = a / (1.0 + alpha / n * window) ** 0.75
    np.testing.assert_allclose(ours, pytorch_with_alpha_times_n, rtol=1e-12)
    assert not np.allclose(ours, pytorch_with_same_alpha)


def test_defaults_are_alexnets():
    lrn = LocalResponseNorm()
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, 1e-4, 0.75, 2.0)


@pytest.mark.parametrize("size", [1, 2, 4, 5])
@pytest.mark.parametrize("shape", [(2, 7, 3, 3), (1, 3, 2, 5)])
def test_gradients(rng, size, shape):
    # A large alpha makes the cross-channel term matter in the check.
    lrn = LocalResponseNorm(size=size, alpha=0.3, beta=0.75, k=1.5)
    errors = check_module_gradients(lrn, rng.standard_normal(shape))
    assert errors["x"] < 1e-6, errors


def test_even_size_window_is_asymmetric_like_pytorch():
    # size 2: each channel sees itself and the one before it.
    a = np.array([1.0, 2.0, 3.0]).reshape(1, 3, 1, 1)
    y = LocalResponseNorm(size=2, alpha=1.0, beta=1.0, k=1.0)(a).ravel()
    np.testing.assert_allclose(y, [1 / (1 + 1), 2 / (1 + 1 + 4), 3 / (1 + 4 + 9)])


def test_float32_stays_float32(rng):
    lrn = LocalResponseNorm()
    x = rng.standard_normal((1, 4, 2, 2)).astype(np.float32)
    assert lrn(x).dtype == np.float32
    assert lrn.backward(np.ones_like(x)).dtype == np.float32


@pytest.mark.parametrize("kwargs, error, words", [
    ({"size": 0}, ValueError, "'size' must be >= 1"),
    ({"size": 2.5}, TypeError, "'size' must be an integer"),
    ({"alpha": -1.0}, ValueError, "'alpha'"),
    ({"beta": -0.5}, ValueError, "'beta'"),
    ({"k": 0.0}, ValueError, "'k'"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        LocalResponseNorm(**kwargs)


def test_bad_input_and_backward_without_forward():
    lrn = LocalResponseNorm()
    with pytest.raises(ValueError, match=r"must have 4 dimensions \(N, C, H, W\)"):
        lrn(np.zeros((2, 3)))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        lrn.backward(np.zeros((1, 1, 1, 1)))
