"""Local response normalisation (Krizhevsky et al. 2012, §3.3), used by AlexNet and GoogLeNet."""

from __future__ import annotations

from dlbook import functional as F
from dlbook._checks import check_float, check_int
from dlbook.nn.module import Module


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

    input_ndim = 4
    input_layout = "(N, C, H, W)"

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

    def forward(self, x):
        y, self._cache = F.local_response_norm(x, self.size, self.alpha, self.beta, self.k)
        return y

    def backward(self, dout):
        """Gradient of the normalisation: :func:`dlbook.functional.local_response_norm_backward`."""
        cache = self.cached(self._cache)
        self._cache = None
        return F.local_response_norm_backward(dout, cache, self.size, self.alpha, self.beta)
