r"""Local response normalisation as functions (Krizhevsky et al. 2012, §3.3): forward and backward.

With :math:`s_i = k + \alpha\sum_{j \in W(i)} a_j^2` over the window :math:`W(i)` of
``size`` channels around channel :math:`i`, the output is :math:`b_i = a_i s_i^{-\beta}`.
``alpha`` multiplies the *sum* of squares, as in the paper (PyTorch multiplies the mean).
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_float, check_int


def _check_lrn(x, size, alpha, beta, k):
    check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="local_response_norm",
                finite=False)
    check_int(size, "size", minimum=1, owner="local_response_norm")
    check_float(alpha, "alpha", low=0.0, owner="local_response_norm")
    check_float(beta, "beta", low=0.0, owner="local_response_norm")
    check_float(k, "k", low=0.0, low_open=True, owner="local_response_norm")


def channel_window(size):
    """Channels before and after channel ``c`` in its window of ``size`` (PyTorch's split).

    An odd size is centred; an even size has one channel more before ``c`` than after.

    Examples
    --------
    >>> from dlbook.functional import channel_window
    >>> channel_window(5), channel_window(4)
    ((2, 2), (2, 1))
    """
    return size // 2, (size - 1) // 2


def channel_window_sum(a, before, after):
    """Sum ``a`` over the channel window ``c - before ... c + after`` for every channel ``c``.

    Channels outside ``[0, C)`` count as zero.  A loop over the ``before + after + 1``
    offsets (not over samples or pixels) keeps the sum exact.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import channel_window_sum
    >>> a = np.arange(1.0, 6.0).reshape(1, 5, 1, 1)          # channels 1, 2, 3, 4, 5
    >>> channel_window_sum(a, 1, 1).ravel()                  # neighbours either side
    array([ 3.,  6.,  9., 12.,  9.])
    """
    channels = a.shape[1]
    out = np.zeros_like(a)
    for offset in range(-before, after + 1):
        lo, hi = max(0, -offset), min(channels, channels - offset)
        if lo < hi:
            out[:, lo:hi] += a[:, lo + offset:hi + offset]
    return out


def local_response_norm(x, size=5, alpha=1e-4, beta=0.75, k=2.0):
    r"""Local response normalisation across channels (Krizhevsky et al. 2012, §3.3).

    .. math::

        b_i = a_i \Big/ \Big(k + \alpha \sum_{j \in W(i)} a_j^2\Big)^{\beta}

    with :math:`W(i)` the window of ``size`` channels around channel :math:`i`
    (:func:`channel_window`); channels outside ``[0, C)`` are absent.

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, C, H, W)`` activations :math:`a`.
    size : int
        Channels ``n`` in the window, the channel itself included.
    alpha, beta, k : float
        Scale of the sum of squares, exponent and additive constant (the paper's
        defaults).

    Returns
    -------
    y : numpy.ndarray
        :math:`b`, the shape of ``x``.
    cache : tuple
        ``(x, s, s ** -beta)``, what :func:`local_response_norm_backward` needs.

    Examples
    --------
    One pixel, one channel: :math:`b = a / (k + \alpha a^2)^\beta = 2 / (1 + 4)`.

    >>> import numpy as np
    >>> from dlbook import functional as F
    >>> y, _ = F.local_response_norm(np.array([[[[2.0]]]]), size=1, alpha=1.0, beta=1.0, k=1.0)
    >>> y
    array([[[[0.4]]]])
    """
    _check_lrn(x, size, alpha, beta, k)
    before, after = channel_window(size)
    dt = x.dtype.type
    s = dt(k) + dt(alpha) * channel_window_sum(x * x, before, after)
    scale = s ** dt(-beta)
    return x * scale, (x, s, scale)


def local_response_norm_backward(dout, cache, size=5, alpha=1e-4, beta=0.75):
    r"""Gradient of :func:`local_response_norm` with respect to its input.

    With :math:`s_j = k + \alpha\sum_{i \in W(j)} a_i^2` and :math:`b_j = a_j s_j^{-\beta}`,

    .. math::

        \frac{\partial L}{\partial a_i} = g_i s_i^{-\beta}
        - 2\alpha\beta\, a_i \sum_{j:\, i \in W(j)} g_j\, a_j\, s_j^{-\beta-1},

    and :math:`i \in W(j)` exactly when :math:`j` lies in the *mirrored* window of
    :math:`i`, so the second sum is the same window sum with ``before`` and ``after``
    swapped.

    Parameters
    ----------
    dout : numpy.ndarray
        :math:`g = \partial L / \partial b`, the shape of the forward input.
    cache : tuple
        The second value returned by :func:`local_response_norm`.
    size, alpha, beta : int, float, float
        The arguments given to :func:`local_response_norm`.

    Returns
    -------
    numpy.ndarray
        :math:`\partial L / \partial a`.

    Examples
    --------
    One channel, :math:`b = a / (1 + a^2)`: the derivative at :math:`a = 2` is
    :math:`(1 - a^2) / (1 + a^2)^2 = -3/25`.

    >>> import numpy as np
    >>> from dlbook import functional as F
    >>> _, cache = F.local_response_norm(np.array([[[[2.0]]]]), 1, 1.0, 1.0, 1.0)
    >>> F.local_response_norm_backward(np.ones((1, 1, 1, 1)), cache, 1, 1.0, 1.0)
    array([[[[-0.12]]]])
    """
    x, s, scale = cache
    before, after = channel_window(size)
    dt = x.dtype.type
    weighted = dout * x * scale / s
    back = channel_window_sum(weighted, after, before)
    return dout * scale - dt(2.0 * alpha * beta) * x * back
