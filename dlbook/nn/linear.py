"""Fully connected layer (notes eq. (31)) and ``Flatten``."""

from __future__ import annotations

import numpy as np

from dlbook import functional as F
from dlbook._checks import check_array, check_dtype, check_int, check_same_dtype
from dlbook._random import as_generator
from dlbook.init import get_initializer, zeros
from dlbook.nn.module import Module, Parameter


class Linear(Module):
    r"""Affine map :math:`\mathbf{y} = \mathbf{W}\mathbf{x} + \mathbf{b}` (notes eq. (31)).

    ``W`` has PyTorch's layout ``(out_features, in_features)``; for a batch ``X`` of
    shape ``(N, in_features)`` the layer computes ``X @ W.T + b``.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool
        Whether to learn ``b``.
    weight_init : str or callable
        An initialiser from :mod:`dlbook.init` (default He normal).
    rng : int or numpy.random.Generator, optional
        Source of the initial weights.
    dtype : numpy dtype
        ``float32`` by default; use ``float64`` for gradient checks.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Linear
    >>> fc = Linear(3, 2, rng=0, dtype=np.float64)
    >>> fc.W.data = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    >>> fc.b.data = np.array([0.5, -0.5])
    >>> fc(np.array([[1.0, 2.0, 3.0]]))
    array([[-1.5,  3.5]])
    >>> fc.backward(np.array([[1.0, 1.0]]))
    array([[ 3.,  1., -1.]])
    >>> fc.W.grad
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """

    def __init__(self, in_features, out_features, *, bias=True, weight_init="he_normal",
                 rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1, owner="Linear")
        self.out_features = check_int(out_features, "out_features", minimum=1, owner="Linear")
        dtype = check_dtype(dtype, owner="Linear")
        init = get_initializer(weight_init)
        self.W = Parameter(init((self.out_features, self.in_features), rng=as_generator(rng),
                                dtype=dtype))
        self.b = Parameter(zeros((self.out_features,), dtype=dtype)) if bias else None
        self._x = None

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}"

    def _check_input(self, x):
        check_array(x, "x", ndim=2, layout="(N, in_features)", owner="Linear")
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"Linear: argument 'x' has {x.shape[1]} features per sample (shape {x.shape}) "
                f"but the layer expects in_features={self.in_features}"
            )
        check_same_dtype(x, self.W.data.dtype, owner="Linear")

    def forward(self, x):
        self._x = x
        b = self.b.data if self.b is not None else None
        return F.linear(x, self.W.data, b)

    def backward(self, dout):
        x = self.cached(self._x)
        self._x = None
        dx, dW, db = F.linear_backward(dout, x, self.W.data)
        self.W.accumulate(dW)
        if self.b is not None:
            self.b.accumulate(db)
        return dx


class Flatten(Module):
    """Reshape ``(N, C, H, W)`` (or any ``(N, ...)``) to ``(N, C*H*W)``, keeping every value.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Flatten
    >>> f = Flatten()
    >>> f(np.zeros((2, 16, 5, 5))).shape
    (2, 400)
    >>> f.backward(np.zeros((2, 400))).shape
    (2, 16, 5, 5)
    """

    input_ndim = (2, 3, 4, 5)
    input_layout = "(N, ...)"
    input_finite = False          # reshaping does not care about NaN

    def __init__(self):
        super().__init__()
        self._shape = None

    def forward(self, x):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout):
        shape = self.cached(self._shape)
        self._shape = None
        return dout.reshape(shape)
