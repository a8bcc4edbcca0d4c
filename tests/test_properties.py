"""Property-based tests (Hypothesis) over random valid layer configurations.

- Conv2d/MaxPool2d/AvgPool2d output shapes equal notes eq. (30),
  ``conv_output_size``, for every valid geometry.
- Backward passes agree with numerical gradients (float64, rel. error < 1e-6) on
  small random layers.
- Normalisations give mean 0 and variance 1 over the normalised axes before
  gamma/beta are applied.

Layers that do not exist yet are skipped by name.  Examples are few and small so the
file runs in well under a minute.
"""

import numpy as np
import pytest

import dlbook

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is missing: pip install -e '.[test]'")
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FAST = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
GRAD = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def need(path):
    """``dlbook.<path>``, or skip the test naming what is missing."""
    obj = dlbook
    for part in path.split("."):
        if not hasattr(obj, part):
            pytest.skip(f"dlbook.{path} does not exist yet")
        obj = getattr(obj, part)
    return obj


def eq30(size, kernel, stride, padding):
    """Notes eq. (30), written out independently of the library."""
    return (size + 2 * padding - kernel) // stride + 1


@st.composite
def exact_geometry(draw, max_padding_of_kernel=None):
    """``(size, kernel, stride, padding, out)`` for which eq. (30) divides exactly."""
    kernel = draw(st.integers(1, 5))
    stride = draw(st.integers(1, 3))
    top = kernel // 2 if max_padding_of_kernel else 2
    padding = draw(st.integers(0, top))
    out = draw(st.integers(1, 5))
    size = (out - 1) * stride + kernel - 2 * padding
    assume(size >= 1)
    return size, kernel, stride, padding, out


# -- eq. (30) -------------------------------------------------------------------------
@FAST
@given(st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_is_eq30_or_refuses(size, kernel, stride, padding):
    conv_output_size = need("functional.conv_output_size")
    span = size + 2 * padding - kernel
    if span < 0 or span % stride:
        with pytest.raises(ValueError):
            conv_output_size(size, kernel, stride, padding)
    else:
        assert conv_output_size(size, kernel, stride, padding) == eq30(size, kernel, stride, padding)
    if span >= 0:
        assert conv_output_size(size, kernel, stride, padding, rounding="floor") == \
            eq30(size, kernel, stride, padding)


@FAST
@given(exact_geometry(), exact_geometry(), st.integers(1, 2), st.integers(1, 3), st.integers(1, 3))
def test_conv2d_output_shape_is_eq30(gh, gw, n, c_in, c_out):
    Conv2d = need("nn.Conv2d")
    conv_output_size = need("functional.conv_output_size")
    (h, kh, sh, ph, oh), (w, kw, sw, pw, ow) = gh, gw
    layer = Conv2d(c_in, c_out, (kh, kw), stride=(sh, sw), padding=(ph, pw), rng=0)
    y = layer(np.zeros((n, c_in, h, w), np.float32))
    assert y.shape == (n, c_out, oh, ow)
    assert (oh, ow) == (conv_output_size(h, kh, sh, ph), conv_output_size(w, kw, sw, pw))


@FAST
@given(st.integers(1, 20), st.integers(1, 5), st.integers(1, 3), st.integers(0, 2))
def test_conv2d_floor_rounding_drops_the_partial_window(size, kernel, stride, padding):
    Conv2d = need("nn.Conv2d")
    assume(size + 2 * padding >= kernel)
    layer = Conv2d(1, 1, kernel, stride=stride, padding=padding, rounding="floor", rng=0)
    out = eq30(size, kernel, stride, padding)
    assert layer(np.zeros((1, 1, size, size), np.float32)).shape == (1, 1, out, out)


@FAST
@given(exact_geometry(max_padding_of_kernel=True), exact_geometry(max_padding_of_kernel=True),
       st.sampled_from(["MaxPool2d", "AvgPool2d"]), st.integers(1, 3))
def test_pool_output_shape_is_eq30(gh, gw, kind, channels):
    Pool = need(f"nn.{kind}")
    (h, kh, sh, ph, oh), (w, kw, sw, pw, ow) = gh, gw
    y = Pool((kh, kw), stride=(sh, sw), padding=(ph, pw))(
        np.ones((2, channels, h, w), np.float32))
    assert y.shape == (2, channels, oh, ow) == (2, channels, eq30(h, kh, sh, ph), eq30(w, kw, sw, pw))


# -- gradients ------------------------------------------------------------------------
def away_from_zero(rng, shape):
    """Inputs at least 0.05 from 0, so ReLU's kink is never inside the finite difference."""
    z = rng.standard_normal(shape)
    return np.where(z >= 0, 1.0, -1.0) * (0.05 + np.abs(z))


def distinct(rng, shape):
    """Values at least 0.1 apart, so max-pooling winners are never near a tie."""
    return rng.permutation(np.arange(int(np.prod(shape)))).reshape(shape) * 0.1 - 1.0


def assert_gradients_match(layer, x):
    errors = dlbook.gradcheck.check_module_gradients(layer, x, rng=0)
    worst = max(errors, key=errors.get)
    assert errors[worst] < 1e-6, f"{type(layer).__name__}: {errors}"


@GRAD
@given(st.integers(0, 2**16), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4),
       st.sampled_from(["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Swish"]))
def test_linear_and_activation_gradients(seed, n, fan_in, fan_out, activation):
    rng = np.random.default_rng(seed)
    nn = dlbook.nn
    layer = nn.Sequential(nn.Linear(fan_in, fan_out, rng=seed, dtype=np.float64),
                          getattr(nn, activation)())
    x = rng.standard_normal((n, fan_in))
    if activation in ("ReLU", "LeakyReLU"):
        # keep pre-activations away from the kink: check the activation on its own
        layer = getattr(nn, activation)()
        x = away_from_zero(rng, (n, fan_out))
    assert_gradients_match(layer, x)


@GRAD
@given(st.integers(0, 2**16), exact_geometry(), exact_geometry(), st.integers(1, 2),
       st.integers(1, 2), st.integers(1, 2))
def test_conv2d_gradients(seed, gh, gw, n, c_in, c_out):
    Conv2d = need("nn.Conv2d")
    (h, kh, sh, ph, _), (w, kw, sw, pw, _) = gh, gw
    layer = Conv2d(c_in, c_out, (kh, kw), stride=(sh, sw), padding=(ph, pw), rng=seed,
                   dtype=np.float64)
    x = np.random.default_rng(seed).standard_normal((n, c_in, h, w))
    assert_gradients_match(layer, x)


@GRAD
@given(st.integers(0, 2**16), exact_geometry(max_padding_of_kernel=True),
       exact_geometry(max_padding_of_kernel=True), st.sampled_from(["MaxPool2d", "AvgPool2d"]))
def test_pool_gradients(seed, gh, gw, kind):
    Pool = need(f"nn.{kind}")
    (h, kh, sh, ph, _), (w, kw, sw, pw, _) = gh, gw
    layer = Pool((kh, kw), stride=(sh, sw), padding=(ph, pw))
    x = distinct(np.random.default_rng(seed), (2, 2, h, w))
    assert_gradients_match(layer, x)


NORMS = {
    # name: (factory(C), input shape(N, C, S), axes normalised over, gamma broadcast shape(C, S))
    "BatchNorm1d": (lambda c, s: dlbook.nn.BatchNorm1d(c, dtype=np.float64),
                    lambda n, c, s: (n, c), (0,), lambda c, s: (1, c)),
    "BatchNorm2d": (lambda c, s: dlbook.nn.BatchNorm2d(c, dtype=np.float64),
                    lambda n, c, s: (n, c, s, s), (0, 2, 3), lambda c, s: (1, c, 1, 1)),
    "LayerNorm": (lambda c, s: dlbook.nn.LayerNorm((c, s, s), dtype=np.float64),
                  lambda n, c, s: (n, c, s, s), (1, 2, 3), lambda c, s: (1, c, s, s)),
    "InstanceNorm2d": (lambda c, s: dlbook.nn.InstanceNorm2d(c, affine=True, dtype=np.float64),
                       lambda n, c, s: (n, c, s, s), (2, 3), lambda c, s: (1, c, 1, 1)),
    "GroupNorm": (lambda c, s: dlbook.nn.GroupNorm(1, c, dtype=np.float64),
                  lambda n, c, s: (n, c, s, s), (1, 2, 3), lambda c, s: (1, c, 1, 1)),
}


@GRAD
@given(st.integers(0, 2**16), st.sampled_from(sorted(NORMS)), st.integers(3, 4),
       st.integers(1, 3), st.integers(2, 3))
def test_normalisation_gradients(seed, name, n, c, s):
    # (n >= 3: with two samples batch norm maps every pair to -1, +1 and its input
    # gradient is ~0, so a *relative* error says nothing)
    need(f"nn.{name}")
    make, shape, _, _ = NORMS[name]
    layer = make(c, s)
    rng = np.random.default_rng(seed)
    for p in layer.parameters():                   # non-trivial gamma and beta
        p.data = rng.uniform(0.5, 1.5, p.shape)
    assert_gradients_match(layer, rng.standard_normal(shape(n, c, s)) * 2 + 1)


@GRAD
@given(st.integers(0, 2**16), st.integers(1, 6), st.sampled_from([1, 3, 5]))
def test_local_response_norm_gradients(seed, channels, size):
    LRN = need("nn.LocalResponseNorm")
    x = np.random.default_rng(seed).standard_normal((2, channels, 3, 3))
    assert_gradients_match(LRN(size=size, alpha=0.1, beta=0.75, k=2.0), x)


@GRAD
@given(st.integers(0, 2**16), st.floats(0.0, 0.9))
def test_dropout_gradients(seed, p):
    Dropout = need("nn.Dropout")
    x = np.random.default_rng(seed).standard_normal((3, 5))
    assert_gradients_match(Dropout(p, rng=seed), x)


# -- normalisation statistics ---------------------------------------------------------
@FAST
@given(st.integers(0, 2**16), st.sampled_from(sorted(NORMS)), st.integers(2, 5),
       st.integers(1, 4), st.integers(2, 4), st.floats(0.5, 20.0), st.floats(-50.0, 50.0))
def test_normalisation_gives_mean_0_var_1_before_gamma_beta(seed, name, n, c, s, scale, shift):
    need(f"nn.{name}")
    make, shape, axes, param_shape = NORMS[name]
    layer = make(c, s).train()
    rng = np.random.default_rng(seed)
    gamma = rng.uniform(0.5, 2.0, param_shape(c, s))
    beta = rng.uniform(-1.0, 1.0, param_shape(c, s))
    layer.gamma.data = gamma.reshape(layer.gamma.shape)
    layer.beta.data = beta.reshape(layer.beta.shape)
    x = rng.standard_normal(shape(n, c, s)) * scale + shift
    x_hat = (layer(x) - beta) / gamma
    np.testing.assert_allclose(x_hat.mean(axis=axes), 0.0, atol=1e-9)
    # var(x_hat) = var / (var + eps): 1 up to eps / var
    var = x.var(axis=axes)
    np.testing.assert_allclose(x_hat.var(axis=axes), var / (var + layer.eps), rtol=1e-9)
    assert np.all(x_hat.var(axis=axes) > 0.99) or np.any(var < 1e-3)
