"""Weight initialisers (notes 1.1.2): fan-in/fan-out and the standard deviations."""

import math

import numpy as np
import pytest

from dlbook import init
from dlbook.nn import Linear

LINEAR = (300, 500)        # (out, in): fan_in 500, fan_out 300
CONV = (64, 32, 3, 3)      # (out, in, kh, kw): fan_in 288, fan_out 576


@pytest.mark.parametrize("shape, expected", [
    ((84, 120), (120, 84)),
    ((10, 1), (1, 10)),
    ((16, 6, 5, 5), (150, 400)),
    (CONV, (288, 576)),
    ((8, 3, 1, 1), (3, 8)),
])
def test_fan_in_and_fan_out(shape, expected):
    assert init.fan_in_and_fan_out(shape) == expected


def test_fan_in_and_fan_out_rejects_bias_shapes():
    with pytest.raises(ValueError, match="'shape' must have at least 2 dimensions"):
        init.fan_in_and_fan_out((10,))


@pytest.mark.parametrize("shape", [LINEAR, CONV])
def test_he_normal_std_is_sqrt_2_over_fan_in(shape):
    fan_in, _ = init.fan_in_and_fan_out(shape)
    w = init.he_normal(shape, rng=0, dtype=np.float64)
    assert abs(w.mean()) < 0.01 * math.sqrt(2 / fan_in)
    assert w.std() == pytest.approx(math.sqrt(2 / fan_in), rel=0.02)


def test_he_std_is_not_the_notes_2_over_sqrt_n():
    """The notes say He uses std 2/sqrt(n); He et al. (2015) use sqrt(2/n)."""
    n = 400
    std = init.he_normal((n, n), rng=0, dtype=np.float64).std()
    assert std == pytest.approx(math.sqrt(2 / n), rel=0.02)          # 0.0707
    assert std < 0.75 * (2 / math.sqrt(n))                            # notes: 0.1


@pytest.mark.parametrize("shape", [LINEAR, CONV])
def test_he_uniform_has_the_same_variance(shape):
    fan_in, _ = init.fan_in_and_fan_out(shape)
    w = init.he_uniform(shape, rng=0, dtype=np.float64)
    assert np.abs(w).max() <= math.sqrt(6 / fan_in)
    assert w.var() == pytest.approx(2 / fan_in, rel=0.03)


@pytest.mark.parametrize("shape", [LINEAR, CONV])
def test_xavier_normal_variance_is_2_over_fan_in_plus_fan_out(shape):
    fan_in, fan_out = init.fan_in_and_fan_out(shape)
    w = init.xavier_normal(shape, rng=0, dtype=np.float64)
    assert w.var() == pytest.approx(2 / (fan_in + fan_out), rel=0.03)


@pytest.mark.parametrize("shape", [LINEAR, CONV])
def test_xavier_uniform_is_glorot_eq_16(shape):
    fan_in, fan_out = init.fan_in_and_fan_out(shape)
    bound = math.sqrt(6 / (fan_in + fan_out))
    w = init.xavier_uniform(shape, rng=0, dtype=np.float64)
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.99 * bound
    assert w.var() == pytest.approx(2 / (fan_in + fan_out), rel=0.03)


@pytest.mark.parametrize("shape", [LINEAR, CONV])
def test_xavier_simple_is_the_notes_1_over_sqrt_n(shape):
    fan_in, _ = init.fan_in_and_fan_out(shape)
    w = init.xavier_simple(shape, rng=0, dtype=np.float64)
    assert w.std() == pytest.approx(1 / math.sqrt(fan_in), rel=0.02)


def test_xavier_simple_equals_glorot_when_fan_in_equals_fan_out():
    a = init.xavier_simple((200, 200), rng=3)
    b = init.xavier_normal((200, 200), rng=3)
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_initializers_are_reproducible_and_float32(name):
    f = init.INITIALIZERS[name]
    a, b = f((20, 30), rng=7), f((20, 30), rng=7)
    assert a.dtype == np.float32 and a.shape == (20, 30)
    np.testing.assert_array_equal(a, b)
    assert f((20, 30), rng=7, dtype=np.float64).dtype == np.float64


def test_initializers_leave_the_global_numpy_state_alone():
    before = np.random.get_state()[1].copy()
    init.he_normal((10, 10), rng=0)
    init.xavier_uniform((10, 10))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_zeros_works_as_a_weight_init():
    fc = Linear(5, 3, weight_init="zeros", rng=0)
    assert not fc.W.data.any()


def test_normal_and_uniform_scales():
    w = init.normal((1000, 1000), std=0.01, rng=0, dtype=np.float64)
    assert w.std() == pytest.approx(0.01, rel=0.01)
    u = init.uniform((1000, 1000), bound=0.5, rng=0, dtype=np.float64)
    assert u.var() == pytest.approx(0.25 / 3, rel=0.01)


@pytest.mark.parametrize("call, exc, message", [
    (lambda: init.normal((3, 3), std=-1.0), ValueError, "'std' must lie in"),
    (lambda: init.uniform((3, 3), bound=float("nan")), ValueError, "'bound'"),
    (lambda: init.he_normal((3, 0)), ValueError, "'shape' must be >= 1"),
    (lambda: init.he_normal((3, 2.5)), TypeError, "'shape' must be an integer"),
    (lambda: init.he_normal("3x3"), TypeError, "'shape' must be a tuple"),
    (lambda: init.he_normal((3, 3), dtype=np.int32), TypeError, "floating dtype"),
    (lambda: init.zeros((2, -1)), ValueError, "'shape' must be >= 1"),
    (lambda: init.get_initializer("kaiming"), ValueError, "'weight_init' must be one of"),
])
def test_bad_arguments_raise_clear_errors(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
