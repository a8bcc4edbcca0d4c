"""MaxPool2d, AvgPool2d and the global pools (notes §2.4, §2.5)."""

import numpy as np
import pytest

from dlbook.functional import avg_pool2d, max_pool2d
from dlbook.gradcheck import check_module_gradients, relative_error
from dlbook.nn import AvgPool2d, Flatten, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d

# (kernel, stride, padding, rounding, H, W)
GRID = [
    (2, None, 0, "exact", 4, 6),       # tiles: the reshape path
    (2, 2, 0, "floor", 5, 5),
    (3, 2, 0, "exact", 7, 7),          # overlapping (AlexNet)
    (3, 1, 1, "exact", 5, 5),          # 'same' (Inception pool branch)
    (3, 2, 1, "exact", 7, 9),
    (3, 2, 0, "ceil", 8, 8),           # GoogLeNet ceil_mode
    (3, 2, 1, "ceil", 6, 6),
    ((2, 3), (2, 1), (1, 0), "floor", 6, 5),
    (4, 4, 0, "exact", 8, 8),
    (5, 1, 2, "exact", 4, 4),
]


def naive_pool(x, reduce, kernel, stride, padding, out_hw, fill):
    """Loop version on a padded copy; windows are clipped where ceil mode overhangs."""
    kh, kw = kernel
    sh, sw = stride
    ph, pw = padding
    n, c, h, w = x.shape
    oh, ow = out_hw
    xp = np.full((n, c, h + 2 * ph, w + 2 * pw), fill)
    xp[:, :, ph:ph + h, pw:pw + w] = x
    out = np.empty((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            out[:, :, i, j] = reduce(xp[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw])
    return out


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
@pytest.mark.parametrize("k, s, p, rounding, h, w", GRID)
def test_pool_gradients_match_numerical(cls, k, s, p, rounding, h, w, rng):
    layer = cls(k, s, p, rounding=rounding)
    for channels in (1, 3):
        x = rng.standard_normal((2, channels, h, w))
        errors = check_module_gradients(layer, x)
        assert errors["x"] < 1e-6, errors


@pytest.mark.parametrize("k, s, p, rounding, h, w", GRID)
def test_pools_match_loops(k, s, p, rounding, h, w, rng):
    x = rng.standard_normal((2, 3, h, w))
    out_max, _ = max_pool2d(x, k, s, p, rounding)
    kernel, stride = _pair(k), _pair(s if s is not None else k)
    ref_max = naive_pool(x, lambda win: win.max(axis=(2, 3)), kernel, stride, _pair(p),
                         out_max.shape[2:], -np.inf)
    assert np.array_equal(out_max, ref_max)
    if rounding != "ceil":  # ceil windows are divided by their clipped size, tested below
        ref_avg = naive_pool(x, lambda win: win.sum(axis=(2, 3)) / (kernel[0] * kernel[1]),
                             kernel, stride, _pair(p), out_max.shape[2:], 0.0)
        assert relative_error(avg_pool2d(x, k, s, p, rounding), ref_avg) < 1e-12


def test_avg_pool_ceil_divides_by_the_clipped_window():
    x = np.ones((1, 1, 5, 5))
    out = avg_pool2d(x, 2, 2, 0, "ceil")       # last row/column windows hold 2 or 1 pixels
    assert out.shape == (1, 1, 3, 3) and np.allclose(out, 1.0)


def test_avg_pool_counts_padding_zeros_like_pytorch():
    out = avg_pool2d(np.ones((1, 1, 3, 3)), 3, stride=1, padding=1)[0, 0]
    assert np.allclose(out, [[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1.0, 6 / 9], [4 / 9, 6 / 9, 4 / 9]])


def test_max_pool_padding_never_wins():
    x = -5.0 * np.ones((1, 1, 2, 2))
    out, _ = max_pool2d(x, 3, stride=1, padding=1)
    assert np.all(out == -5.0)


@pytest.mark.parametrize("k, s", [(2, 2), (3, 1)])
def test_max_pool_ties_go_to_the_first_maximum(k, s):
    pool = MaxPool2d(k, s)
    x = np.ones((1, 1, 4, 4))
    y = pool(x) if k == 2 else MaxPool2d(3, 1, rounding="floor")(x)
    pool = pool if k == 2 else MaxPool2d(3, 1, rounding="floor")
    if k == 3:
        pool(x)
    dx = pool.backward(np.ones(y.shape))
    # each window sends its gradient to its top-left element only
    assert dx.sum() == y.size
    if k == 2:
        assert np.array_equal(dx[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])
    else:
        assert np.array_equal(dx[0, 0], [[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])


def test_max_pool_gradient_goes_to_argmax_only():
    x = np.array([[[[1.0, 9.0], [3.0, 4.0]]]])
    pool = MaxPool2d(2)
    pool(x)
    assert np.array_equal(pool.backward(np.array([[[[7.0]]]])), [[[[0.0, 7.0], [0.0, 0.0]]]])


def test_overlapping_max_pool_adds_gradients_of_shared_winner():
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0                        # the centre wins all four 2x2 windows
    pool = MaxPool2d(2, stride=1)
    pool(x)
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert dx[0, 0, 1, 1] == 4.0 and dx.sum() == 4.0


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_pools_keep_float32(cls, rng):
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    for k, s, p in [(2, 2, 0), (3, 2, 1)]:
        layer = cls(k, s, p, rounding="floor")
        y = layer(x)
        assert y.dtype == np.float32 and layer.backward(np.ones_like(y)).dtype == np.float32


def test_default_stride_is_kernel_size():
    assert MaxPool2d(3).stride == (3, 3) and AvgPool2d(2).stride == (2, 2)


def test_lenet_and_alexnet_pool_sizes():
    assert MaxPool2d(2)(np.zeros((1, 6, 28, 28))).shape == (1, 6, 14, 14)
    assert MaxPool2d(3, 2)(np.zeros((1, 2, 55, 55))).shape == (1, 2, 27, 27)
    assert MaxPool2d(3, 2, rounding="ceil")(np.zeros((1, 2, 112, 112))).shape == (1, 2, 56, 56)


# --- global pools ---------------------------------------------------------------------

@pytest.mark.parametrize("cls", [GlobalAvgPool2d, GlobalMaxPool2d])
@pytest.mark.parametrize("shape", [(2, 1, 1, 1), (2, 3, 4, 5), (1, 4, 7, 7)])
def test_global_pool_gradients(cls, shape, rng):
    errors = check_module_gradients(cls(), rng.standard_normal(shape))
    assert errors["x"] < 1e-6


def test_global_pools_return_n_by_c():
    x = np.arange(2 * 3 * 4 * 4, dtype=np.float64).reshape(2, 3, 4, 4)
    assert np.allclose(GlobalAvgPool2d()(x), x.mean(axis=(2, 3)))
    assert np.array_equal(GlobalMaxPool2d()(x), x.max(axis=(2, 3)))
    assert GlobalAvgPool2d()(x).shape == (2, 3)


def test_what_each_head_keeps():
    """Flatten keeps every value; the global pools keep one per channel, not the position."""
    a = np.zeros((1, 1, 3, 3))
    a[0, 0, 0, 0] = 1.0
    b = np.zeros((1, 1, 3, 3))
    b[0, 0, 2, 2] = 1.0
    assert not np.array_equal(Flatten()(a), Flatten()(b))
    assert np.array_equal(GlobalMaxPool2d()(a), GlobalMaxPool2d()(b))
    assert np.array_equal(GlobalAvgPool2d()(a), GlobalAvgPool2d()(b))


# --- bad input --------------------------------------------------------------------------

@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_pool_window_zero_is_refused(cls):
    with pytest.raises(ValueError, match="'kernel_size' must be >= 1, got 0"):
        cls(0)


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_padding_more_than_half_the_kernel_is_refused(cls):
    with pytest.raises(ValueError, match="at most half the kernel_size"):
        cls(2, padding=2)


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_pool_fractional_output_size(cls):
    with pytest.raises(ValueError, match="fractional output size 2.5 along the height"):
        cls(2)(np.zeros((1, 1, 5, 4)))


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d])
def test_pools_refuse_non_floating_and_wrong_ndim(cls):
    layer = cls(2) if cls in (MaxPool2d, AvgPool2d) else cls()
    with pytest.raises(TypeError, match="floating dtype"):
        layer(np.zeros((1, 1, 4, 4), dtype=np.int32))
    with pytest.raises(ValueError, match="4 dimensions"):
        layer(np.zeros((4, 4)))


def test_pool_window_larger_than_input():
    with pytest.raises(ValueError, match="larger than the padded input"):
        MaxPool2d(5)(np.zeros((1, 1, 4, 4)))


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d, GlobalAvgPool2d, GlobalMaxPool2d])
def test_backward_before_forward(cls):
    layer = cls(2) if cls in (MaxPool2d, AvgPool2d) else cls()
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((1, 1, 1, 1)))


def test_class_scores_without_a_fully_connected_layer(rng):
    """Correction to §2.5: a 1x1 conv + global average pooling ends a CNN without Linear."""
    from dlbook.nn import Conv2d, Linear, Sequential

    head = Sequential(Conv2d(16, 10, kernel_size=1, rng=0, dtype=np.float64), GlobalAvgPool2d())
    x = rng.standard_normal((3, 16, 5, 5))
    scores = head(x)
    assert scores.shape == (3, 10)
    assert not any(isinstance(m, Linear) for m in head.modules())
    # It is trainable end to end: its gradients check out.
    errors = check_module_gradients(head, x, max_checks=40)
    assert max(errors.values()) < 1e-6


# --- the lesson functions -----------------------------------------------------------

@pytest.mark.parametrize("k, s, p, rounding, h, w", GRID)
def test_lesson_pool_gradients_match_numerical(k, s, p, rounding, h, w, rng):
    """max_pool2d_backward and avg_pool2d_backward against central differences, float64."""
    from dlbook.functional import avg_pool2d_backward, max_pool2d_backward
    from dlbook.gradcheck import numerical_gradient

    x = rng.standard_normal((2, 2, h, w))
    out, argmax = max_pool2d(x, k, s, p, rounding)
    dout = rng.standard_normal(out.shape)
    dx = max_pool2d_backward(dout, argmax, x.shape, k, s, p, rounding)
    numerical = numerical_gradient(lambda: np.sum(max_pool2d(x, k, s, p, rounding)[0] * dout), x)
    assert relative_error(dx, numerical) < 1e-6
    dx = avg_pool2d_backward(dout, x.shape, k, s, p, rounding)
    numerical = numerical_gradient(lambda: np.sum(avg_pool2d(x, k, s, p, rounding) * dout), x)
    assert relative_error(dx, numerical) < 1e-6


def test_window_sizes_count_padding_but_not_the_ceil_overhang():
    from dlbook.functional import window_sizes

    assert np.array_equal(window_sizes((1, 1, 4, 4), 3, 1, 1), np.full((4, 4), 9.0))
    sizes = window_sizes((1, 1, 8, 8), 3, 2, rounding="ceil")     # windows start at 0, 2, 4, 6
    assert sizes.shape == (4, 4) and sizes[0, 0] == 9 and sizes[3, 0] == 6 and sizes[3, 3] == 4
