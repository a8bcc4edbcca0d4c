"""Activation functions and their derivatives (notes eqs. (1), (5)–(7)).

Each derivative takes the same input ``x`` as the function, so that a page can
plot ``f`` and ``f'`` from one array.  The layers of :mod:`dlbook.nn.activations`
call these functions: forward is ``f(x)``, backward is ``dout * f'(x)``.
Each function takes an array of any real dtype: integers give float64, and a
``float32`` input stays ``float32`` (NumPy's rules for Python scalars such as ``0.0``).
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_float_array


def sigmoid(x):
    r"""Logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`, stable for any ``x``.

    ``exp`` is only ever taken of ``-|x|``, so it never overflows.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import sigmoid
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    """
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x):
    r"""Derivative of the sigmoid, :math:`\sigma'(x) = \sigma(x)(1 - \sigma(x))` (notes eq. (1)).

    It is largest at ``x = 0``, where it equals 1/4: the bound behind vanishing gradients.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import sigmoid_derivative
    >>> sigmoid_derivative(np.array([0.0, 1000.0]))
    array([0.25, 0.  ])
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x):
    r"""Hyperbolic tangent, :math:`\tanh x = 2\sigma(2x) - 1`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import tanh
    >>> tanh(np.array([0.0, 1000.0]))
    array([0., 1.])
    """
    return np.tanh(x)


def tanh_derivative(x):
    r"""Derivative of tanh, :math:`1 - \tanh^2 x`; its maximum is 1, at ``x = 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import tanh_derivative
    >>> tanh_derivative(np.array([0.0]))
    array([1.])
    """
    t = tanh(x)
    return 1.0 - t * t


def relu(x):
    r"""Rectified linear unit, :math:`\max(0, x)`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import relu
    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(x, 0.0)


def relu_derivative(x):
    """Derivative of ReLU: 1 where ``x > 0`` and 0 elsewhere (0 is chosen at ``x = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import relu_derivative
    >>> relu_derivative(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 1.])
    """
    x = check_float_array(x, owner="relu_derivative")
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope=0.01):
    r"""Leaky ReLU (notes eq. (5)): ``x`` for ``x > 0`` and ``a x`` for ``x <= 0``.

    Written as the positive part plus ``a`` times the negative part,
    :math:`\max(x, 0) + a \min(x, 0)`, which is eq. (5) for every slope ``a``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import leaky_relu
    >>> leaky_relu(np.array([-2.0, 3.0]), negative_slope=0.1)
    array([-0.2,  3. ])
    """
    return np.maximum(x, 0.0) + negative_slope * np.minimum(x, 0.0)


def leaky_relu_derivative(x, negative_slope=0.01):
    """Derivative of Leaky ReLU: 1 for ``x > 0`` and the constant ``a`` for ``x <= 0``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import leaky_relu_derivative
    >>> leaky_relu_derivative(np.array([-5.0, -2.0, 3.0]), negative_slope=0.1)
    array([0.1, 0.1, 1. ])
    """
    positive = relu_derivative(x)           # 1 where x > 0, else 0
    return positive + negative_slope * (1 - positive)


def swish(x, beta=1.0):
    r"""Swish (notes eq. (6)): :math:`f(x) = x\,\sigma(\beta x)`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import swish
    >>> swish(np.array([-1000.0, 0.0, 1000.0]))
    array([  -0.,    0., 1000.])
    """
    return x * sigmoid(beta * x)


def swish_derivative(x, beta=1.0):
    r"""Derivative of Swish (notes eq. (7)): :math:`\beta f(x) + \sigma(\beta x)(1 - \beta f(x))`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import swish_derivative
    >>> swish_derivative(np.array([0.0]))  # sigma(0) = 1/2
    array([0.5])
    """
    s = sigmoid(beta * x)
    f = x * s
    return beta * f + s * (1.0 - beta * f)
