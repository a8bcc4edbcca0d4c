"""Dropout (notes 1.3.2, eq. (28)): a random mask in training, the identity at evaluation."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_float
from dlbook._random import as_generator
from dlbook.nn.module import Module


class Dropout(Module):
    r"""Inverted dropout :math:`y_i = r_i x_i / (1 - p)`, :math:`r_i \sim \mathrm{Bernoulli}(1 - p)`.

    In training mode each unit is zeroed with probability ``p`` (the drop rate, the
    hyperparameter) and the survivors are multiplied by :math:`1/(1-p)`, so that
    :math:`\mathbb{E}[y_i] = x_i` and the evaluation mode can simply return ``x``.
    The mask :math:`r` (notes eq. (28)) is a fresh random draw for every forward pass;
    it is kept for ``backward``, which multiplies the incoming gradient by the same
    scaled mask.

    Parameters
    ----------
    p : float
        Probability of dropping a unit, in ``[0, 1)``.  ``p = 0`` is the identity.
    rng : int or numpy.random.Generator, optional
        Source of the masks, stored as ``self.rng``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Dropout
    >>> drop = Dropout(p=0.5, rng=0)
    >>> y = drop(np.ones((1, 8)))
    >>> sorted(set(y.ravel().tolist()))       # dropped, or kept and doubled
    [0.0, 2.0]
    >>> bool(np.all(drop.backward(np.ones((1, 8))) == y))   # same mask in backward
    True
    >>> drop.eval()(np.ones((1, 3)))           # identity at evaluation
    array([[1., 1., 1.]])
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        self.p = check_float(p, "p", low=0.0, high=1.0, high_open=True, owner="Dropout")
        self.rng = as_generator(rng)
        self._mask = None

    def extra_repr(self):
        return f"p={self.p:g}"

    def _check_input(self, x):
        check_array(x, "x", owner="Dropout")

    def forward(self, x):
        if not self.training or self.p == 0.0:
            self._mask = 1.0
            return x
        keep = self.rng.random(x.shape) >= self.p
        mask = keep.astype(x.dtype) * x.dtype.type(1.0 / (1.0 - self.p))
        self._mask = mask
        return x * mask

    def backward(self, dout):
        mask = self.cached(self._mask)
        self._mask = None
        return dout * mask


def child_generator(rng):
    """A generator of its own, seeded from ``rng``: one per dropout layer of a model.

    A model draws its weights from one ``rng``; giving each dropout layer a stream of
    its own keeps the masks of one layer from shifting when another layer changes.

    Parameters
    ----------
    rng : numpy.random.Generator
        The model's generator; one number is drawn from it.

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import child_generator
    >>> a = child_generator(np.random.default_rng(0))
    >>> b = child_generator(np.random.default_rng(0))
    >>> bool(a.integers(1000) == b.integers(1000))    # same parent seed, same stream
    True
    """
    return np.random.default_rng(rng.integers(2**63))
