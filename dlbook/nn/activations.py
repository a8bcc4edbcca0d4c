"""Activation layers.  Each caches what its backward pass needs, and nothing more."""

from __future__ import annotations

import numpy as np

from dlbook import functional as F
from dlbook._checks import check_array, check_float
from dlbook.nn.module import Module


class _Activation(Module):
    """Shared plumbing: validate input, cache, and free the cache in backward."""

    def __init__(self):
        super().__init__()
        self._cache = None

    def forward(self, x):
        check_array(x, "x", owner=type(self).__name__)
        y, self._cache = self._forward(x)
        return y

    def backward(self, dout):
        cache = self._require_cache(self._cache)
        self._cache = None
        return self._backward(dout, cache)


class Sigmoid(_Activation):
    """Sigmoid layer; backward uses :math:`\\sigma'(x) = y(1 - y)` from the cached output.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Sigmoid
    >>> layer = Sigmoid()
    >>> layer(np.array([0.0]))
    array([0.5])
    >>> layer.backward(np.array([1.0]))
    array([0.25])
    """

    def _forward(self, x):
        y = F.sigmoid(x)
        return y, y

    def _backward(self, dout, y):
        return dout * y * (1.0 - y)


class Tanh(_Activation):
    """Tanh layer; backward uses :math:`1 - y^2`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Tanh
    >>> layer = Tanh()
    >>> layer(np.array([0.0])), layer.backward(np.array([2.0]))
    (array([0.]), array([2.]))
    """

    def _forward(self, x):
        y = np.tanh(x)
        return y, y

    def _backward(self, dout, y):
        return dout * (1.0 - y * y)


class ReLU(_Activation):
    """ReLU layer; the gradient passes where the input was positive.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import ReLU
    >>> layer = ReLU()
    >>> layer(np.array([-1.0, 2.0])), layer.backward(np.array([5.0, 5.0]))
    (array([0., 2.]), array([0., 5.]))
    """

    def _forward(self, x):
        y = np.maximum(x, 0)
        return y, y

    def _backward(self, dout, y):
        return np.where(y > 0, dout, 0).astype(dout.dtype, copy=False)


class LeakyReLU(_Activation):
    """Leaky ReLU (notes eq. (5)) with slope ``negative_slope`` for ``x <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import LeakyReLU
    >>> layer = LeakyReLU(negative_slope=0.1)
    >>> layer(np.array([-1.0, 2.0])), layer.backward(np.array([1.0, 1.0]))
    (array([-0.1,  2. ]), array([0.1, 1. ]))
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = check_float(negative_slope, "negative_slope", low=0.0,
                                          high=1.0, high_open=True, owner="LeakyReLU")

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"

    def _forward(self, x):
        positive = x > 0
        return np.where(positive, x, self.negative_slope * x).astype(x.dtype, copy=False), positive

    def _backward(self, dout, positive):
        return np.where(positive, dout, self.negative_slope * dout).astype(dout.dtype, copy=False)


class Swish(_Activation):
    """Swish (notes eqs. (6)–(7)): :math:`x\\,\\sigma(\\beta x)` with the derivative of eq. (7).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Swish
    >>> layer = Swish(beta=1.0)
    >>> layer(np.array([0.0])), layer.backward(np.array([1.0]))
    (array([0.]), array([0.5]))
    """

    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = check_float(beta, "beta", owner="Swish")

    def extra_repr(self):
        return f"beta={self.beta}"

    def _forward(self, x):
        s = F.sigmoid(self.beta * x)
        y = x * s
        return y, (y, s)

    def _backward(self, dout, cache):
        y, s = cache
        by = self.beta * y
        return dout * (by + s * (1.0 - by))
