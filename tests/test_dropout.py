"""Dropout (notes eq. (28)): inverted dropout, mask kept for backward, identity at evaluation."""

import numpy as np
import pytest

from dlbook.gradcheck import check_module_gradients
from dlbook.nn import Dropout, Linear, Sequential


@pytest.mark.parametrize("shape", [(3, 5), (2, 3, 4, 4), (1, 7)])
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_gradient_check_in_train_mode(shape, p):
    drop = Dropout(p, rng=0)
    x = np.random.default_rng(1).standard_normal(shape)
    errors = check_module_gradients(drop, x)
    assert errors["x"] < 1e-6


def test_gradient_check_inside_a_network():
    net = Sequential(Linear(6, 8, rng=0, dtype=np.float64), Dropout(0.5, rng=1),
                     Linear(8, 3, rng=2, dtype=np.float64))
    errors = check_module_gradients(net, np.random.default_rng(3).standard_normal((4, 6)))
    assert max(errors.values()) < 1e-6


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_expected_output_equals_input(p):
    """E[y] = x: each y_i = x_i r_i / (1-p), r_i ~ Bernoulli(1-p), so Var y_i = x_i² p/(1-p)."""
    x = np.linspace(-2.0, 2.0, 50)
    k = 4000
    drop = Dropout(p, rng=0)
    samples = drop(np.tile(x, (k, 1)))
    mean = samples.mean(axis=0)
    std_of_mean = np.abs(x) * np.sqrt(p / (1 - p) / k)
    assert np.all(np.abs(mean - x) <= 5 * std_of_mean + 1e-12)
    # and the empirical variance matches the Bernoulli variance
    assert np.allclose(samples.var(axis=0), x ** 2 * p / (1 - p), rtol=0.15, atol=1e-12)


@pytest.mark.parametrize("p", [0.3, 0.6])
def test_drop_fraction_is_p_and_survivors_are_scaled(p):
    x = np.ones((200, 200), np.float32)
    y = Dropout(p, rng=0)(x)
    assert y.dtype == np.float32
    assert set(np.unique(y).tolist()) <= {0.0, np.float32(1 / (1 - p))}
    frac = float(np.mean(y == 0))
    n = x.size
    assert abs(frac - p) < 5 * np.sqrt(p * (1 - p) / n)


def test_eval_mode_is_identity_and_backward_passes_gradient():
    drop = Dropout(0.5, rng=0).eval()
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert drop(x) is x
    g = np.ones((4, 5))
    assert np.array_equal(drop.backward(g), g)


def test_p_zero_is_identity_in_training():
    drop = Dropout(0.0, rng=0)
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert np.array_equal(drop(x), x)
    assert np.array_equal(drop.backward(np.ones((4, 5))), np.ones((4, 5)))


def test_new_mask_each_forward_and_same_seed_same_mask():
    x = np.ones((10, 10))
    drop = Dropout(0.5, rng=0)
    assert not np.array_equal(drop(x), drop(x))
    assert np.array_equal(Dropout(0.5, rng=7)(x), Dropout(0.5, rng=7)(x))


def test_backward_before_forward_raises_and_cache_is_freed():
    drop = Dropout(0.5, rng=0)
    with pytest.raises(RuntimeError, match="before forward"):
        drop.backward(np.ones(3))
    drop(np.ones((1, 3)))
    drop.backward(np.ones((1, 3)))
    with pytest.raises(RuntimeError):
        drop.backward(np.ones((1, 3)))


@pytest.mark.parametrize("p, err", [(1.0, ValueError), (-0.1, ValueError), (1.5, ValueError),
                                    ("0.5", TypeError), (None, TypeError)])
def test_bad_p_raises(p, err):
    with pytest.raises(err, match="'p'"):
        Dropout(p)


def test_bad_input_raises_and_leaves_state():
    drop = Dropout(0.5, rng=0)
    state = drop.rng.bit_generator.state
    with pytest.raises(TypeError, match="'x'"):
        drop([1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        drop(np.array([np.nan]))
    assert drop.rng.bit_generator.state == state
    assert isinstance(drop.rng, np.random.Generator)
    assert repr(drop) == "Dropout(p=0.5)"


def test_paper_test_time_scaling_equals_inverted_dropout():
    """Srivastava et al.: train with y = r x (r ~ Bernoulli(q), q = 1 - p = retention), test
    with the next layer's weights times q.  Inverted dropout: train with r x / q, test with
    the weights as they are.  Both give the test network the training-time expectation."""
    p = 0.4
    q = 1 - p
    fc = Linear(50, 3, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((1, 50))
    k = 20000
    drop = Dropout(p, rng=2)
    inverted = drop(np.tile(x, (k, 1)))          # r x / q
    plain = inverted * q                          # r x, eq. (28) read literally
    mean_plain_train = (plain @ fc.W.data.T).mean(axis=0)
    mean_inverted_train = (inverted @ fc.W.data.T).mean(axis=0)
    paper_test = x @ (q * fc.W.data).T            # weights scaled by q at test time
    inverted_test = x @ fc.W.data.T               # identity at test time
    spread = np.abs(fc.W.data) @ np.abs(x[0]) * np.sqrt(p / q / k)
    assert np.all(np.abs(mean_plain_train - paper_test[0]) < 5 * q * spread)
    assert np.all(np.abs(mean_inverted_train - inverted_test[0]) < 5 * spread)
    # with no correction at all, the test network is off by the factor 1/q
    assert not np.allclose(inverted_test[0], mean_plain_train, rtol=0.1)
