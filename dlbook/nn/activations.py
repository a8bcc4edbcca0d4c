"""Activation layers: each calls its function and derivative from :mod:`dlbook.functional`.

Forward keeps the input ``x``; backward is the chain rule ``dout * f'(x)``, so each
activation has one implementation, in :mod:`dlbook.functional.activations`.
"""

from __future__ import annotations

from dlbook import functional as F
from dlbook._checks import check_array, check_float
from dlbook.nn.module import Module


class _Activation(Module):
    """Shared plumbing: the input check (run by ``__call__``) and the cache of ``x``."""

    def __init__(self):
        super().__init__()
        self._x = None

    def _check_input(self, x):
        check_array(x, "x", owner=type(self).__name__)


class Sigmoid(_Activation):
    """Sigmoid layer; backward multiplies by :math:`\\sigma'(x) = \\sigma(x)(1 - \\sigma(x))`.

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

    def forward(self, x):
        self._x = x
        return F.sigmoid(x)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        return dout * F.sigmoid_derivative(x)


class Tanh(_Activation):
    """Tanh layer; backward multiplies by :math:`1 - \\tanh^2 x`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Tanh
    >>> layer = Tanh()
    >>> layer(np.array([0.0])), layer.backward(np.array([2.0]))
    (array([0.]), array([2.]))
    """

    def forward(self, x):
        self._x = x
        return F.tanh(x)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        return dout * F.tanh_derivative(x)


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

    def forward(self, x):
        self._x = x
        return F.relu(x)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        dx = dout * F.relu_derivative(x)
        dx += 0.0  # turns -0.0 (a negative gradient times 0) into 0.0
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

    def forward(self, x):
        self._x = x
        return F.leaky_relu(x, self.negative_slope)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        return dout * F.leaky_relu_derivative(x, self.negative_slope)


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

    def forward(self, x):
        self._x = x
        return F.swish(x, self.beta)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        return dout * F.swish_derivative(x, self.beta)
