"""Max and average pooling (notes §2.4) over NCHW arrays, forward and backward.

The lesson code of the pooling page: every function loops over the ``kh*kw`` offsets
``(p, q)`` of the window, never over samples or pixels.  For one offset, the input
value that every window holds there is one strided slice of the padded input,
``z[:, :, p + i*sh, q + j*sw]`` for all outputs ``(i, j)``.  The layers
:class:`dlbook.nn.MaxPool2d` and :class:`dlbook.nn.AvgPool2d` compute the same numbers
with the engine (``dlbook/_engine/pooling.py``), proved equal by tests.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_pair
from dlbook.functional.conv import ROUNDINGS, output_hw


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
    oh, ow = output_hw(x_shape, kernel, stride, padding, rounding, owner)
    extra = tuple(max(0, (o - 1) * s + k - (size + 2 * p))
                  for o, s, k, size, p in zip((oh, ow), stride, kernel, x_shape[2:], padding))
    return kernel, stride, padding, (oh, ow), extra


def _check_pool(owner, x, kernel_size, stride, padding, rounding):
    """Check the input array, then the window arguments: returns :func:`pool_geometry`."""
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner=owner)
    return pool_geometry(x.shape, kernel_size, stride, padding, rounding, owner)


def _check_max_pool2d(x, kernel_size, stride, padding, rounding):
    return _check_pool("max_pool2d", x, kernel_size, stride, padding, rounding)


def _check_avg_pool2d(x, kernel_size, stride, padding, rounding):
    return _check_pool("avg_pool2d", x, kernel_size, stride, padding, rounding)


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
    argmax : numpy.ndarray of int
        Winning offset ``p*kw + q`` per output position.

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
           [2, 0]])
    """
    geometry = _check_max_pool2d(x, kernel_size, stride, padding, rounding)
    (kh, kw), (sh, sw), (ph, pw), (oh, ow), (eh, ew) = geometry
    pad = ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew))   # + ceil overhang
    z = np.pad(x, pad, constant_values=-np.inf)
    out = np.full(x.shape[:2] + (oh, ow), -np.inf, dtype=x.dtype)
    argmax = np.zeros(out.shape, dtype=int)
    for p in range(kh):
        for q in range(kw):
            z_pq = z[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw]
            better = z_pq > out     # strict: a tie keeps the earlier offset
            out[better] = z_pq[better]
            argmax[better] = p * kw + q
    return out, argmax


def max_pool2d_backward(dout, argmax, x_shape, kernel_size, stride=None,
                        padding=0, rounding="exact"):
    """Route each output gradient to the input position that won the max.

    For each window offset ``(p, q)``, the outputs whose winner sat there add their
    gradient to that input pixel; overlapping windows that share a winner add up.

    Parameters
    ----------
    dout : numpy.ndarray
        ``(N, C, OH, OW)``, the gradient of the loss with respect to the output.
    argmax : numpy.ndarray
        As returned by :func:`max_pool2d`.
    x_shape : tuple of int
        ``(N, C, H, W)`` of the input.
    kernel_size, stride, padding, rounding
        As given to :func:`max_pool2d`.

    Returns
    -------
    numpy.ndarray
        Shape ``x_shape``.

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
    geometry = pool_geometry(x_shape, kernel_size, stride, padding, rounding,
                             "max_pool2d_backward")
    (kh, kw), (sh, sw), (ph, pw), (oh, ow), (eh, ew) = geometry
    n, c, h, w = x_shape
    dz = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dout.dtype)
    for p in range(kh):
        for q in range(kw):
            won = argmax == p * kw + q              # (N, C, OH, OW)
            dz[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw] += dout * won
    return dz[:, :, ph:ph + h, pw:pw + w].copy()        # drop the padding


def window_sizes(x_shape, kernel_size, stride=None, padding=0,
                 rounding="exact"):
    """How many pixels of the padded input each pooling window covers: ``(OH, OW)``.

    ``kh*kw`` everywhere (padding counts, as PyTorch's ``count_include_pad=True``),
    except for the windows that ``rounding="ceil"`` lets hang over the bottom or right
    edge: those cover only what lies inside the padded input.

    Examples
    --------
    >>> from dlbook.functional import window_sizes
    >>> window_sizes((1, 1, 5, 5), 2, rounding="ceil")    # the last row/column overhangs
    array([[4., 4., 2.],
           [4., 4., 2.],
           [2., 2., 1.]])
    """
    geometry = pool_geometry(x_shape, kernel_size, stride, padding, rounding,
                             "window_sizes")
    (kh, kw), (sh, sw), (ph, pw), (oh, ow), (eh, ew) = geometry
    h, w = x_shape[2:]
    ones = np.ones((h + 2 * ph, w + 2 * pw))         # the padded input
    inside = np.pad(ones, ((0, eh), (0, ew)))        # 0 on the ceil overhang
    count = np.zeros((oh, ow))
    for p in range(kh):
        for q in range(kw):
            count += inside[p:p + sh * oh:sh, q:q + sw * ow:sw]
    return count


def avg_pool2d(x, kernel_size, stride=None, padding=0, rounding="exact"):
    """Mean over each window; padded zeros count in the mean (PyTorch's default
    ``count_include_pad=True``), so border windows of a padded input are pulled to 0.

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, C, H, W)``.
    kernel_size, stride, padding : int or (int, int)
        ``stride`` defaults to ``kernel_size``.
    rounding : {"exact", "floor", "ceil"}
        See :func:`conv_output_size`; a ``"ceil"`` window that hangs over the edge
        divides by the pixels it covers (:func:`window_sizes`).

    Returns
    -------
    numpy.ndarray
        ``(N, C, OH, OW)``.

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
    geometry = _check_avg_pool2d(x, kernel_size, stride, padding, rounding)
    (kh, kw), (sh, sw), (ph, pw), (oh, ow), (eh, ew) = geometry
    z = np.pad(x, ((0, 0), (0, 0), (ph, ph + eh), (pw, pw + ew)))
    total = np.zeros(x.shape[:2] + (oh, ow), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            total += z[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw]
    sizes = window_sizes(x.shape, kernel_size, stride, padding, rounding)
    return total / sizes.astype(x.dtype)


def avg_pool2d_backward(dout, x_shape, kernel_size, stride=None, padding=0,
                        rounding="exact"):
    """Spread each output gradient evenly over its window.

    Each input of a window gets ``dout / window size``; overlapping windows add up.

    Parameters
    ----------
    dout : numpy.ndarray
        ``(N, C, OH, OW)``.
    x_shape : tuple of int
        ``(N, C, H, W)`` of the input.
    kernel_size, stride, padding, rounding
        As given to :func:`avg_pool2d`.

    Returns
    -------
    numpy.ndarray
        Shape ``x_shape``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import avg_pool2d_backward
    >>> avg_pool2d_backward(np.array([[[[4.]]]]), (1, 1, 2, 2), 2)
    array([[[[1., 1.],
             [1., 1.]]]])
    """
    geometry = pool_geometry(x_shape, kernel_size, stride, padding, rounding,
                             "avg_pool2d_backward")
    (kh, kw), (sh, sw), (ph, pw), (oh, ow), (eh, ew) = geometry
    n, c, h, w = x_shape
    sizes = window_sizes(x_shape, kernel_size, stride, padding, rounding)
    share = dout / sizes.astype(dout.dtype)
    dz = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dout.dtype)
    for p in range(kh):
        for q in range(kw):
            dz[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw] += share
    return dz[:, :, ph:ph + h, pw:pw + w].copy()        # drop the padding
