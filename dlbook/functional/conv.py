"""Convolution as the notes write it: output size (eq. (30)), im2col/col2im, eq. (29).

The lesson code of the convolution page.  :func:`conv2d_naive` is eq. (29) as loops,
the slowest and plainest reference.  :func:`im2col` copies every receptive field into
one column of a matrix, one strided slice per kernel offset ``(p, q)``, so that
:func:`conv2d` is a single matrix product; :func:`conv2d_backward` is two more and
:func:`col2im`, the adjoint of :func:`im2col`.  The layer :class:`dlbook.nn.Conv2d`
computes the same numbers with the engine (``dlbook/_engine``), proved equal by tests.

Layout.  The notes' eq. (29) takes a ``W x H x C`` input and sums ``p`` over the filter
width ``W_f`` and ``q`` over its height ``H_f``.  dlbook stores ``(N, C, H, W)`` arrays
(rows first, as NumPy and PyTorch do), so here ``i`` and ``p`` run down the rows
(height) and ``j`` and ``q`` along them (width): the notes' (width, height) order of
the indices is transposed; the sum is the same.

Column layout: ``cols`` has shape ``(C*kh*kw, N*OH*OW)``, rows ordered ``(c, p, q)``
like a flattened filter ``W[k]`` and columns ordered ``(n, i, j)``.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_int, check_pair

ROUNDINGS = ("exact", "floor", "ceil")
CONV_ROUNDINGS = ("exact", "floor")    # a convolution window never hangs over the edge


def conv_output_size(input_size, kernel_size, stride=1, padding=0,
                     rounding="exact", *, owner="conv_output_size", dim=None):
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
        Length of the input (:math:`I`) and of the window or filter (:math:`F`).
    stride : int
        Step between windows, :math:`S \ge 1`.
    padding : int
        Pixels added on *each* side, :math:`P \ge 0`.
    rounding : {"exact", "floor", "ceil"}
        What to do when ``stride`` does not divide ``input_size + 2*padding - kernel_size``.
    owner, dim : str, optional
        Who is asking and along which axis, for the error message.

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
    I, F, S, P = _check_output_size(**locals())   # the arguments, checked
    if rounding == "ceil":
        O = -(-(I + 2 * P - F) // S) + 1        # ceil((I + 2P - F) / S) + 1
        # ... unless the last window would start in the right padding
        return O if (O - 1) * S < I + P else O - 1
    return (I + 2 * P - F) // S + 1             # exact (checked) or floor


def _check_output_size(input_size, kernel_size, stride, padding, rounding, owner, dim):
    """Arguments of :func:`conv_output_size` as ints; raise if they give no whole size."""
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
    if span % stride == 0 or rounding != "exact":
        return size, kernel, stride, padding
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


def output_hw(x_shape, kernel, stride, padding, rounding="exact", owner="conv2d"):
    """``(OH, OW)`` of a window ``kernel`` over an ``(N, C, H, W)`` input (eq. (30) twice).

    ``kernel``, ``stride`` and ``padding`` are ``(height, width)`` pairs.

    Examples
    --------
    >>> from dlbook.functional import output_hw
    >>> output_hw((1, 3, 32, 28), (5, 5), (1, 1), (0, 0))
    (28, 24)
    """
    return tuple(conv_output_size(size, k, s, p, rounding, owner=owner, dim=dim)
                 for size, k, s, p, dim in zip(x_shape[2:], kernel, stride, padding,
                                               ("height", "width")))


# One line at the top of each public function of this module; all share _check_conv.

def _check_naive(x, W, b, stride, padding):
    return _check_conv("conv2d_naive", stride, padding, x=x, W=W, b=b)


def _check_im2col(x, kh, kw, stride, padding, rounding):
    return _check_conv("im2col", stride, padding, rounding, x=x, kernel=(kh, kw))


def _check_col2im(cols, x_shape, kh, kw, stride, padding, rounding):
    return _check_conv("col2im", stride, padding, rounding, x_shape=x_shape, kernel=(kh, kw),
                       cols=cols)


def _check_conv2d(x, W, b, stride, padding, rounding):
    return _check_conv("conv2d", stride, padding, rounding, x=x, W=W, b=b)


def _check_conv2d_backward(dout, x, W, stride, padding, rounding):
    return _check_conv("conv2d_backward", stride, padding, rounding, x=x, W=W, dout=dout)


def _check_conv(owner, stride, padding, rounding="exact", *, x=None, x_shape=None, kernel=None,
                W=None, b=None, cols=None, dout=None):
    """Every argument check of this module's functions, in one place.

    Returns ``(stride, padding, (OH, OW))`` with ``stride`` and ``padding`` as pairs.
    """
    if x is not None:
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner=owner)
        x_shape = x.shape
    x_shape = tuple(int(s) for s in x_shape)
    if len(x_shape) != 4:
        raise ValueError(f"{owner}: argument 'x_shape' must be (N, C, H, W), got {x_shape}")
    if W is not None:
        check_array(W, "W", ndim=4, layout="(C_out, C, kh, kw)", owner=owner)
        if W.shape[1] != x_shape[1]:
            raise ValueError(f"{owner}: argument 'x' has {x_shape[1]} channels but 'W' "
                             f"expects {W.shape[1]}")
        kernel = W.shape[2:]
    kernel = (check_int(kernel[0], "kh", minimum=1, owner=owner),
              check_int(kernel[1], "kw", minimum=1, owner=owner))
    if b is not None and (not isinstance(b, np.ndarray) or b.shape != W.shape[:1]):
        raise ValueError(f"{owner}: argument 'b' must be an array of shape {W.shape[:1]}, "
                         f"got {getattr(b, 'shape', type(b).__name__)}")
    stride = check_pair(stride, "stride", minimum=1, owner=owner)
    padding = check_pair(padding, "padding", minimum=0, owner=owner)
    if rounding not in CONV_ROUNDINGS:
        raise ValueError(f"{owner}: argument 'rounding' must be 'exact' or 'floor', "
                         f"got {rounding!r}")
    oh, ow = output_hw(x_shape, kernel, stride, padding, rounding, owner)
    n, c = x_shape[:2]
    if cols is not None:
        check_array(cols, "cols", ndim=2, layout="(C*kh*kw, N*OH*OW)", owner=owner,
                    finite=False)
        want = (c * kernel[0] * kernel[1], n * oh * ow)
        if cols.shape != want:
            raise ValueError(f"{owner}: argument 'cols' has shape {cols.shape}, expected {want}")
    if dout is not None:
        check_array(dout, "dout", ndim=4, owner=owner)
        want = (n, W.shape[0], oh, ow)
        if dout.shape != want:
            raise ValueError(f"{owner}: argument 'dout' has shape {dout.shape}, expected {want}")
    return stride, padding, (oh, ow)


def im2col(x, kh, kw, stride=1, padding=0, rounding="exact"):
    """Copy every ``kh x kw`` window of ``x`` into a column: shape ``(C*kh*kw, N*OH*OW)``.

    The loop runs over the kernel offsets ``(p, q)`` of eq. (29), not over pixels: for
    one offset, the input values that every window sees there form one strided slice
    of the padded input, ``z[:, :, p + i*sh, q + j*sw]`` for all ``(i, j)``, copied at once
    into the row ``(c, p, q)`` of the columns.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, C, H, W)``.
    kh, kw : int
        Window height and width.
    stride, padding : int or (int, int)
    rounding : {"exact", "floor"}
        See :func:`conv_output_size`.

    Returns
    -------
    numpy.ndarray
        ``cols[(c*kh + p)*kw + q, (n*OH + i)*OW + j] = z[n, c, i*sh + p, j*sw + q]``,
        ``z`` the zero-padded input.

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
    geometry = _check_im2col(x, kh, kw, stride, padding, rounding)
    (sh, sw), (ph, pw), (oh, ow) = geometry
    n, c = x.shape[:2]
    z = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))    # zeros around
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            # z[n, c, i*sh + p, j*sw + q] for all n, c, i, j: (N, C, OH, OW)
            z_pq = z[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw]
            cols[:, p, q] = z_pq.transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(cols, x_shape, kh, kw, stride=1, padding=0, rounding="exact"):
    """Adjoint of :func:`im2col`: add each column back onto the window it came from.

    One strided addition per kernel offset ``(p, q)``, the mirror image of
    :func:`im2col`'s copy.  Overlapping windows add up, which is exactly the chain rule
    for the input gradient of a convolution; the padding's share is dropped.

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
    geometry = _check_col2im(cols, x_shape, kh, kw, stride, padding, rounding)
    (sh, sw), (ph, pw), (oh, ow) = geometry
    n, c, h, w = x_shape
    blocks = cols.reshape(c, kh, kw, n, oh, ow)
    dz = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for p in range(kh):
        for q in range(kw):
            block_pq = blocks[:, p, q].transpose(1, 0, 2, 3)   # (N, C, OH, OW)
            dz[:, :, p:p + sh * oh:sh, q:q + sw * ow:sw] += block_pq
    return dz[:, :, ph:ph + h, pw:pw + w].copy()        # drop the padding


def conv2d(x, W, b=None, stride=1, padding=0, rounding="exact"):
    r"""Eq. (29) for a whole batch as one matrix product over :func:`im2col` columns.

    .. math:: U = W_2\,\mathrm{cols} + b, \qquad W_2 = W \text{ as } (C_\mathrm{out}, C k_h k_w)

    Column ``(n, i, j)`` of ``cols`` is the window of output ``(i, j)`` of sample ``n``,
    row ``k`` of ``W_2`` the flattened filter ``k``: their product is the sum of eq. (29).
    ``i`` and ``p`` run down the rows (height, :math:`k_h = H_f`), ``j`` and ``q`` along
    them (width, :math:`k_w = W_f`): the notes' eq. (29) names the width first, so its
    two spatial indices are in the other order (see :func:`conv2d_naive`).

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, C, H, W)``.
    W : numpy.ndarray
        ``(C_out, C, kh, kw)``; ``W[k, c, p, q]`` is the notes' :math:`h_{pqck}`.
    b : numpy.ndarray, optional
        ``(C_out,)``.
    stride, padding : int or (int, int)
    rounding : {"exact", "floor"}
        See :func:`conv_output_size`.

    Returns
    -------
    numpy.ndarray
        ``(N, C_out, OH, OW)``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import conv2d
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])   # x[i, j] - x[i+1, j+1]
    >>> conv2d(x, W, np.array([10.0]))                  # 0 - 4 + 10, 1 - 5 + 10, ...
    array([[[[6., 6.],
             [6., 6.]]]])
    """
    _, _, (oh, ow) = _check_conv2d(x, W, b, stride, padding, rounding)
    c_out, _, kh, kw = W.shape
    cols = im2col(x, kh, kw, stride, padding, rounding)   # (C*kh*kw, N*OH*OW)
    u = W.reshape(c_out, -1) @ cols                       # (C_out, N*OH*OW)
    if b is not None:
        u += b[:, None]
    return u.reshape(c_out, x.shape[0], oh, ow).transpose(1, 0, 2, 3)


def conv2d_backward(dout, x, W, stride=1, padding=0, rounding="exact"):
    r"""Gradients of :func:`conv2d`: two matrix products and a :func:`col2im`.

    With :math:`D` the output gradient as ``(C_out, N*OH*OW)`` (columns ordered like
    ``cols``):

    .. math:: \frac{\partial L}{\partial W_2} = D\,\mathrm{cols}^\top, \qquad
              \frac{\partial L}{\partial b} = D\,\mathbf{1}, \qquad
              \frac{\partial L}{\partial\,\mathrm{cols}} = W_2^\top D

    and :func:`col2im` adds the column gradient back onto the windows.

    Parameters
    ----------
    dout : numpy.ndarray
        ``(N, C_out, OH, OW)``, the gradient of the loss with respect to the output.
    x, W, stride, padding, rounding
        As given to :func:`conv2d`.

    Returns
    -------
    dx, dW, db : numpy.ndarray
        Shapes ``x.shape``, ``W.shape`` and ``(C_out,)``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import conv2d_backward
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> W = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    >>> dx, dW, db = conv2d_backward(np.ones((1, 1, 2, 2)), x, W)
    >>> dx[0, 0]                  # each window adds W once
    array([[ 1.,  1.,  0.],
           [ 1.,  0., -1.],
           [ 0., -1., -1.]])
    >>> dW[0, 0]                  # the sum of each offset over the four windows: 0+1+3+4, ...
    array([[ 8., 12.],
           [20., 24.]])
    >>> db
    array([4.])
    """
    _check_conv2d_backward(dout, x, W, stride, padding, rounding)
    c_out, _, kh, kw = W.shape
    cols = im2col(x, kh, kw, stride, padding, rounding)   # as in conv2d
    D = dout.transpose(1, 0, 2, 3).reshape(c_out, -1)     # (C_out, N*OH*OW)
    dW = (D @ cols.T).reshape(W.shape)
    db = D.sum(axis=1)
    dcols = W.reshape(c_out, -1).T @ D                    # (C*kh*kw, N*OH*OW)
    dx = col2im(dcols, x.shape, kh, kw, stride, padding, rounding)
    return dx, dW, db


def conv2d_naive(x, W, b=None, stride=1, padding=0):
    r"""Notes eq. (29) as plain loops: the slow, readable reference.

    .. math:: u_{ijk} = \sum_{c=0}^{C-1}\sum_{p=0}^{k_h-1}\sum_{q=0}^{k_w-1}
              z_{i s+p,\, j s+q,\, c}\, h_{pqck} + b_k

    with ``z`` the zero-padded input ``x[n]`` and ``h_{pqck} = W[k, c, p, q]``. The notes
    sum ``p`` over the filter width :math:`W_f` and ``q`` over its height :math:`H_f` of a
    ``W x H x C`` input; dlbook's arrays are ``(N, C, H, W)``, so here ``i`` and ``p`` run
    down the rows (height, :math:`k_h = H_f`) and ``j`` and ``q`` along them (width,
    :math:`k_w = W_f`): the same sum with the two spatial indices in the other order.
    Like every deep-learning framework this is a cross-correlation: the filter is not
    flipped.

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
    (sh, sw), (ph, pw), (oh, ow) = _check_naive(x, W, b, stride, padding)
    c_out, c_in, kh, kw = W.shape
    z = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    u = np.zeros((x.shape[0], c_out, oh, ow), dtype=np.result_type(x, W))
    for n in range(x.shape[0]):
        for k in range(c_out):
            for i in range(oh):
                for j in range(ow):
                    total = 0.0 if b is None else b[k]
                    for c in range(c_in):
                        for p in range(kh):
                            for q in range(kw):
                                z_ijc = z[n, c, i*sh + p, j*sw + q]
                                total += z_ijc * W[k, c, p, q]
                    u[n, k, i, j] = total
    return u
