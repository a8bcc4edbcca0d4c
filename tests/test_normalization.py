"""Normalisation layers (notes 1.1.3, eqs. (8)-(12), Figs. 3-6) and their shared core."""

import numpy as np
import pytest

from dlbook.functional import NormalizeCache, normalize, normalize_backward
from dlbook.gradcheck import check_module_gradients, numerical_gradient, relative_error
from dlbook.nn import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm2d,
    LayerNorm,
    Linear,
    Sequential,
)

F64 = np.float64


def data(shape, seed=1, scale=3.0, shift=2.0):
    return np.random.default_rng(seed).standard_normal(shape) * scale + shift


def randomize_affine(layer, seed=2):
    rng = np.random.default_rng(seed)
    for p in layer.parameters():
        p.data[...] = rng.standard_normal(p.shape)
    return layer


# -- the shared core ------------------------------------------------------------------
@pytest.mark.parametrize("shape, axes", [
    ((6, 4), (0,)), ((6, 4), (1,)), ((3, 4, 5), (0, 2)), ((2, 3, 4, 5), (0, 2, 3)),
    ((2, 3, 4, 5), (1, 2, 3)), ((2, 3, 4, 5), (2, 3)), ((2, 2, 3, 5), (-2, -1)),
])
def test_normalize_matches_eqs_8_to_11(shape, axes):
    x = data(shape)
    x_hat, cache = normalize(x, axes, eps=1e-5)
    mu = x.mean(axis=axes, keepdims=True)                          # eq. (8)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)           # eq. (9), 1/m
    np.testing.assert_allclose(x_hat, (x - mu) / np.sqrt(var + 1e-5))  # eq. (11)
    np.testing.assert_allclose(cache.mean, mu)
    np.testing.assert_allclose(cache.var, var)
    assert isinstance(cache, NormalizeCache) and not cache.fixed


@pytest.mark.parametrize("shape, axes", [
    ((5, 3), (0,)), ((4, 3, 6), (0, 2)), ((3, 2, 3, 3), (0, 2, 3)), ((3, 6), (1,)),
    ((2, 3, 2, 4), (1, 2, 3)), ((2, 3, 2, 4), (2,)),
])
def test_normalize_backward_matches_numerical_gradient(shape, axes):
    x = data(shape, seed=3)
    upstream = np.random.default_rng(4).standard_normal(shape)
    _, cache = normalize(x, axes)
    analytic = normalize_backward(upstream, cache)
    numeric = numerical_gradient(lambda: np.sum(normalize(x, axes)[0] * upstream), x)
    assert relative_error(analytic, numeric) < 1e-6


def test_normalize_backward_with_fixed_statistics():
    x = data((4, 3), seed=5)
    mean, var = np.array([[0.5, -1.0, 2.0]]), np.array([[2.0, 0.5, 1.0]])
    upstream = np.random.default_rng(6).standard_normal(x.shape)
    x_hat, cache = normalize(x, 0, 1e-5, mean, var)
    np.testing.assert_allclose(x_hat, (x - mean) / np.sqrt(var + 1e-5))
    numeric = numerical_gradient(lambda: np.sum(normalize(x, 0, 1e-5, mean, var)[0] * upstream), x)
    assert relative_error(normalize_backward(upstream, cache), numeric) < 1e-6


def test_normalize_backward_has_no_python_loop_over_samples():
    """One vectorised call on a big batch stays fast (a per-sample loop would not)."""
    import time
    x = data((4096, 64), seed=7).astype(np.float32)
    start = time.perf_counter()
    _, cache = normalize(x, 0)
    normalize_backward(np.ones_like(x), cache)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("call, exc, message", [
    (lambda: normalize(np.arange(4), 0), TypeError, "floating dtype"),
    (lambda: normalize([1.0, 2.0], 0), TypeError, "numpy.ndarray"),
    (lambda: normalize(np.array([1.0, np.nan]), 0), ValueError, "1 NaN"),
    (lambda: normalize(np.ones((2, 3)), 2), ValueError, "'axes' = \\(2,\\) is out of range"),
    (lambda: normalize(np.ones((2, 3)), ()), ValueError, "'axes' is empty"),
    (lambda: normalize(np.ones((2, 3)), (0, -2)), ValueError, "repeats an axis"),
    (lambda: normalize(np.ones((2, 3)), 0, eps=-1.0), ValueError, "'eps' must lie in"),
    (lambda: normalize(np.ones((2, 3)), 0, eps=0.0), ValueError, "variance 0 and eps=0"),
    (lambda: normalize(np.ones((2, 3)), 0, 1e-5, np.zeros((1, 3))), ValueError, "both 'mean'"),
    (lambda: normalize(np.ones((2, 3)), 0, 1e-5, np.zeros((2, 3)), np.ones((2, 3))),
     ValueError, "'mean' has shape \\(2, 3\\)"),
    (lambda: normalize(np.ones((2, 3)), 0, 1e-5, np.zeros((1, 3)), -np.ones((1, 3))),
     ValueError, "'var' has negative"),
    (lambda: normalize_backward(np.ones(3), (1, 2)), TypeError, "NormalizeCache"),
    (lambda: normalize_backward(np.ones(3), normalize(np.ones((2, 3)), 0)[1]),
     ValueError, "'dx_hat' has shape \\(3,\\)"),
])
def test_normalize_rejects_bad_arguments(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


# -- gradient checks of every layer -------------------------------------------------
LAYERS = [
    pytest.param(lambda: BatchNorm1d(4, dtype=F64), (6, 4), id="BatchNorm1d-NC"),
    pytest.param(lambda: BatchNorm1d(3, dtype=F64), (2, 3, 5), id="BatchNorm1d-NCL"),
    pytest.param(lambda: BatchNorm1d(1, dtype=F64), (3, 1), id="BatchNorm1d-C1"),
    pytest.param(lambda: BatchNorm2d(3, dtype=F64), (4, 3, 2, 3), id="BatchNorm2d"),
    pytest.param(lambda: BatchNorm2d(2, dtype=F64), (1, 2, 3, 3), id="BatchNorm2d-N1"),
    pytest.param(lambda: LayerNorm(6, dtype=F64), (3, 6), id="LayerNorm-1d"),
    pytest.param(lambda: LayerNorm((3, 2, 2), dtype=F64), (2, 3, 2, 2), id="LayerNorm-CHW"),
    pytest.param(lambda: LayerNorm((4, 5), dtype=F64), (2, 3, 4, 5), id="LayerNorm-HW"),
    pytest.param(lambda: InstanceNorm2d(3, affine=True, dtype=F64), (2, 3, 3, 3),
                 id="InstanceNorm2d-affine"),
    pytest.param(lambda: InstanceNorm2d(2, dtype=F64), (3, 2, 2, 3), id="InstanceNorm2d"),
    pytest.param(lambda: GroupNorm(1, 4, dtype=F64), (3, 4, 2, 2), id="GroupNorm-G1"),
    pytest.param(lambda: GroupNorm(2, 4, dtype=F64), (3, 4, 2, 2), id="GroupNorm-G2"),
    pytest.param(lambda: GroupNorm(4, 4, dtype=F64), (2, 4, 2, 2), id="GroupNorm-G4"),
    pytest.param(lambda: GroupNorm(3, 6, dtype=F64), (2, 6, 5), id="GroupNorm-G3-NCL"),
    pytest.param(lambda: GroupNorm(2, 6, dtype=F64), (4, 6), id="GroupNorm-G2-NC"),
]


@pytest.mark.parametrize("make, shape", LAYERS)
def test_gradients_in_training_mode(make, shape):
    layer = randomize_affine(make())
    errors = check_module_gradients(layer, data(shape, seed=11), rng=5)
    assert max(errors.values()) < 1e-6, errors
    if layer.affine:
        assert set(errors) == {"x", "gamma", "beta"}


@pytest.mark.parametrize("make, shape", [LAYERS[0], LAYERS[1], LAYERS[3]])
def test_batchnorm_gradients_in_eval_mode(make, shape):
    layer = randomize_affine(make())
    layer(data(shape, seed=12))                       # give it running statistics
    layer.eval()
    errors = check_module_gradients(layer, data(shape, seed=13), rng=5)
    assert max(errors.values()) < 1e-6, errors


def test_batchnorm_inside_a_network_gradients():
    net = Sequential(Linear(5, 4, bias=False, rng=0, dtype=F64), BatchNorm1d(4, dtype=F64),
                     Linear(4, 3, rng=1, dtype=F64))
    errors = check_module_gradients(net, data((6, 5), seed=14), rng=3)
    assert max(errors.values()) < 1e-6, errors


def test_a_bias_before_batchnorm_gets_no_gradient():
    """Batch norm subtracts the batch mean, so a constant added before it cancels
    (Ioffe & Szegedy 2015, sec. 3.2: the bias "can be ignored")."""
    net = Sequential(Linear(5, 4, rng=0, dtype=F64), BatchNorm1d(4, dtype=F64))
    net(data((6, 5), seed=14))
    net.backward(np.random.default_rng(0).standard_normal((6, 4)))
    assert np.abs(net[0].b.grad).max() < 1e-12
    assert np.abs(net[0].W.grad).max() > 1e-3


# -- batch normalisation: statistics, running averages, train vs eval ---------------
def test_batchnorm2d_is_per_channel_not_per_activation():
    x = data((8, 3, 4, 5), seed=15)
    bn = BatchNorm2d(3, dtype=F64)
    y = bn(x)
    assert bn.gamma.shape == bn.running_mean.shape == (3,)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, rtol=1e-4)
    # per-activation statistics (over N only) would zero every position's batch mean;
    # per-channel statistics do not
    assert np.abs(y.mean(axis=0)).max() > 0.1
    expected = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(
        x.var(axis=(0, 2, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(y, expected)


def test_batchnorm1d_on_ncl_shares_statistics_over_n_and_l():
    x = data((4, 2, 6), seed=16)
    y = BatchNorm1d(2, dtype=F64)(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2)), 0, atol=1e-12)
    assert np.abs(y.mean(axis=0)).max() > 0.1


def test_scale_and_shift_eq_12():
    bn = BatchNorm1d(2, dtype=F64)
    bn.gamma.data[:] = [2.0, 0.5]
    bn.beta.data[:] = [1.0, -3.0]
    x = data((5, 2), seed=17)
    x_hat = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(bn(x), bn.gamma.data * x_hat + bn.beta.data)


@pytest.mark.parametrize("cls, shape", [(BatchNorm1d, (6, 3)), (BatchNorm1d, (4, 3, 5)),
                                        (BatchNorm2d, (4, 3, 2, 2))])
@pytest.mark.parametrize("momentum", [0.1, 0.3, 1.0])
def test_running_statistics_follow_the_formula_over_several_steps(cls, shape, momentum):
    bn = cls(3, momentum=momentum, dtype=F64)
    axes = (0,) + tuple(range(2, len(shape)))
    m = np.prod([shape[a] for a in axes])
    run_mean, run_var = np.zeros(3), np.ones(3)
    for step in range(5):
        x = data(shape, seed=20 + step, shift=step)
        bn(x)
        batch_mean = x.mean(axis=axes)
        unbiased_var = x.var(axis=axes) * m / (m - 1)
        np.testing.assert_allclose(unbiased_var, x.var(axis=axes, ddof=1))
        run_mean = (1 - momentum) * run_mean + momentum * batch_mean
        run_var = (1 - momentum) * run_var + momentum * unbiased_var
        np.testing.assert_allclose(bn.running_mean, run_mean, rtol=1e-12)
        np.testing.assert_allclose(bn.running_var, run_var, rtol=1e-12)


def test_inference_uses_running_statistics():
    bn = randomize_affine(BatchNorm2d(3, dtype=F64))
    for step in range(3):
        bn(data((4, 3, 2, 2), seed=30 + step))
    before = dict(running_mean=bn.running_mean.copy(), running_var=bn.running_var.copy())
    bn.eval()
    x = data((2, 3, 2, 2), seed=40)
    shape = (1, 3, 1, 1)
    expected = (bn.gamma.data.reshape(shape) * (x - bn.running_mean.reshape(shape))
                / np.sqrt(bn.running_var.reshape(shape) + bn.eps) + bn.beta.data.reshape(shape))
    np.testing.assert_allclose(bn(x), expected)
    # eval mode neither updates the buffers nor depends on the rest of the batch
    np.testing.assert_array_equal(bn.running_mean, before["running_mean"])
    np.testing.assert_array_equal(bn.running_var, before["running_var"])
    np.testing.assert_allclose(bn(x[:1]), bn(x)[:1])
    # training mode uses the batch's own statistics, which differ
    bn.train()
    assert not np.allclose(bn(x), expected)


def test_inference_with_batch_of_one_is_allowed():
    bn = BatchNorm1d(3)
    bn.eval()
    assert bn(np.ones((1, 3), np.float32)).shape == (1, 3)


def test_running_statistics_are_buffers_in_the_state_dict():
    net = Sequential(Linear(3, 2, rng=0), BatchNorm1d(2))
    state = net.state_dict()
    assert {"1.running_mean", "1.running_var", "1.gamma", "1.beta"} <= set(state)
    assert [n for n, _ in net.named_parameters()] == ["0.W", "0.b", "1.gamma", "1.beta"]


# -- the other normalisations -------------------------------------------------------
def test_layernorm_is_per_sample_over_trailing_dims_with_elementwise_affine():
    x = data((3, 2, 4, 4), seed=50)
    ln = LayerNorm((2, 4, 4), dtype=F64)
    assert ln.gamma.shape == (2, 4, 4)
    y = ln(x)
    np.testing.assert_allclose(y.mean(axis=(1, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(1, 2, 3)), 1, rtol=1e-4)
    np.testing.assert_allclose(ln(x[1:2]), y[1:2])     # independent of the batch
    ln.gamma.data[...] = data((2, 4, 4), seed=51)
    np.testing.assert_allclose(ln(x), ln.gamma.data * y)


def test_instancenorm_is_per_sample_and_channel():
    x = data((3, 2, 4, 4), seed=52)
    y = InstanceNorm2d(2, dtype=F64)(x)
    np.testing.assert_allclose(y.mean(axis=(2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(2, 3)), 1, rtol=1e-4)


def test_groupnorm_extremes_are_layer_and_instance_norm():
    x = data((3, 6, 4, 4), seed=53)
    np.testing.assert_allclose(GroupNorm(1, 6, dtype=F64)(x), LayerNorm((6, 4, 4), dtype=F64)(x))
    np.testing.assert_allclose(GroupNorm(6, 6, dtype=F64)(x), InstanceNorm2d(6, dtype=F64)(x))


def test_groupnorm_groups_are_consecutive_channels():
    x = data((2, 6, 3, 3), seed=54)
    y = GroupNorm(3, 6, dtype=F64)(x)
    grouped = y.reshape(2, 3, 2, 3, 3)
    np.testing.assert_allclose(grouped.mean(axis=(2, 3, 4)), 0, atol=1e-12)
    np.testing.assert_allclose(grouped.var(axis=(2, 3, 4)), 1, rtol=1e-4)


@pytest.mark.parametrize("layer", [LayerNorm(4), InstanceNorm2d(4), GroupNorm(2, 4)])
def test_batch_independent_layers_ignore_train_eval(layer):
    x = data((2, 4, 3, 4) if not isinstance(layer, LayerNorm) else (2, 3, 4), seed=55)
    x = x.astype(np.float32)
    y_train = layer.train()(x)
    np.testing.assert_array_equal(layer.eval()(x), y_train)


@pytest.mark.parametrize("make", [lambda: BatchNorm1d(3), lambda: BatchNorm2d(3),
                                  lambda: LayerNorm(3), lambda: InstanceNorm2d(3, affine=True),
                                  lambda: GroupNorm(1, 3)])
def test_defaults_gamma_one_beta_zero_float32(make):
    layer = make()
    assert layer.gamma.data.dtype == np.float32
    np.testing.assert_array_equal(layer.gamma.data, 1)
    np.testing.assert_array_equal(layer.beta.data, 0)


def test_float32_forward_stays_float32():
    x = data((4, 3, 2, 2), seed=56).astype(np.float32)
    for layer in (BatchNorm2d(3), InstanceNorm2d(3), GroupNorm(3, 3), LayerNorm((3, 2, 2))):
        y = layer(x)
        assert y.dtype == np.float32
        assert layer.backward(np.ones_like(y)).dtype == np.float32


def test_instancenorm_without_affine_has_no_parameters():
    assert InstanceNorm2d(3).parameters() == []


# -- validation ---------------------------------------------------------------------
@pytest.mark.parametrize("make, x, exc, message", [
    (lambda: BatchNorm1d(4), np.ones((5, 3), np.float32), ValueError,
     "BatchNorm1d: argument 'x' has 3 channels .* expects num_features=4"),
    (lambda: BatchNorm2d(4), np.ones((2, 3, 2, 2), np.float32), ValueError,
     "has 3 channels .* num_features=4"),
    (lambda: BatchNorm2d(3), np.ones((2, 3, 4), np.float32), ValueError,
     "BatchNorm2d: argument 'x' must have 4 dimensions \\(N, C, H, W\\), got 3"),
    (lambda: BatchNorm1d(3), np.ones((2, 3, 4, 4), np.float32), ValueError,
     "must have 2 or 3 dimensions"),
    (lambda: BatchNorm1d(3), np.ones((1, 3), np.float32), ValueError,
     "expected more than 1 value per channel when training"),
    (lambda: BatchNorm2d(3), np.ones((1, 3, 1, 1), np.float32), ValueError,
     "more than 1 value per channel"),
    (lambda: BatchNorm1d(3), np.ones((4, 3), np.int64), TypeError, "floating dtype"),
    (lambda: BatchNorm1d(3), np.ones((4, 3)), TypeError, "dtype float64 but the layer"),
    (lambda: BatchNorm1d(3), np.array([[1, 2, np.nan]] * 2, np.float32), ValueError, "2 NaN"),
    (lambda: LayerNorm((3, 4)), np.ones((2, 4, 3), np.float32), ValueError,
     "trailing shape \\(4, 3\\) .* normalized_shape=\\(3, 4\\)"),
    (lambda: LayerNorm((3, 4)), np.ones((3, 4), np.float32), ValueError,
     "at least 3 dimensions"),
    (lambda: InstanceNorm2d(3), np.ones((2, 4, 2, 2), np.float32), ValueError,
     "has 4 channels .* num_features=3"),
    (lambda: InstanceNorm2d(3), np.ones((2, 3, 4), np.float32), ValueError,
     "must have 4 dimensions"),
    (lambda: InstanceNorm2d(3), np.ones((2, 3, 1, 1), np.float32), ValueError,
     "more than 1 spatial element"),
    (lambda: GroupNorm(2, 4), np.ones((2, 6, 3), np.float32), ValueError,
     "has 6 channels .* num_channels=4"),
    (lambda: GroupNorm(2, 4), np.ones((4,), np.float32), ValueError, "at least 2 dimensions"),
])
def test_bad_inputs_raise_and_leave_state_unchanged(make, x, exc, message):
    layer = make()
    before = layer.state_dict()
    with pytest.raises(exc, match=message):
        layer(x)
    after = layer.state_dict()
    assert before.keys() == after.keys()
    for k in before:
        np.testing.assert_array_equal(before[k], after[k])


@pytest.mark.parametrize("make, exc, message", [
    (lambda: BatchNorm1d(0), ValueError, "'num_features' must be >= 1"),
    (lambda: BatchNorm2d(3.0), TypeError, "'num_features' must be an integer"),
    (lambda: BatchNorm2d(3, eps=0.0), ValueError, "'eps' must lie in \\(0, inf\\]"),
    (lambda: BatchNorm2d(3, eps=-1e-5), ValueError, "'eps'"),
    (lambda: BatchNorm1d(3, momentum=1.5), ValueError, "'momentum' must lie in \\[0, 1\\]"),
    (lambda: BatchNorm1d(3, momentum="0.1"), TypeError, "'momentum' must be a real number"),
    (lambda: BatchNorm1d(3, dtype=np.int32), TypeError, "floating dtype"),
    (lambda: GroupNorm(4, 6), ValueError,
     "'num_groups'=4 must divide num_channels=6; valid values are \\[1, 2, 3, 6\\]"),
    (lambda: GroupNorm(0, 6), ValueError, "'num_groups' must be >= 1"),
    (lambda: LayerNorm(()), TypeError, "'normalized_shape'"),
    (lambda: LayerNorm((3, 0)), ValueError, "'normalized_shape' must be >= 1"),
    (lambda: InstanceNorm2d(2, eps=float("nan")), ValueError, "'eps'"),
])
def test_bad_constructor_arguments(make, exc, message):
    with pytest.raises(exc, match=message):
        make()


def test_backward_needs_a_forward_and_a_matching_dout():
    bn = BatchNorm1d(2)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        bn.backward(np.ones((3, 2), np.float32))
    y = bn(data((3, 2)).astype(np.float32))
    with pytest.raises(ValueError, match="'dout' has shape \\(2, 2\\)"):
        bn.backward(np.ones((2, 2), np.float32))
    bn.backward(np.ones_like(y))
    with pytest.raises(RuntimeError, match="backward called before forward"):
        bn.backward(np.ones_like(y))


def test_momentum_none_gives_ioffe_szegedy_population_statistics(rng):
    """Algorithm 2 of Ioffe & Szegedy: E[x] = E_B[mu_B], Var[x] = m/(m-1) E_B[sigma_B^2]."""
    bn = BatchNorm2d(3, momentum=None, dtype=np.float64)
    batches = [rng.normal(2.0, 3.0, (4, 3, 5, 5)) for _ in range(7)]
    for x in batches:
        bn(x)
    m = 4 * 5 * 5
    means = [x.mean(axis=(0, 2, 3)) for x in batches]
    variances = [x.var(axis=(0, 2, 3)) for x in batches]
    np.testing.assert_allclose(bn.running_mean, np.mean(means, axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, m / (m - 1) * np.mean(variances, axis=0),
                               rtol=1e-12)
    assert int(bn.num_batches_tracked) == 7
    bn.eval()
    bn(batches[0])                                   # evaluation does not count a batch
    assert int(bn.num_batches_tracked) == 7


def test_num_batches_tracked_is_saved_and_counts_with_any_momentum(rng):
    bn = BatchNorm1d(2, momentum=0.1, dtype=np.float64)
    for _ in range(3):
        bn(rng.standard_normal((5, 2)))
    state = bn.state_dict()
    assert int(state["num_batches_tracked"]) == 3
    fresh = BatchNorm1d(2, momentum=None, dtype=np.float64)
    fresh.load_state_dict(state)
    assert int(fresh.num_batches_tracked) == 3
    fresh(np.array([[1.0, 1.0], [3.0, 3.0]]))       # the 4th batch gets weight 1/4
    np.testing.assert_allclose(fresh.running_mean, 0.75 * state["running_mean"] + 0.25 * 2.0)
    assert "momentum=None" in repr(fresh)


@pytest.mark.parametrize("make, shape", [
    (lambda: BatchNorm2d(3), (4, 3, 5, 5)),
    (lambda: LayerNorm((3, 5, 5)), (4, 3, 5, 5)),
    (lambda: GroupNorm(1, 3), (4, 3, 5, 5)),
])
def test_forward_and_backward_scan_each_array_for_nan_once(make, shape, monkeypatch, rng):
    """Checking once per boundary: the layer leaves the NaN scan of x to F.normalize."""
    import dlbook._checks as checks

    scanned = []
    original = checks.check_finite

    def counting(x, *args, **kwargs):
        scanned.append(x)
        return original(x, *args, **kwargs)

    monkeypatch.setattr(checks, "check_finite", counting)
    layer = make()
    x = rng.standard_normal(shape).astype(np.float32)
    layer.backward(layer(x) * 0.5)
    big = [a for a in scanned if a.size == x.size]
    assert len(big) <= 2                       # x once (forward), one gradient (backward)
    assert sum(a is x or a.base is x for a in big) == 1
