"""Max and average pooling (notes §2.4) over NCHW arrays, forward and backward.

All loops run over the ``kh*kw`` offsets of the window, each a strided slice of the
whole batch; none over samples or pixels.  (For ``kernel == stride`` this measured
faster than a reshape to ``(..., kh, kw)`` windows, whose reductions and arg-max run
over tiny inner axes.)
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_int, check_pair
from dlbook.functional.conv import ROUNDINGS, _output_shape, _padded


def pool_geometry(x_shape, kernel_size, stride=None, padding=0, rounding="exact",
                  owner="pool"):
    """Validate pooling arguments; return ``(kernel, stride, padding, (OH, OW), extra)``.

    ``extra`` is the bottom/right overhang that ``rounding="ceil"`` windows need.

    Examples
    --------
    >>> from dlbook.functional import pool_geometry
    >>> pool_geometry((1, 1, 55, 55), 3, 2)       # AlexNet's overlapping pool
    ((3, 3), (2, 2), (0, 0), (27, 27), (0, 0))
    """
    kernel = check_pair(kernel_size, "kernel_size", minimum=1, owner=owner)
    stride = kernel if stride is None else check_pair(stride, "stride", minimum=1, owner=owner)
    padding = check_pair(padding, "padding", minimum=0, owner=owner)
    if rounding not in ROUNDINGS:
        raise ValueError(f"{owner}: argument 'rounding' must be one of {ROUNDINGS}, "
                         f"got {rounding!r}")
    for k, p in zip(kernel, padding):
        if p > k // 2:
            raise ValueError(
                f"{owner}: padding={padding} must be at most half the kernel_size={kernel} "
                f"(here {k // 2}), otherwise a window could contain only padding"
            )
    oh, ow = _output_shape(x_shape, *kernel, stride, padding, rounding, owner)
    extra = tuple(max(0, (o - 1) * s + k - (size + 2 * p))
                  for o, s, k, size, p in zip((oh, ow), stride, kernel, x_shape[2:], padding))
    return kernel, stride, padding, (oh, ow), extra


def _offset_slices(kernel, stride, out):
    """Yield ``(p, q, slice_h, slice_w)`` for every offset of the window."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    for p in range(kh):
        for q in range(kw):
            yield p, q, slice(p, p + sh * oh, sh), slice(q, q + sw * ow, sw)


def max_pool2d(x, kernel_size, stride=None, padding=0, rounding="exact"):
    """Maximum over each window; returns ``(out, argmax)`` for :func:`max_pool2d_backward`.

    Padding is filled with ``-inf`` so it never wins.  ``argmax`` holds the window offset
    ``p*kw + q`` of the winner; on ties the *first* maximum in row-major order wins.

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, C, H, W)``.
    kernel_size, stride, padding : int or (int, int)
        ``stride`` defaults to ``kernel_size``.
    rounding : {"exact", "floor", "ceil"}
        See :func:`conv_output_size`.

    Returns
    -------
    out : numpy.ndarray
        ``(N, C, OH, OW)``.
    argmax : numpy.ndarray of uint8/int32
        Winning offset per output position.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import max_pool2d
    >>> x = np.array([[[[1., 2., 5., 0.],
    ...                 [3., 4., 1., 1.],
    ...                 [0., 0., 2., 2.],
    ...                 [9., 0., 2., 2.]]]])
    >>> out, argmax = max_pool2d(x, 2)
    >>> out[0, 0]
    array([[4., 5.],
           [9., 2.]])
    >>> argmax[0, 0]          # offsets p*2 + q; the tie of 2s picks the first
    array([[3, 0],
           [2, 0]], dtype=uint8)
    """
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="max_pool2d")
    kernel, stride, padding, out_hw, extra = pool_geometry(
        x.shape, kernel_size, stride, padding, rounding, "max_pool2d")
    return _max_pool(x, kernel, stride, padding, out_hw, extra)


def _index_dtype(kernel):
    return np.uint8 if kernel[0] * kernel[1] <= 255 else np.int32


def _max_pool(x, kernel, stride, padding, out_hw, extra):
    n, c = x.shape[:2]
    kw = kernel[1]
    xp = _padded(x, padding, extra, fill=-np.inf)
    slices = list(_offset_slices(kernel, stride, out_hw))
    out = xp[:, :, slices[0][2], slices[0][3]].copy()
    index_dtype = _index_dtype(kernel)
    argmax = np.zeros(out.shape, dtype=index_dtype)
    better = np.empty(out.shape, dtype=bool)
    candidate = np.empty(out.shape, dtype=index_dtype)
    for p, q, rows, cols in slices[1:]:
        window = xp[:, :, rows, cols]
        np.greater(window, out, out=better)     # strict: an earlier offset keeps a tie
        np.maximum(out, window, out=out)
        # Offsets grow along the loop, so the winner is the largest offset that improved
        # the running maximum: a max() instead of a (much slower) masked write.
        np.multiply(better, index_dtype(p * kw + q), out=candidate)
        np.maximum(argmax, candidate, out=argmax)
    return out, argmax


def max_pool2d_backward(dout, argmax, x_shape, kernel_size, stride=None, padding=0,
                        rounding="exact"):
    """Route each output gradient to the input position that won the max.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import max_pool2d, max_pool2d_backward
    >>> x = np.array([[[[1., 2.], [4., 3.]]]])
    >>> out, argmax = max_pool2d(x, 2)
    >>> max_pool2d_backward(np.array([[[[10.]]]]), argmax, x.shape, 2)
    array([[[[ 0.,  0.],
             [10.,  0.]]]])
    """
    kernel, stride, padding, out_hw, extra = pool_geometry(
        x_shape, kernel_size, stride, padding, rounding, "max_pool2d_backward")
    return _max_pool_backward(dout, argmax, x_shape, kernel, stride, padding, out_hw, extra)


def _max_pool_backward(dout, argmax, x_shape, kernel, stride, padding, out_hw, extra):
    n, c, h, w = x_shape
    kw = kernel[1]
    (ph, pw), (eh, ew) = padding, extra
    dxp = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dout.dtype)
    won = np.empty(argmax.shape, dtype=bool)
    routed = np.empty(dout.shape, dtype=dout.dtype)
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
    for p, q, rows, cols in _offset_slices(kernel, stride, out_hw):
        np.equal(argmax, p * kw + q, out=won)
        np.multiply(dout, won, out=routed)
        if overlapping:
            dxp[:, :, rows, cols] += routed
        else:                                   # windows are disjoint: a plain write
            dxp[:, :, rows, cols] = routed
    return _unpad(dxp, x_shape, padding)


def _unpad(xp, x_shape, padding):
    """The ``(N, C, H, W)`` interior of a padded buffer, contiguous."""
    h, w = x_shape[2:]
    ph, pw = padding
    if xp.shape[2:] == (h, w):
        return xp
    return np.ascontiguousarray(xp[:, :, ph:ph + h, pw:pw + w])


def _avg_divisor(x_shape, kernel, stride, padding, out_hw, extra):
    """Window sizes: ``kh*kw`` (zeros of the padding count), clipped only by ceil overhang."""
    kh, kw = kernel
    if extra == (0, 0):
        return float(kh * kw)
    counts = []
    for size, k, s, p, o in zip(x_shape[2:], kernel, stride, padding, out_hw):
        starts = np.arange(o) * s
        counts.append(np.minimum(starts + k, size + 2 * p) - starts)
    return np.multiply.outer(counts[0], counts[1]).astype(np.float64)


def avg_pool2d(x, kernel_size, stride=None, padding=0, rounding="exact"):
    """Mean over each window; padded zeros count in the mean (PyTorch's default
    ``count_include_pad=True``), so border windows of a padded input are pulled to 0.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import avg_pool2d
    >>> x = np.array([[[[1., 3., 5., 7.],
    ...                 [1., 3., 5., 7.]]]])
    >>> avg_pool2d(x, 2)[0, 0]
    array([[2., 6.]])
    >>> avg_pool2d(np.ones((1, 1, 2, 2)), 3, stride=1, padding=1)[0, 0]   # 4 of 9 are ones
    array([[0.44444444, 0.44444444],
           [0.44444444, 0.44444444]])
    """
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="avg_pool2d")
    kernel, stride, padding, out_hw, extra = pool_geometry(
        x.shape, kernel_size, stride, padding, rounding, "avg_pool2d")
    return _avg_pool(x, kernel, stride, padding, out_hw, extra)


def _avg_pool(x, kernel, stride, padding, out_hw, extra):
    xp = _padded(x, padding, extra)
    slices = list(_offset_slices(kernel, stride, out_hw))
    out = xp[:, :, slices[0][2], slices[0][3]].copy()
    for _, _, rows, cols in slices[1:]:
        out += xp[:, :, rows, cols]
    out /= np.asarray(_avg_divisor(x.shape, kernel, stride, padding, out_hw, extra), x.dtype)
    return out


def avg_pool2d_backward(dout, x_shape, kernel_size, stride=None, padding=0, rounding="exact"):
    """Spread each output gradient evenly over its window.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import avg_pool2d_backward
    >>> avg_pool2d_backward(np.array([[[[4.]]]]), (1, 1, 2, 2), 2)
    array([[[[1., 1.],
             [1., 1.]]]])
    """
    kernel, stride, padding, out_hw, extra = pool_geometry(
        x_shape, kernel_size, stride, padding, rounding, "avg_pool2d_backward")
    return _avg_pool_backward(dout, x_shape, kernel, stride, padding, out_hw, extra)


def _avg_pool_backward(dout, x_shape, kernel, stride, padding, out_hw, extra):
    n, c, h, w = x_shape
    share = dout / np.asarray(_avg_divisor(x_shape, kernel, stride, padding, out_hw, extra),
                              dout.dtype)
    (ph, pw), (eh, ew) = padding, extra
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
    dxp = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dout.dtype)
    for _, _, rows, cols in _offset_slices(kernel, stride, out_hw):
        if overlapping:
            dxp[:, :, rows, cols] += share
        else:
            dxp[:, :, rows, cols] = share
    return _unpad(dxp, x_shape, padding)
