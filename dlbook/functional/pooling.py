"""Max and average pooling (notes §2.4) over NCHW arrays, forward and backward.

All loops run over the ``kh*kw`` offsets of the window, each a strided slice of the
whole batch; none over samples or pixels.  (For ``kernel == stride`` this measured
faster than a reshape to ``(..., kh, kw)`` windows, whose reductions and arg-max run
over tiny inner axes.)  For a horizontal stride above 1 the padded input is first split
into column phases (:func:`_column_phases`) so that every slice has contiguous rows.
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


def _n_phases(kernel, stride):
    """Column phases worth splitting the input into (see :func:`_column_phases`)."""
    return stride[1] if kernel[1] > stride[1] else 1


def _offset_slices(kernel, stride, out):
    """Yield ``(p, q, index)``: ``phases[index]`` is the ``(N, C, OH, OW)`` slice of input
    positions at window offset ``(p, q)``, ``phases`` from :func:`_column_phases`."""
    (kh, kw), (sh, sw), (oh, ow) = kernel, stride, out
    split = _n_phases(kernel, stride) > 1
    for p in range(kh):
        for q in range(kw):
            rows = slice(p, p + sh * oh, sh)
            if split:
                cols = q % sw, slice(q // sw, q // sw + ow)
            else:
                cols = 0, slice(q, q + sw * ow, sw)
            yield p, q, (cols[0], slice(None), slice(None), rows, cols[1])


def _column_phases(x, padding, extra, n_phases, fill):
    """The padded input split by column phase: ``phases[r][..., j] = xpad[..., j*sw + r]``.

    Shape ``(sw, N, C, Hpad, ceil(Wpad/sw))``.  A window offset's columns ``q, q+sw, ...``
    are then one contiguous run of phase ``q % sw``: NumPy's element-wise loops run about
    4x faster on those than on every-other-column views (measured on GoogLeNet's 3x3/2
    pools).  Without overlap (``kw <= sw``) each column is read once and the copy would
    not pay: the padded input itself is returned as a single phase.
    """
    if n_phases == 1:
        return _padded(x, padding, extra, fill)[None]
    sw = n_phases
    n, c, h, w = x.shape
    (ph, pw), (eh, ew) = padding, extra
    width = -(-(w + 2 * pw + ew) // sw)
    phases = np.full((sw, n, c, h + 2 * ph + eh, width), fill, dtype=x.dtype)
    for r, first, start, count in _phase_columns(w, pw, sw):
        phases[r, :, :, ph:ph + h, start:start + count] = x[:, :, :, first::sw]
    return phases


def _phase_columns(w, pw, sw):
    """Yield ``(phase, first input column, first phase column, count)`` per phase."""
    for r in range(sw):
        first = (r - pw) % sw          # input column c sits at padded column pw + c
        if first < w:
            yield r, first, (pw + first) // sw, len(range(first, w, sw))


def _merge_column_phases(phases, x_shape, padding):
    """Inverse of :func:`_column_phases`: the ``(N, C, H, W)`` interior, contiguous."""
    if phases.shape[0] == 1:
        return _unpad(phases[0], x_shape, padding)
    ph, pw = padding
    h, w = x_shape[2:]
    out = np.empty(x_shape, dtype=phases.dtype)
    for r, first, start, count in _phase_columns(w, pw, phases.shape[0]):
        out[:, :, :, first::phases.shape[0]] = phases[r, :, :, ph:ph + h, start:start + count]
    return out


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
    kw = kernel[1]
    xp = _column_phases(x, padding, extra, _n_phases(kernel, stride), fill=-np.inf)
    slices = list(_offset_slices(kernel, stride, out_hw))
    out = xp[slices[0][2]].copy()
    index_dtype = _index_dtype(kernel)
    argmax = np.zeros(out.shape, dtype=index_dtype)
    better = np.empty(out.shape, dtype=bool)
    candidate = np.empty(out.shape, dtype=index_dtype)
    for p, q, index in slices[1:]:
        window = xp[index]
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
    kw = kernel[1]
    dxp = _phase_buffer(x_shape, padding, extra, _n_phases(kernel, stride), dout.dtype)
    won = np.empty(argmax.shape, dtype=bool)
    routed = np.empty(dout.shape, dtype=dout.dtype)
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
    for p, q, index in _offset_slices(kernel, stride, out_hw):
        np.equal(argmax, p * kw + q, out=won)
        np.multiply(dout, won, out=routed)
        if overlapping:
            dxp[index] += routed
        else:                                   # windows are disjoint: a plain write
            dxp[index] = routed
    return _merge_column_phases(dxp, x_shape, padding)


def _phase_buffer(x_shape, padding, extra, sw, dtype):
    """Zeros shaped like :func:`_column_phases` of an input of shape ``x_shape``."""
    n, c, h, w = x_shape
    (ph, pw), (eh, ew) = padding, extra
    return np.zeros((sw, n, c, h + 2 * ph + eh, -(-(w + 2 * pw + ew) // sw)), dtype=dtype)


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
    xp = _column_phases(x, padding, extra, _n_phases(kernel, stride), fill=0.0)
    slices = list(_offset_slices(kernel, stride, out_hw))
    out = xp[slices[0][2]].copy()
    for _, _, index in slices[1:]:
        out += xp[index]
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
    share = dout / np.asarray(_avg_divisor(x_shape, kernel, stride, padding, out_hw, extra),
                              dout.dtype)
    overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
    dxp = _phase_buffer(x_shape, padding, extra, _n_phases(kernel, stride), dout.dtype)
    for _, _, index in _offset_slices(kernel, stride, out_hw):
        if overlapping:
            dxp[index] += share
        else:
            dxp[index] = share
    return _merge_column_phases(dxp, x_shape, padding)
