"""Conv2d, im2col/col2im and conv_output_size (notes eqs. (29), (30), Fig. 11)."""

import numpy as np
import pytest

from dlbook.functional import col2im, conv2d_naive, conv_output_size, im2col
from dlbook.gradcheck import check_module_gradients, relative_error
from dlbook.nn import Conv2d

# (in_channels, out_channels, kernel, stride, padding, input H, W)
GRID = [
    (1, 1, 1, 1, 0, 4, 4),
    (1, 2, 3, 1, 0, 5, 5),
    (2, 3, 3, 1, 1, 5, 5),
    (3, 2, 3, 2, 1, 7, 7),
    (2, 4, 2, 2, 0, 6, 6),
    (3, 3, 5, 1, 2, 6, 6),
    (2, 2, (3, 2), (1, 2), (1, 0), 6, 8),
    (4, 1, 4, 3, 1, 8, 8),
    (1, 3, 5, 1, 0, 5, 5),   # kernel as large as the input: one output pixel
]


def _layer(c_in, c_out, k, s, p, rng, dtype=np.float64):
    conv = Conv2d(c_in, c_out, k, s, p, rng=rng, dtype=dtype)
    conv.b.data = rng.standard_normal(c_out).astype(dtype)
    return conv


@pytest.mark.parametrize("c_in, c_out, k, s, p, h, w", GRID)
def test_conv2d_gradients_match_numerical(c_in, c_out, k, s, p, h, w, rng):
    conv = _layer(c_in, c_out, k, s, p, rng)
    x = rng.standard_normal((2, c_in, h, w))
    errors = check_module_gradients(conv, x)
    assert sorted(errors) == ["W", "b", "x"]
    assert max(errors.values()) < 1e-6, errors


@pytest.mark.parametrize("c_in, c_out, k, s, p, h, w", GRID)
def test_fast_conv_matches_naive_eq29(c_in, c_out, k, s, p, h, w, rng):
    conv = _layer(c_in, c_out, k, s, p, rng)
    x = rng.standard_normal((3, c_in, h, w))
    expected = conv2d_naive(x, conv.W.data, conv.b.data, s, p)
    assert relative_error(conv(x), expected) < 1e-12


@pytest.mark.parametrize("c_in, c_out, k, s, p, h, w", GRID[:6])
def test_fast_gradients_match_naive_gradients(c_in, c_out, k, s, p, h, w, rng):
    """Differentiate the naive loops numerically and compare with the matmul backward."""
    from dlbook.gradcheck import numerical_gradient

    conv = _layer(c_in, c_out, k, s, p, rng)
    x = rng.standard_normal((2, c_in, h, w))
    dout = rng.standard_normal(conv(x).shape)
    conv.zero_grad()
    dx = conv.backward(dout)
    W, b = conv.W.data, conv.b.data

    def loss():
        return np.sum(conv2d_naive(x, W, b, s, p) * dout)

    assert relative_error(dx, numerical_gradient(loss, x)) < 1e-7
    assert relative_error(conv.W.grad, numerical_gradient(loss, W)) < 1e-7
    assert relative_error(conv.b.grad, numerical_gradient(loss, b)) < 1e-7


def test_conv2d_without_bias_has_no_b(rng):
    conv = Conv2d(2, 3, 3, padding=1, bias=False, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 2, 4, 4))
    errors = check_module_gradients(conv, x)
    assert sorted(errors) == ["W", "x"] and max(errors.values()) < 1e-6


def test_conv2d_float32_is_default_and_stays_float32(rng):
    conv = Conv2d(3, 4, 3, padding=1, rng=rng)
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    y = conv(x)
    dx = conv.backward(np.ones_like(y))
    assert conv.W.data.dtype == y.dtype == dx.dtype == conv.W.grad.dtype == np.float32
    assert y.flags["C_CONTIGUOUS"] and dx.flags["C_CONTIGUOUS"]


def test_conv2d_weight_layout_and_he_init():
    conv = Conv2d(16, 32, 3, rng=0)
    assert conv.W.shape == (32, 16, 3, 3) and conv.b.shape == (32,)
    assert abs(conv.W.data.std() - np.sqrt(2 / (16 * 9))) < 0.01


def test_conv2d_same_rng_same_weights():
    assert np.array_equal(Conv2d(3, 4, 3, rng=7).W.data, Conv2d(3, 4, 3, rng=7).W.data)


def test_backward_consumes_the_cache(rng):
    conv = Conv2d(1, 1, 3, rng=rng)
    with pytest.raises(RuntimeError, match="before forward"):
        conv.backward(np.zeros((1, 1, 2, 2), np.float32))
    y = conv(np.zeros((1, 1, 4, 4), np.float32))
    conv.backward(np.ones_like(y))
    assert conv._cache is None
    with pytest.raises(RuntimeError):
        conv.backward(np.ones_like(y))


def test_backward_gradients_accumulate(rng):
    conv = Conv2d(1, 2, 3, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 1, 5, 5))
    conv.backward(np.ones_like(conv(x)))
    first = conv.W.grad.copy()
    conv.backward(np.ones_like(conv(x)))
    assert np.allclose(conv.W.grad, 2 * first)


def test_1x1_convolution_is_a_linear_map_over_channels(rng):
    conv = Conv2d(5, 3, 1, rng=rng, dtype=np.float64)
    x = rng.standard_normal((2, 5, 4, 4))
    expected = np.einsum("kc,nchw->nkhw", conv.W.data[:, :, 0, 0], x) + conv.b.data[:, None, None]
    assert np.allclose(conv(x), expected)


def test_eq29_is_cross_correlation_not_flipped_convolution():
    """Notes eq. (29) uses z_{i+p, j+q}: the filter is not flipped (clarification box)."""
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0                      # an impulse
    W = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    y = Conv2d(1, 1, 3, padding=1, bias=False, dtype=np.float64)
    y.W.data = W
    out = y(x)[0, 0]
    assert np.array_equal(out, W[0, 0, ::-1, ::-1])   # the impulse response is the flipped filter
    assert np.array_equal(conv2d_naive(x, W, None, 1, 1)[0, 0], out)


# --- im2col / col2im ---------------------------------------------------------------

def test_im2col_columns_are_windows():
    x = np.arange(2 * 2 * 4 * 4, dtype=np.float64).reshape(2, 2, 4, 4)
    cols = im2col(x, 3, 3, stride=1, padding=0)
    assert cols.shape == (2 * 9, 2 * 2 * 2)
    # column (n=1, i=0, j=1) is the window x[1, :, 0:3, 1:4] flattened in (c, p, q) order
    assert np.array_equal(cols[:, 1 * 4 + 0 * 2 + 1], x[1, :, 0:3, 1:4].reshape(-1))


def test_im2col_pads_with_zeros():
    cols = im2col(np.ones((1, 1, 2, 2)), 3, 3, padding=1)
    assert cols.shape == (9, 4)
    assert cols.sum(axis=0).tolist() == [4.0, 4.0, 4.0, 4.0]


@pytest.mark.parametrize("k, s, p", [(3, 1, 1), (2, 2, 0), (3, 2, 1), (5, 1, 2)])
def test_col2im_is_the_adjoint_of_im2col(k, s, p, rng):
    """<im2col(x), C> == <x, col2im(C)> for all x, C: col2im is im2col transposed."""
    x = rng.standard_normal((2, 3, 7, 7))
    cols = im2col(x, k, k, s, p, rounding="floor")
    c = rng.standard_normal(cols.shape)
    lhs = np.sum(cols * c)
    rhs = np.sum(x * col2im(c, x.shape, k, k, s, p, rounding="floor"))
    assert abs(lhs - rhs) < 1e-9 * abs(lhs)


# --- conv_output_size (eq. (30)) ----------------------------------------------------

@pytest.mark.parametrize("size, k, s, p, expected", [
    (6, 2, 1, 1, 7),          # quiz 4
    (32, 5, 1, 0, 28),        # LeNet C1
    (14, 5, 1, 0, 10),        # LeNet C3
    (28, 2, 2, 0, 14),        # LeNet S2
    (227, 11, 4, 0, 55),      # AlexNet conv1
    (55, 3, 2, 0, 27),        # AlexNet overlapping pool
    (13, 3, 1, 1, 13),        # 'same' padding
    (28, 5, 1, 2, 28),        # Inception 5x5
    (5, 5, 1, 0, 1),          # kernel fills the input
    (1, 3, 1, 1, 1),
])
def test_conv_output_size_table(size, k, s, p, expected):
    assert conv_output_size(size, k, s, p) == expected


@pytest.mark.parametrize("size, k, s, p, rounding, expected", [
    (224, 7, 2, 3, "floor", 112),   # GoogLeNet conv1 (floored like PyTorch)
    (112, 3, 2, 0, "ceil", 56),     # GoogLeNet maxpool, ceil_mode=True
    (56, 3, 2, 0, "ceil", 28),
    (12, 3, 2, 0, "floor", 5),
    (12, 3, 2, 0, "ceil", 6),
    (6, 3, 2, 1, "ceil", 4),        # last window may not start in the right padding
    (5, 2, 2, 1, "ceil", 3),
])
def test_conv_output_size_rounding(size, k, s, p, rounding, expected):
    assert conv_output_size(size, k, s, p, rounding=rounding) == expected


def test_eq30_without_floor_gives_fractions_and_we_say_what_fits():
    """Correction: eq. (30) needs exact division (or an explicit floor/ceil)."""
    assert (12 + 2 * 0 - 3) / 2 + 1 == 5.5        # the notes' formula, taken literally
    with pytest.raises(ValueError) as err:
        conv_output_size(12, 3, stride=2, padding=0)
    msg = str(err.value)
    assert "stride=2 and padding=0" in msg and "fractional output size 5.5" in msg
    assert "stride 1 or 3 (with padding 0)" in msg      # 12 - 3 = 9: odd, no padding fits
    assert "kernel_size 2 or 4 would fit" in msg
    assert "rounding='floor'" in msg
    with pytest.raises(ValueError, match=r"padding 1 \(with stride 3\) or stride 1 \(with"):
        conv_output_size(10, 3, stride=3, padding=0)           # 10 - 3 = 7; 10 + 2 - 3 = 9


def test_kernel_larger_than_padded_input_is_refused():
    with pytest.raises(ValueError, match="kernel_size=7 is larger than the padded input"):
        conv_output_size(4, 7, padding=1)


@pytest.mark.parametrize("args, error", [
    ((0, 3), ValueError), ((5, 0), ValueError), ((5, 3, 0), ValueError),
    ((5, 3, 1, -1), ValueError), ((5.0, 3), TypeError), ((5, 3, 1, 0, "round"), ValueError),
])
def test_conv_output_size_rejects_bad_sizes(args, error):
    with pytest.raises(error):
        conv_output_size(*args)


# --- bad input to the layer ---------------------------------------------------------

def test_wrong_channel_count_names_both_numbers():
    conv = Conv2d(1, 4, 3, rng=0)
    with pytest.raises(ValueError, match="has 3 channels .* expects in_channels=1"):
        conv(np.zeros((2, 3, 8, 8), np.float32))


def test_wrong_ndim():
    with pytest.raises(ValueError, match=r"4 dimensions \(N, C, H, W\), got 3"):
        Conv2d(1, 4, 3, rng=0)(np.zeros((1, 8, 8), np.float32))


def test_kernel_larger_than_input_in_layer():
    with pytest.raises(ValueError, match="larger than the padded input along the height"):
        Conv2d(1, 1, 5, rng=0)(np.zeros((1, 1, 3, 8), np.float32))


def test_fractional_output_size_in_layer_says_which_and_what_fits():
    conv = Conv2d(1, 1, 3, stride=2, rng=0)
    with pytest.raises(ValueError, match="fractional output size 5.5 along the width") as err:
        conv(np.zeros((1, 1, 11, 12), np.float32))
    assert "rounding='floor'" in str(err.value)
    floored = Conv2d(1, 1, 3, stride=2, rng=0, rounding="floor")
    assert floored(np.zeros((1, 1, 11, 12), np.float32)).shape == (1, 1, 5, 5)


def test_non_floating_input_is_refused():
    with pytest.raises(TypeError, match="floating dtype"):
        Conv2d(1, 1, 3, rng=0)(np.zeros((1, 1, 5, 5), dtype=np.int64))


def test_dtype_mismatch_is_refused():
    with pytest.raises(TypeError, match="float64 but the layer's parameters are float32"):
        Conv2d(1, 1, 3, rng=0)(np.zeros((1, 1, 5, 5)))


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=0), dict(stride=0), dict(padding=-1), dict(kernel_size=(3, 3, 3)),
    dict(rounding="ceil"), dict(in_channels=0),
])
def test_bad_constructor_arguments(kwargs):
    args = dict(in_channels=1, out_channels=2, kernel_size=3)
    args.update(kwargs)
    with pytest.raises(ValueError):
        Conv2d(**args)


def test_validation_leaves_state_unchanged(rng):
    conv = Conv2d(1, 1, 3, rng=rng)
    y = conv(np.zeros((1, 1, 5, 5), np.float32))
    with pytest.raises(ValueError):
        conv(np.zeros((1, 2, 5, 5), np.float32))
    assert conv.backward(np.ones_like(y)).shape == (1, 1, 5, 5)


def test_backward_rejects_wrong_dout_shape(rng):
    conv = Conv2d(1, 1, 3, rng=rng)
    conv(np.zeros((1, 1, 5, 5), np.float32))
    with pytest.raises(ValueError, match="'dout' has shape"):
        conv.backward(np.zeros((1, 1, 5, 5), np.float32))


# --- corrections to the notes -------------------------------------------------------

def test_fig11_output_keeps_size_only_with_same_padding():
    """Fig. 11 says W x H x C -> W x H x C_out; eq. (29) alone gives (W-Wf+1) x (H-Hf+1)."""
    x = np.zeros((1, 3, 8, 10), np.float32)
    assert Conv2d(3, 4, 3, rng=0)(x).shape == (1, 4, 6, 8)               # no padding
    assert Conv2d(3, 4, 3, padding=1, rng=0)(x).shape == (1, 4, 8, 10)   # 'same', stride 1
    assert Conv2d(3, 4, 5, padding=2, rng=0)(x).shape == (1, 4, 8, 10)
    assert Conv2d(3, 4, 3, padding=1, stride=2, rng=0)(np.zeros((1, 3, 9, 9), np.float32)).shape == (1, 4, 5, 5)


def test_padding_adds_zero_pixels():
    """Padding adds pixels (zeros); its width is the hyper-parameter, not what is added."""
    conv = Conv2d(1, 1, 3, padding=1, bias=False, dtype=np.float64)
    conv.W.data = np.ones((1, 1, 3, 3))
    out = conv(np.ones((1, 1, 4, 4)))[0, 0]
    assert out[1, 1] == 9.0 and out[0, 1] == 6.0 and out[0, 0] == 4.0
    wider = Conv2d(1, 1, 3, padding=2, bias=False, dtype=np.float64)
    wider.W.data = np.ones((1, 1, 3, 3))
    assert wider(np.ones((1, 1, 4, 4))).shape == (1, 1, 6, 6)
    assert wider(np.ones((1, 1, 4, 4)))[0, 0, 0, 0] == 1.0


# --- the lesson functions: conv2d, conv2d_backward, im2col, col2im ------------------

@pytest.mark.parametrize("c_in, c_out, k, s, p, h, w", GRID)
def test_lesson_conv2d_gradients_match_numerical(c_in, c_out, k, s, p, h, w, rng):
    """conv2d_backward against central differences of conv2d, float64."""
    from dlbook.functional import conv2d, conv2d_backward
    from dlbook.gradcheck import numerical_gradient

    x = rng.standard_normal((2, c_in, h, w))
    W = rng.standard_normal((c_out, c_in) + ((k, k) if isinstance(k, int) else k))
    b = rng.standard_normal(c_out)
    dout = rng.standard_normal(conv2d(x, W, b, s, p).shape)
    dx, dW, db = conv2d_backward(dout, x, W, s, p)

    def loss():
        return np.sum(conv2d(x, W, b, s, p) * dout)

    for analytic, wrt in ((dx, x), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(loss, wrt)) < 1e-6


@pytest.mark.parametrize("c_in, c_out, k, s, p, h, w", GRID)
def test_lesson_conv2d_is_eq29(c_in, c_out, k, s, p, h, w, rng):
    from dlbook.functional import conv2d

    x = rng.standard_normal((2, c_in, h, w))
    W = rng.standard_normal((c_out, c_in) + ((k, k) if isinstance(k, int) else k))
    b = rng.standard_normal(c_out)
    assert relative_error(conv2d(x, W, b, s, p), conv2d_naive(x, W, b, s, p)) < 1e-12


def test_lesson_conv2d_floor_rounding_drops_the_last_rows(rng):
    from dlbook.functional import conv2d

    x = rng.standard_normal((1, 2, 8, 8))
    W = rng.standard_normal((3, 2, 3, 3))
    assert np.array_equal(conv2d(x, W, None, 2, 0, "floor"), conv2d(x[:, :, :7, :7], W, None, 2))


def test_lesson_conv_functions_check_their_arguments():
    from dlbook.functional import conv2d, conv2d_backward

    x, W = np.zeros((1, 2, 5, 5)), np.zeros((3, 2, 3, 3))
    with pytest.raises(ValueError, match="conv2d: argument 'x' has 1 channels but 'W' expects 2"):
        conv2d(np.zeros((1, 1, 5, 5)), W)
    with pytest.raises(ValueError, match=r"conv2d: argument 'b' must be an array of shape \(3,\)"):
        conv2d(x, W, np.zeros(2))
    with pytest.raises(ValueError, match="conv2d: argument 'rounding' must be 'exact' or 'floor'"):
        conv2d(x, W, rounding="ceil")
    with pytest.raises(ValueError, match="conv2d: stride=2 and padding=0 give a fractional"):
        conv2d(np.zeros((1, 2, 6, 6)), W, stride=2)
    with pytest.raises(ValueError, match=r"conv2d_backward: argument 'dout' has shape \(1, 3, 2, 2\), "
                                         r"expected \(1, 3, 3, 3\)"):
        conv2d_backward(np.zeros((1, 3, 2, 2)), x, W)
    with pytest.raises(TypeError, match="im2col: argument 'x' must be a numpy.ndarray"):
        im2col([[1.0]], 1, 1)
    with pytest.raises(ValueError, match=r"col2im: argument 'cols' has shape \(4, 4\), expected \(4, 9\)"):
        col2im(np.zeros((4, 4)), (1, 1, 4, 4), 2, 2)


def test_conv2d_arguments_after_padding_are_keyword_only():
    """A PyTorch-style Conv2d(3, 8, 3, 1, 1, 1) (dilation 1) must not silently mean bias=1."""
    with pytest.raises(TypeError):
        Conv2d(3, 8, 3, 1, 1, 1)
    conv = Conv2d(3, 8, 3, 1, 1, bias=False)
    assert conv.b is None and conv.stride == (1, 1) and conv.padding == (1, 1)
