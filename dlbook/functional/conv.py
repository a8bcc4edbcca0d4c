"""Convolution as a matrix product: output size (notes eq. (30)), im2col/col2im, eq. (29).

The fast path turns every receptive field into one column of a matrix (``im2col``), so
that the whole layer is a single ``matmul``; ``conv2d_naive`` is eq. (29) written as
loops, kept as the readable reference the tests compare the fast path with.

Column layout (used throughout): ``cols`` has shape ``(C*kh*kw, N*OH*OW)``, rows ordered
``(c, p, q)`` like a flattened filter ``W[k]`` and columns ordered ``(n, i, j)``.  With
``W`` reshaped to ``(C_out, C*kh*kw)`` the forward pass is ``W2 @ cols``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from dlbook._checks import check_array, check_int, check_pair

ROUNDINGS = ("exact", "floor", "ceil")


def _fitting_values(size, kernel, stride, padding):
    """Nearby paddings, strides and kernel sizes that would give a whole output size.

    Each is varied alone, the other two kept.  Strides larger than the kernel (which
    skip pixels) and kernels more than 2 away from the requested one are not offered.
    """
    def fits(k, s, p):
        return size + 2 * p >= k and (size + 2 * p - k) % s == 0

    paddings = [p for p in range(0, kernel + 1) if fits(kernel, stride, p)]
    strides = [s for s in range(1, kernel + 1) if fits(kernel, s, padding)]
    kernels = [k for k in range(max(1, kernel - 2), kernel + 3)
               if k != kernel and fits(k, stride, padding)]
    return paddings, strides, kernels


def _words(values, limit=4):
    """``[0, 2]`` -> ``"0 or 2"``."""
    shown = [str(v) for v in values[:limit]]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " or " + shown[-1]


def conv_output_size(input_size, kernel_size, stride=1, padding=0, rounding="exact",
                     *, owner="conv_output_size", dim=None):
    r"""Output length of a convolution or pooling along one axis (notes eq. (30)).

    .. math:: O = \frac{I + 2P - F}{S} + 1

    The notes write eq. (30) without rounding.  By default the division must be exact
    (a fractional size means the last window would hang over the edge); a
    ``ValueError`` then says which ``stride``/``padding`` would fit.  ``rounding="floor"``
    drops the incomplete last window, as PyTorch's ``Conv2d`` silently does;
    ``rounding="ceil"`` keeps it (PyTorch's ``ceil_mode=True`` for pooling, where a window
    must still start inside the input or the left padding).

    Parameters
    ----------
    input_size, kernel_size : int
        Length of the input and of the window (filter) along this axis.
    stride : int
        Step between windows (>= 1).
    padding : int
        Pixels added on *each* side (>= 0).
    rounding : {"exact", "floor", "ceil"}
        What to do when ``stride`` does not divide ``input_size + 2*padding - kernel_size``.

    Returns
    -------
    int

    Examples
    --------
    Confirmation quiz 4 of the notes (6x6 input, 2x2 filter, stride 1, padding 1):

    >>> from dlbook.functional import conv_output_size
    >>> conv_output_size(6, 2, stride=1, padding=1)
    7
    >>> conv_output_size(32, 5)              # LeNet C1
    28
    >>> conv_output_size(227, 11, stride=4)  # AlexNet conv1
    55
    >>> conv_output_size(224, 7, stride=2, padding=3, rounding="floor")  # GoogLeNet conv1
    112
    >>> conv_output_size(12, 3, stride=2)
    Traceback (most recent call last):
    ...
    ValueError: conv_output_size: stride=2 and padding=0 give a fractional output size 5.5 ...
    """
    where = f"{owner}: "
    axis = f" along the {dim}" if dim else ""
    size = check_int(input_size, "input_size", minimum=1, owner=owner)
    kernel = check_int(kernel_size, "kernel_size", minimum=1, owner=owner)
    stride = check_int(stride, "stride", minimum=1, owner=owner)
    padding = check_int(padding, "padding", minimum=0, owner=owner)
    if rounding not in ROUNDINGS:
        raise ValueError(f"{where}argument 'rounding' must be one of {ROUNDINGS}, got {rounding!r}")
    padded = size + 2 * padding
    if kernel > padded:
        raise ValueError(
            f"{where}kernel_size={kernel} is larger than the padded input{axis} "
            f"(input {size} + 2*padding {padding} = {padded}); use a kernel of at most "
            f"{padded} or padding of at least {-(-(kernel - size) // 2)}"
        )
    span = padded - kernel
    if span % stride == 0:
        return span // stride + 1
    if rounding == "floor":
        return span // stride + 1
    if rounding == "ceil":
        out = -(-span // stride) + 1
        if (out - 1) * stride >= size + padding:  # last window would start in the right padding
            out -= 1
        return out
    paddings, strides, kernels = _fitting_values(size, kernel, stride, padding)
    fits = []
    if paddings:
        fits.append(f"padding {_words(paddings)} (with stride {stride})")
    if strides:
        fits.append(f"stride {_words(strides)} (with padding {padding})")
    if kernels:
        fits.append(f"kernel_size {_words(kernels)}")
    raise ValueError(
        f"{where}stride={stride} and padding={padding} give a fractional output size "
        f"{span / stride + 1:g}{axis} for input {size}, kernel {kernel} "
        f"(eq. (30): ({size} + 2*{padding} - {kernel})/{stride} + 1); "
        f"{' or '.join(fits) + ' would fit' if fits else 'no nearby size fits'}, or pass "
        f"rounding='floor' (drop the last partial window, like PyTorch) or 'ceil'"
    )


def _padded(x, padding, extra=(0, 0), fill=0.0):
    """Copy ``x`` into a preallocated buffer with ``padding`` (+``extra`` at bottom/right)."""
    ph, pw = padding
    eh, ew = extra
    if ph == pw == eh == ew == 0:
        return x
    n, c, h, w = x.shape
    buf = np.full((n, c, h + 2 * ph + eh, w + 2 * pw + ew), fill, dtype=x.dtype)
    buf[:, :, ph:ph + h, pw:pw + w] = x
    return buf


def _output_shape(x_shape, kh, kw, stride, padding, rounding, owner):
    _, _, h, w = x_shape
    oh = conv_output_size(h, kh, stride[0], padding[0], rounding, owner=owner, dim="height")
    ow = conv_output_size(w, kw, stride[1], padding[1], rounding, owner=owner, dim="width")
    return oh, ow


def im2col(x, kh, kw, stride=1, padding=0, rounding="exact"):
    """Unroll every ``kh x kw`` window of ``x`` into a column: shape ``(C*kh*kw, N*OH*OW)``.

    Built from a strided view of the (zero-)padded input plus one copy; no Python loop
    over samples or pixels.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C, H, W)``.
    kh, kw : int
        Window height and width.
    stride, padding : int or (int, int)
    rounding : {"exact", "floor", "ceil"}
        See :func:`conv_output_size`.

    Returns
    -------
    numpy.ndarray
        ``cols[(c*kh + p)*kw + q, (n*OH + i)*OW + j] = xpad[n, c, i*s + p, j*s + q]``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import im2col
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> im2col(x, 2, 2)          # four 2x2 windows, one per column
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    """
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="im2col", finite=False)
    kh = check_int(kh, "kh", minimum=1, owner="im2col")
    kw = check_int(kw, "kw", minimum=1, owner="im2col")
    stride = check_pair(stride, "stride", minimum=1, owner="im2col")
    padding = check_pair(padding, "padding", minimum=0, owner="im2col")
    oh, ow = _output_shape(x.shape, kh, kw, stride, padding, rounding, "im2col")
    return _im2col(x, kh, kw, stride, padding, oh, ow)


def _phase_rows(size, pad, stride, phase, length):
    """Rows ``y`` of phase image ``phase`` that fall inside the unpadded input.

    Phase ``phase`` of a padded axis holds the pixels ``phase + stride*y`` (``y <
    length``); pixel ``phase + stride*y - pad`` of the input lies inside ``[0, size)``
    for ``first <= y < stop``.  Returns ``(first, stop, input_slice)``.
    """
    first = max(0, -(-(pad - phase) // stride))
    stop = min(length, -(-(size + pad - phase) // stride))
    start = phase + stride * first - pad
    return first, stop, slice(start, start + stride * (stop - first - 1) + 1, stride)


def _phase_windows(x_shape, stride, padding, hq, wq, phases):
    """Yield ``(a, b, phase_part, input_part)`` for the stride phases ``a, b < phases``.

    ``phase_part`` indexes the rows and columns of phase image ``(a, b)`` (of size
    ``hq x wq``) that hold input pixels, ``input_part`` those pixels of the unpadded
    ``(N, C, H, W)`` input; phases with no input pixel are skipped.  The one mapping
    :func:`_phase_split` gathers with and :func:`_col2im` scatters back with.
    """
    h, w = x_shape[2:]
    (ph, pw), (sh, sw) = padding, stride
    for a in range(min(sh, phases[0])):
        y0, y1, rows = _phase_rows(h, ph, sh, a, hq)
        for b in range(min(sw, phases[1])):
            x0, x1, cols = _phase_rows(w, pw, sw, b, wq)
            if y1 > y0 and x1 > x0:
                yield a, b, (slice(y0, y1), slice(x0, x1)), (rows, cols)


def _phase_split(x, kh, kw, stride, padding, oh, ow):
    """The padded input, channels first and batch last, split into stride phases.

    ``xq[a, b, c, y, x, n] = xpad[n, c, a + sh*y, b + sw*x]``.  Every window offset
    ``(p, q)`` then reads phase ``(p % sh, q % sw)`` shifted by ``(p // sh, q // sw)``,
    a slice with unit stride: a stride-4 convolution copies and adds long contiguous
    runs instead of every fourth number.  Phases no window reads (``a >= kh``) stay 0.
    """
    n, c = x.shape[:2]
    (sh, sw) = stride
    hq, wq = oh + (kh - 1) // sh, ow + (kw - 1) // sw
    xq = np.zeros((sh, sw, c, hq, wq, n), dtype=x.dtype)
    for a, b, (ys, xs), (rows, cols) in _phase_windows(x.shape, stride, padding, hq, wq,
                                                       (kh, kw)):
        xq[a, b, :, ys, xs] = x[:, :, rows, cols].transpose(1, 2, 3, 0)
    return xq


def _im2col(x, kh, kw, stride, padding, oh, ow, batch_last=False, out=None):
    """im2col without checks.  ``batch_last`` orders the columns ``(i, j, n)`` instead.

    With the batch axis innermost, a window slice is a long contiguous run (``OW*N``
    numbers) instead of ``OW``, which makes the copy here and the additions in
    :func:`_col2im` several times faster for small images; the layer always uses it.
    Strided windows read the stride phases of the input (:func:`_phase_split`).
    ``out`` is an optional flat buffer to fill (a layer reuses one across steps: a fresh
    array of tens of megabytes costs a page fault per 4 KiB on first write).
    """
    n, c, h, w = x.shape
    (ph, pw), (sh, sw) = padding, stride
    size = c * kh * kw * n * oh * ow
    cols = np.empty(size, dtype=x.dtype) if out is None else out[:size]
    if not batch_last:
        xp = _padded(x, padding)
        s_n, s_c, s_h, s_w = xp.strides
        view = as_strided(xp, shape=(c, kh, kw, n, oh, ow),
                          strides=(s_c, s_h, s_w, s_n, s_h * sh, s_w * sw), writeable=False)
        np.copyto(cols.reshape(view.shape), view)
        return cols.reshape(c * kh * kw, n * oh * ow)
    dst = cols.reshape(c, kh, kw, oh, ow, n)
    xq = _phase_split(x, kh, kw, stride, padding, oh, ow)
    for a in range(min(sh, kh)):
        for b in range(min(sw, kw)):
            image = xq[a, b]                                   # (C, HQ, WQ, N)
            s_c, s_y, s_x, s_n = image.strides
            shape = (c, len(range(a, kh, sh)), len(range(b, kw, sw)), oh, ow, n)
            np.copyto(dst[:, a::sh, b::sw], as_strided(
                image, shape=shape, strides=(s_c, s_y, s_x, s_y, s_x, s_n), writeable=False))
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(cols, x_shape, kh, kw, stride=1, padding=0, rounding="exact"):
    """Adjoint of :func:`im2col`: add each column back onto the window it came from.

    Overlapping windows add up, which is exactly the chain rule for the input gradient
    of a convolution.  Runs ``kh*kw`` strided additions (one per kernel offset).

    Parameters
    ----------
    cols : numpy.ndarray
        Shape ``(C*kh*kw, N*OH*OW)`` as produced by :func:`im2col`.
    x_shape : tuple of int
        ``(N, C, H, W)`` of the original input.
    kh, kw, stride, padding, rounding
        As for :func:`im2col`.

    Returns
    -------
    numpy.ndarray
        Shape ``x_shape``.

    Examples
    --------
    Every pixel of a 3x3 image lies in 1, 2 or 4 of the four 2x2 windows:

    >>> import numpy as np
    >>> from dlbook.functional import col2im
    >>> col2im(np.ones((4, 4)), (1, 1, 3, 3), 2, 2)[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """
    check_array(cols, "cols", ndim=2, layout="(C*kh*kw, N*OH*OW)", owner="col2im", finite=False)
    x_shape = tuple(int(s) for s in x_shape)
    if len(x_shape) != 4:
        raise ValueError(f"col2im: argument 'x_shape' must be (N, C, H, W), got {x_shape}")
    kh = check_int(kh, "kh", minimum=1, owner="col2im")
    kw = check_int(kw, "kw", minimum=1, owner="col2im")
    stride = check_pair(stride, "stride", minimum=1, owner="col2im")
    padding = check_pair(padding, "padding", minimum=0, owner="col2im")
    oh, ow = _output_shape(x_shape, kh, kw, stride, padding, rounding, "col2im")
    n, c = x_shape[:2]
    want = (c * kh * kw, n * oh * ow)
    if cols.shape != want:
        raise ValueError(f"col2im: argument 'cols' has shape {cols.shape}, expected {want}")
    return _col2im(cols, x_shape, kh, kw, stride, padding, oh, ow)


# Bytes of input gradient (and its partial sums) that col2im works on at a time: small
# enough to stay in a core's L2 cache while all kh*kw window offsets are added.
_COL2IM_SLAB_BYTES = 1 << 20


def _col2im(cols, x_shape, kh, kw, stride, padding, oh, ow, batch_last=False):
    """col2im without checks; ``batch_last`` as in :func:`_im2col`."""
    n, c, h, w = x_shape
    (ph, pw), (sh, sw) = padding, stride
    if not batch_last:
        dxp = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
        blocks = cols.reshape(c, kh, kw, n, oh, ow)
        dxp_cn = dxp.transpose(1, 0, 2, 3)  # a (C, N, H, W) view, so no block is transposed
        for p in range(kh):
            for q in range(kw):
                dxp_cn[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw] += blocks[:, p, q]
        if ph == pw == 0:
            return dxp
        return np.ascontiguousarray(dxp[:, :, ph:ph + h, pw:pw + w])
    blocks = cols.reshape(c, kh, kw, oh, ow, n)
    hq, wq = oh + (kh - 1) // sh, ow + (kw - 1) // sw
    dxq = np.zeros((sh, sw, c, hq, wq, n), dtype=cols.dtype)   # phases, as _phase_split
    un_max = -(-kw // sw)
    slab = max(1, _COL2IM_SLAB_BYTES // ((un_max * ow + wq) * hq * n * cols.itemsize))
    # One array for the partial sums of every phase and slab, allocated once per call.
    scratch = np.empty(un_max * min(slab, c) * hq * ow * n, dtype=cols.dtype)
    for a in range(min(sh, kh)):
        for b in range(min(sw, kw)):
            tn, un = len(range(a, kh, sh)), len(range(b, kw, sw))
            for c0 in range(0, c, slab):
                image, part = dxq[a, b, c0:c0 + slab], blocks[c0:c0 + slab]
                # Sum the row offsets t first, into one image per column offset u:
                # those additions are whole contiguous blocks, not rows of OW*N numbers.
                shape = (un,) + image.shape[:2] + (ow, n)
                acc = scratch[:math.prod(shape)].reshape(shape)
                acc.fill(0)
                for t in range(tn):
                    acc.transpose(1, 0, 2, 3, 4)[:, :, t:t + oh] += part[:, a + sh * t, b::sw]
                for u in range(un):
                    image[:, :, u:u + ow] += acc[u]
    # With rounding="floor" the last rows/columns may lie in no window: they stay zero.
    covered = sh * hq >= h + ph and sw * wq >= w + pw
    dx = (np.empty if covered else np.zeros)(x_shape, dtype=cols.dtype)
    # Every phase, also those no window reads (a >= kh): their pixels get the zeros.
    for a, b, (ys, xs), (rows, cols_) in _phase_windows(x_shape, stride, padding, hq, wq,
                                                        (sh, sw)):
        dx[:, :, rows, cols_] = dxq[a, b, :, ys, xs].transpose(3, 0, 1, 2)
    return dx


def conv2d_naive(x, W, b=None, stride=1, padding=0):
    r"""Notes eq. (29) as plain loops: the slow, readable reference.

    .. math:: u_{ijk} = \sum_{c=0}^{C-1}\sum_{p=0}^{H_f-1}\sum_{q=0}^{W_f-1}
              z_{i s+p,\, j s+q,\, c}\, h_{pqck} + b_k

    with ``z`` the zero-padded input ``x[n]`` and ``h_{pqck} = W[k, c, p, q]``. Like every
    deep-learning framework this is a cross-correlation: the filter is not flipped.

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, C, H, W)``.
    W : numpy.ndarray
        ``(C_out, C, kh, kw)``.
    b : numpy.ndarray, optional
        ``(C_out,)``.
    stride, padding : int or (int, int)

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, OH, OW)``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import conv2d_naive
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])   # x[i, j] - x[i+1, j+1]
    >>> conv2d_naive(x, W, np.array([10.0]))
    array([[[[6., 6.],
             [6., 6.]]]])
    """
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="conv2d_naive")
    check_array(W, "W", ndim=4, layout="(C_out, C, kh, kw)", owner="conv2d_naive")
    if W.shape[1] != x.shape[1]:
        raise ValueError(
            f"conv2d_naive: argument 'x' has {x.shape[1]} channels but 'W' expects {W.shape[1]}"
        )
    stride = check_pair(stride, "stride", minimum=1, owner="conv2d_naive")
    padding = check_pair(padding, "padding", minimum=0, owner="conv2d_naive")
    c_out, c_in, kh, kw = W.shape
    oh, ow = _output_shape(x.shape, kh, kw, stride, padding, "exact", "conv2d_naive")
    z = _padded(x, padding)
    u = np.zeros((x.shape[0], c_out, oh, ow), dtype=np.result_type(x, W))
    for n in range(x.shape[0]):
        for k in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[k]
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                total += (z[n, c, i * stride[0] + p, j * stride[1] + q]
                                          * W[k, c, p, q])
                    u[n, k, i, j] = total
    return u
