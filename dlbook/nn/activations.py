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
        # A product with the boolean mask is one cheap pass; np.where with a data-dependent
        # mask measured about 20x slower (branch mispredictions on random signs).
        dx = np.multiply(dout, y > 0, dtype=dout.dtype)
        dx += 0  # turns the -0.0 of negative gradients at dead units into 0.0
        return dx


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
        # max(x, a*x) equals the two-branch definition because 0 <= a < 1; like the
        # products below it avoids np.where, which is slow on a random sign pattern.
        slope = x.dtype.type(self.negative_slope)
        return np.maximum(x, slope * x), x > 0

    def _backward(self, dout, positive):
        slope = dout.dtype.type(self.negative_slope)
        dx = np.multiply(dout, positive, dtype=dout.dtype)
        dx += np.multiply(dout, ~positive, dtype=dout.dtype) * slope
        return dx


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
