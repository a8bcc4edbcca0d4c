"""The speed-ups of the Performance page agree with the plain definitions they replace."""

import numpy as np
import pytest

from dlbook._engine import conv as engine_conv
from dlbook.functional import avg_pool2d, conv2d_naive, max_pool2d, output_hw
from dlbook.gradcheck import check_module_gradients, relative_error
from dlbook.nn import AvgPool2d, Conv2d, LeakyReLU, MaxPool2d, ReLU


def _windows(x, kernel, stride, padding, out_hw, fill):
    """All pooling windows by loops: (N, C, OH, OW, kh*kw), padding filled with ``fill``."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    n, c, h, w = x.shape
    oh, ow = out_hw
    big = np.full((n, c, (oh - 1) * sh + kh + h + 2 * ph, (ow - 1) * sw + kw + w + 2 * pw), fill)
    big[:, :, ph:ph + h, pw:pw + w] = x
    win = np.empty((n, c, oh, ow, kh * kw))
    for i in range(oh):
        for j in range(ow):
            win[:, :, i, j] = big[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(n, c, -1)
    return win


# 1x1 convolutions take a batched-matmul path without im2col.
@pytest.mark.parametrize("c_in, c_out, h, w, bias", [(3, 4, 5, 6, True), (5, 2, 1, 7, False),
                                                      (1, 3, 4, 4, True)])
def test_pointwise_conv_matches_naive_and_numerical_gradients(c_in, c_out, h, w, bias, rng):
    conv = Conv2d(c_in, c_out, 1, bias=bias, rng=rng, dtype=np.float64)
    if bias:
        conv.b.data = rng.standard_normal(c_out)
    x = rng.standard_normal((3, c_in, h, w))
    b = conv.b.data if bias else None
    assert relative_error(conv(x), conv2d_naive(x, conv.W.data, b)) < 1e-12
    errors = check_module_gradients(conv, x)
    assert max(errors.values()) < 1e-6, errors


def test_pointwise_conv_accepts_non_contiguous_input_and_gradient(rng):
    conv = Conv2d(4, 3, 1, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 6, 5, 5))[:, 1:5]          # a channel slice: not contiguous
    dout = rng.standard_normal((2, 5, 5, 3)).transpose(0, 3, 1, 2)
    expected_dx = np.einsum("kc,nkij->ncij", conv.W.data[:, :, 0, 0], dout)
    expected_dw = np.einsum("nkij,ncij->kc", dout, x)[:, :, None, None]
    assert relative_error(conv(x), conv2d_naive(x, conv.W.data, conv.b.data)) < 1e-12
    conv.zero_grad()
    assert relative_error(conv.backward(dout), expected_dx) < 1e-12
    assert relative_error(conv.W.grad, expected_dw) < 1e-12
    assert relative_error(conv.b.grad, dout.sum(axis=(0, 2, 3))) < 1e-12


def test_pointwise_conv_stays_float32_and_frees_its_cache(rng):
    conv = Conv2d(3, 2, 1, rng=0)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    y = conv(x)
    assert y.dtype == np.float32 and y.flags.c_contiguous
    assert conv.backward(np.ones_like(y)).dtype == np.float32
    assert conv._cache is None


# Pools with a horizontal stride > 1 and overlapping windows read split column phases.
PHASED = [  # kernel, stride, padding, rounding, H, W
    (3, 2, 0, "ceil", 9, 12), (3, 2, 1, "exact", 7, 9), (3, 2, 0, "floor", 8, 10),
    (5, 3, 2, "ceil", 11, 13), ((3, 4), (2, 3), (1, 1), "floor", 9, 14), (3, 2, 0, "ceil", 3, 4),
]


@pytest.mark.parametrize("k, s, p, rounding, h, w", PHASED)
def test_phased_pools_match_loops(k, s, p, rounding, h, w, rng):
    x = rng.standard_normal((2, 3, h, w))
    out, argmax = max_pool2d(x, k, s, p, rounding)
    pair = (lambda v: v if isinstance(v, tuple) else (v, v))
    win = _windows(x, pair(k), pair(s), pair(p), out.shape[2:], -np.inf)
    assert np.array_equal(out, win.max(axis=-1))
    assert np.array_equal(argmax, win.argmax(axis=-1))       # first maximum on ties
    if rounding != "ceil":
        zeros = _windows(x, pair(k), pair(s), pair(p), out.shape[2:], 0.0)
        assert relative_error(avg_pool2d(x, k, s, p, rounding), zeros.mean(axis=-1)) < 1e-12


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
@pytest.mark.parametrize("k, s, p, rounding, h, w", PHASED)
def test_phased_pool_gradients_match_numerical(cls, k, s, p, rounding, h, w, rng):
    errors = check_module_gradients(cls(k, s, p, rounding=rounding),
                                    rng.standard_normal((2, 2, h, w)))
    assert errors["x"] < 1e-6, errors


def test_phased_max_pool_ties_go_to_the_first_maximum():
    x = np.zeros((1, 1, 5, 7))
    out, argmax = max_pool2d(x, 3, 2)
    assert np.all(argmax == 0)
    dx = MaxPool2d(3, 2)
    dx(x)
    grad = dx.backward(np.ones(out.shape))[0, 0]
    assert grad[0, 0] == 1 and grad[0, 2] == 1 and grad[0, 1] == 0 and grad.sum() == 6


# Activations: products with a mask instead of np.where, with identical results.
def test_relu_backward_equals_the_where_definition_bit_for_bit(rng):
    layer = ReLU()
    x = rng.standard_normal((4, 5)).astype(np.float32)
    x[0, :2] = 0.0
    y = layer(x)
    dout = rng.standard_normal(x.shape).astype(np.float32)
    dx = layer.backward(dout)
    expected = np.where(y > 0, dout, np.float32(0))
    assert dx.dtype == np.float32
    assert np.array_equal(dx, expected) and not np.signbit(dx[y <= 0]).any()


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.3])
def test_leaky_relu_equals_the_two_branch_definition(slope, rng):
    layer = LeakyReLU(slope)
    x = rng.standard_normal((6, 7)).astype(np.float32)
    x[0, 0] = 0.0
    y = layer(x)
    assert y.dtype == np.float32
    assert np.array_equal(y, np.where(x > 0, x, np.float32(slope) * x))
    dout = rng.standard_normal(x.shape).astype(np.float32)
    dx = layer.backward(dout)
    assert np.array_equal(dx, np.where(x > 0, dout, np.float32(slope) * dout))
    assert check_module_gradients(LeakyReLU(slope), rng.standard_normal((3, 4)))["x"] < 1e-6


# --- Conv2d's stride-phase im2col/col2im and its scratch arrays ----------------------

# kernel, stride, padding, H, W: strides below, equal to and above the kernel, odd
# paddings, and sizes that leave rows in no window (the layer's rounding="floor").
PHASE_GRID = [((3, 3), (1, 1), (1, 1), 7, 7), ((11, 11), (4, 4), (0, 0), 23, 23),
              ((3, 3), (2, 2), (1, 1), 8, 9), ((2, 2), (3, 3), (0, 0), 8, 8),
              ((5, 3), (3, 2), (2, 1), 12, 9), ((1, 4), (4, 1), (0, 2), 9, 6),
              ((7, 7), (2, 2), (3, 3), 11, 11)]


@pytest.mark.parametrize("kernel, stride, padding, h, w", PHASE_GRID)
def test_batch_last_im2col_holds_the_same_windows(kernel, stride, padding, h, w, rng):
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    x = rng.standard_normal((3, 2, h, w))
    oh, ow = output_hw(x.shape, kernel, stride, padding, "floor")
    xpad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    fast = engine_conv.im2col_batch_last(x, kh, kw, stride, padding, (oh, ow))
    fast = fast.reshape(-1, oh, ow, 3)
    for i in range(oh):
        for j in range(ow):
            for n in range(3):
                window = xpad[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                assert np.array_equal(fast[:, i, j, n], window.reshape(-1))


@pytest.mark.parametrize("kernel, stride, padding, h, w", PHASE_GRID)
@pytest.mark.parametrize("slab_bytes", [1 << 19, 64])   # 64 bytes: one channel at a time
def test_batch_last_col2im_is_the_adjoint(kernel, stride, padding, h, w, slab_bytes, rng,
                                          monkeypatch):
    """<im2col(x), C> == <x, col2im(C)>, with partial sums in L2-sized slabs or tiny ones."""
    monkeypatch.setattr(engine_conv, "COL2IM_SLAB_BYTES", slab_bytes)
    x = rng.standard_normal((2, 5, h, w))
    out_hw = output_hw(x.shape, kernel, stride, padding, "floor")
    cols = engine_conv.im2col_batch_last(x, *kernel, stride, padding, out_hw)
    c = rng.standard_normal(cols.shape)
    dx = engine_conv.col2im_batch_last(c, x.shape, *kernel, stride, padding, out_hw)
    assert dx.shape == x.shape and np.isfinite(dx).all()
    assert abs(np.sum(cols * c) - np.sum(x * dx)) < 1e-9 * np.sum(np.abs(cols * c))


def test_floor_rounding_leaves_the_unused_border_with_zero_gradient(rng):
    conv = Conv2d(2, 3, 3, stride=2, rounding="floor", rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 2, 8, 8))          # windows cover rows/columns 0..6 only
    dx = conv.backward(np.ones(conv(x).shape))
    assert np.all(dx[:, :, 7, :] == 0) and np.all(dx[:, :, :, 7] == 0)
    assert np.all(dx[:, :, :7, :7] != 0)


def test_conv_scratch_is_reused_without_aliasing_results(rng, monkeypatch):
    """Training steps reuse two scratch arrays; outputs and gradients stay independent."""
    monkeypatch.setattr(engine_conv, "KEEP_BYTES", 0)       # keep even tiny arrays
    conv = Conv2d(3, 4, 3, stride=2, padding=1, rng=0, dtype=np.float64)
    fresh = Conv2d(3, 4, 3, stride=2, padding=1, rng=0, dtype=np.float64)
    x1, x2 = rng.standard_normal((2, 3, 9, 9)), rng.standard_normal((5, 3, 9, 9))
    y1 = conv(x1)
    dx1 = conv.backward(np.ones_like(y1))
    kept = (y1.copy(), dx1.copy())
    scratch = {role: array for role, array in conv._workspace.arrays.items()}
    assert sorted(scratch) == ["cols", "out"]
    conv.zero_grad()
    y2 = conv(x2)                                   # a larger batch: scratch grows once
    dout = rng.standard_normal(y2.shape)
    dx2 = conv.backward(dout)
    assert np.array_equal(y1, kept[0]) and np.array_equal(dx1, kept[1])
    y_ref = fresh(x2)
    assert np.array_equal(y2, y_ref)
    assert np.array_equal(dx2, fresh.backward(dout))
    assert np.array_equal(conv.W.grad, fresh.W.grad)
    conv.zero_grad()
    conv(x1)                                        # smaller batch: same arrays again
    assert all(conv._workspace.arrays[r] is a for r, a in conv._workspace.arrays.items())
    assert conv._workspace.arrays["cols"].size >= scratch["cols"].size


def test_conv_keeps_only_large_scratch_arrays(rng):
    big = Conv2d(3, 96, 11, stride=4, rng=0)       # AlexNet conv1: 35 MB of columns
    big(rng.standard_normal((8, 3, 227, 227), dtype=np.float32))
    # Its 9 MB output is left to the allocator where freed memory stays in the process.
    assert sorted(big._workspace.arrays) == (["cols"] if engine_conv.APPLIED else ["cols", "out"])
    small = Conv2d(1, 6, 5, rng=0)                  # LeNet C1: 5 MB, left to the allocator
    small(rng.standard_normal((64, 1, 32, 32), dtype=np.float32))
    assert small._workspace.arrays == {}


def test_conv_scratch_is_dropped_in_eval_mode(rng, monkeypatch):
    monkeypatch.setattr(engine_conv, "KEEP_BYTES", 0)
    conv = Conv2d(3, 4, 3, rng=0)
    x = rng.standard_normal((2, 3, 6, 6), dtype=np.float32)
    conv(x)
    assert conv._workspace.arrays
    conv.eval()
    y = conv(x)
    assert conv._workspace.arrays == {}
    dx = conv.backward(np.ones_like(y))             # backward in eval mode still works
    assert dx.shape == x.shape


@pytest.mark.parametrize("kernel, stride, padding, h, w", PHASE_GRID)
def test_strided_conv_gradients_match_numerical(kernel, stride, padding, h, w, rng):
    """The whole layer through the phase path, floor rounding included, in float64."""
    conv = Conv2d(2, 3, kernel, stride, padding, rounding="floor", rng=rng, dtype=np.float64)
    conv.b.data = rng.standard_normal(3)
    errors = check_module_gradients(conv, rng.standard_normal((2, 2, h, w)))
    assert max(errors.values()) < 1e-6, errors


# --- The engine against the lesson code, forward and backward -------------------------

# (N, C_in, C_out, H, W, kernel, stride, padding, rounding): 1x1, same padding, strides
# below, equal to and above the kernel, rectangular kernels, floor rounding with rows
# that lie in no window, a kernel as large as the padded input.
CONV_GRID = [
    (2, 3, 4, 5, 6, 1, 1, 0, "exact"), (3, 2, 3, 7, 7, 3, 1, 1, "exact"),
    (2, 3, 2, 9, 9, 3, 2, 1, "exact"), (2, 2, 3, 8, 8, 2, 3, 0, "floor"),
    (2, 3, 2, 23, 23, 11, 4, 0, "exact"), (1, 2, 2, 12, 9, (5, 3), (3, 2), (2, 1), "floor"),
    (2, 2, 3, 9, 6, (1, 4), (4, 1), (0, 2), "floor"), (2, 1, 2, 11, 11, 7, 2, 3, "exact"),
    (3, 4, 5, 6, 8, 3, 2, 0, "floor"), (1, 3, 1, 5, 5, 5, 1, 0, "exact"),
    (2, 2, 2, 6, 6, 2, 1, 1, "exact"),
]
TOLERANCE = {np.float64: 1e-12, np.float32: 1e-6}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, c_in, c_out, h, w, k, s, p, rounding", CONV_GRID)
def test_engine_conv_equals_lesson_conv2d(n, c_in, c_out, h, w, k, s, p, rounding, dtype, rng):
    """Conv2d (engine) == functional.conv2d / conv2d_backward (lesson): y, dx, dW, db."""
    from dlbook.functional import conv2d, conv2d_backward

    conv = Conv2d(c_in, c_out, k, s, p, rounding=rounding, rng=rng, dtype=dtype)
    conv.b.data = rng.standard_normal(c_out).astype(dtype)
    x = rng.standard_normal((n, c_in, h, w)).astype(dtype)
    y = conv(x)
    expected = conv2d(x, conv.W.data, conv.b.data, s, p, rounding)
    assert y.dtype == expected.dtype == dtype
    assert relative_error(y, expected) < TOLERANCE[dtype]
    dout = rng.standard_normal(y.shape).astype(dtype)
    conv.zero_grad()
    dx = conv.backward(dout)
    dx_lesson, dW_lesson, db_lesson = conv2d_backward(dout, x, conv.W.data, s, p, rounding)
    for fast, lesson in ((dx, dx_lesson), (conv.W.grad, dW_lesson), (conv.b.grad, db_lesson)):
        assert fast.shape == lesson.shape and fast.dtype == lesson.dtype == dtype
        assert relative_error(fast, lesson) < TOLERANCE[dtype]


# (N, C, H, W, kernel, stride, padding, rounding)
POOL_GRID = [
    (2, 3, 4, 4, 2, None, 0, "exact"), (2, 2, 7, 7, 3, 2, 1, "exact"),
    (2, 3, 9, 12, 3, 2, 0, "ceil"), (1, 2, 8, 10, 3, 2, 0, "floor"),
    (2, 2, 11, 13, 5, 3, 2, "ceil"), (2, 1, 9, 14, (3, 4), (2, 3), (1, 1), "floor"),
    (2, 2, 3, 4, 3, 2, 0, "ceil"), (2, 3, 7, 7, 3, 1, 1, "exact"),
    (1, 2, 14, 14, 3, 1, 1, "exact"), (2, 2, 5, 5, 2, None, 0, "ceil"),
    (1, 1, 6, 6, 1, 2, 0, "floor"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, c, h, w, k, s, p, rounding", POOL_GRID)
def test_engine_pools_equal_lesson_pools(n, c, h, w, k, s, p, rounding, dtype, rng):
    """MaxPool2d/AvgPool2d (engine) == the lesson functions, forward and backward."""
    from dlbook.functional import avg_pool2d_backward, max_pool2d_backward

    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    x[0, 0, :2, :2] = x[0, 0, 0, 0]                       # a tie: the first maximum wins
    pool = MaxPool2d(k, s, p, rounding=rounding)
    y = pool(x)
    out, argmax = max_pool2d(x, k, s, p, rounding)
    assert y.dtype == out.dtype == dtype and np.array_equal(y, out)
    dout = rng.standard_normal(y.shape).astype(dtype)
    dx = pool.backward(dout)
    expected = max_pool2d_backward(dout, argmax, x.shape, k, s, p, rounding)
    assert dx.dtype == expected.dtype == dtype
    assert relative_error(dx, expected) < TOLERANCE[dtype]
    pool = AvgPool2d(k, s, p, rounding=rounding)
    y = pool(x)
    expected = avg_pool2d(x, k, s, p, rounding)
    assert y.dtype == expected.dtype == dtype
    assert relative_error(y, expected) < TOLERANCE[dtype]
    dx = pool.backward(dout)
    expected = avg_pool2d_backward(dout, x.shape, k, s, p, rounding)
    assert dx.dtype == expected.dtype == dtype
    assert relative_error(dx, expected) < TOLERANCE[dtype]


@pytest.mark.parametrize("stride, padding, extra", [((2, 3), (1, 0), (0, 0)), ((4, 4), (0, 2), (1, 0)),
                                                    ((1, 2), (2, 1), (0, 1))])
def test_pooling_phase_grid_holds_the_stride_phases(stride, padding, extra, rng):
    """Phase (a, b) of the grid is z[a::sh, b::sw] of the padded input (phases.py's mapping).

    The convolution's phases are checked through the windows its im2col copies
    (test_batch_last_im2col_holds_the_same_windows above).
    """
    from dlbook._engine.pooling import PhaseGrid

    (sh, sw), (ph, pw), (eh, ew) = stride, padding, extra
    x = rng.standard_normal((2, 3, 9, 10))
    z = np.pad(x, ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew)), constant_values=-7.0)
    grid = PhaseGrid(x.shape, (sh + 1, sw + 1), stride, padding, (1, 1), extra)
    flat = grid.split(x, fill=-7.0).reshape((sh, sw, 2, 3, grid.hq, grid.wq))
    for a in range(sh):
        for b in range(sw):
            phase = z[:, :, a::sh, b::sw]
            assert np.array_equal(flat[a, b, :, :, :phase.shape[2], :phase.shape[3]], phase)
    assert np.array_equal(grid.merge(grid.split(x, fill=0.0)), x)

