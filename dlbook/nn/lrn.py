"""Local response normalisation (Krizhevsky et al. 2012, §3.3), used by AlexNet and GoogLeNet."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_float, check_int
from dlbook.nn.module import Module


def channel_window_sum(a, before, after):
    """Sum ``a`` over the channel window ``c - before ... c + after`` for every channel ``c``.

    Channels outside ``[0, C)`` count as zero.  A loop over the ``before + after + 1``
    offsets (not over samples or pixels) keeps the sum exact.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn.lrn import channel_window_sum
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


class LocalResponseNorm(Module):
    r"""Local response normalisation across channels, in the convention of the AlexNet paper.

    .. math::

        b^{i}_{x,y} = a^{i}_{x,y} \Big/ \Big(k + \alpha
            \sum_{j=i-\lfloor n/2\rfloor}^{i+\lceil n/2\rceil-1} \big(a^{j}_{x,y}\big)^2\Big)^{\beta}

    with ``n = size`` neighbouring channels (channels outside ``[0, C)`` are absent).
    For odd ``n`` the window is the paper's :math:`\max(0, i-n/2) \ldots \min(N-1, i+n/2)`.

    **Convention.**  ``alpha`` multiplies the *sum* of squares, as in Krizhevsky et
    al. (2012) §3.3, so the defaults ``size=5, alpha=1e-4, beta=0.75, k=2`` are the
    paper's.  PyTorch's ``torch.nn.LocalResponseNorm`` (and Caffe) multiply the
    *mean* instead, :math:`\alpha/n \cdot \sum`: ``LocalResponseNorm(n, alpha=a)``
    here equals PyTorch's ``LocalResponseNorm(n, alpha=a * n)``.

    Parameters
    ----------
    size : int
        Number of neighbouring channels ``n`` in the window (the channel itself included).
    alpha, beta, k : float
        Scale of the sum of squares, exponent, and additive constant (``k > 0``).

    Examples
    --------
    One pixel, one channel: :math:`b = a / (k + \alpha a^2)^\beta`.

    >>> import numpy as np
    >>> from dlbook.nn import LocalResponseNorm
    >>> lrn = LocalResponseNorm(size=1, alpha=1.0, beta=1.0, k=1.0)
    >>> lrn(np.array([[[[2.0]]]]))            # 2 / (1 + 4)
    array([[[[0.4]]]])

    Five channels of value 1 with the paper's constants: the middle channel sees all
    five squares, the edge channels only three.

    >>> lrn = LocalResponseNorm()
    >>> y = lrn(np.ones((1, 5, 1, 1)))
    >>> round(float(y[0, 2, 0, 0]), 6) == round((2 + 1e-4 * 5) ** -0.75, 6)
    True
    >>> round(float(y[0, 0, 0, 0]), 6) == round((2 + 1e-4 * 3) ** -0.75, 6)
    True
    """

    def __init__(self, size=5, alpha=1e-4, beta=0.75, k=2.0):
        super().__init__()
        owner = "LocalResponseNorm"
        self.size = check_int(size, "size", minimum=1, owner=owner)
        self.alpha = check_float(alpha, "alpha", low=0.0, owner=owner)
        self.beta = check_float(beta, "beta", low=0.0, owner=owner)
        self.k = check_float(k, "k", low=0.0, low_open=True, owner=owner)
        self._cache = None

    def extra_repr(self):
        return f"size={self.size}, alpha={self.alpha:g}, beta={self.beta:g}, k={self.k:g}"

    @property
    def _window(self):
        """Channels before and after ``c`` in its window (PyTorch's split for even sizes)."""
        return self.size // 2, (self.size - 1) // 2

    def forward(self, x):
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="LocalResponseNorm")
        before, after = self._window
        dt = x.dtype.type
        s = dt(self.k) + dt(self.alpha) * channel_window_sum(x * x, before, after)
        scale = s ** dt(-self.beta)
        self._cache = (x, s, scale)
        return x * scale

    def backward(self, dout):
        r"""Gradient of the normalisation.

        With :math:`s_j = k + \alpha\sum_{i \in W(j)} a_i^2` and :math:`b_j = a_j s_j^{-\beta}`,

        .. math::

            \frac{\partial L}{\partial a_i} = g_i s_i^{-\beta}
            - 2\alpha\beta\, a_i \sum_{j:\, i \in W(j)} g_j\, a_j\, s_j^{-\beta-1},

        and :math:`i \in W(j)` exactly when :math:`j` lies in the *mirrored* window of
        :math:`i`, so the second sum is the same window sum with ``before`` and
        ``after`` swapped.
        """
        x, s, scale = self._require_cache(self._cache)
        self._cache = None
        before, after = self._window
        dt = x.dtype.type
        weighted = dout * x * scale / s
        back = channel_window_sum(weighted, after, before)
        return dout * scale - dt(2.0 * self.alpha * self.beta) * x * back
