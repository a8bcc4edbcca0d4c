"""Pooling layers (notes §2.4) and the global pools that end a CNN (notes §2.5).

``MaxPool2d`` and ``AvgPool2d`` compute :func:`dlbook.functional.max_pool2d` and
:func:`dlbook.functional.avg_pool2d` (and their backward passes) with the engine's
kernels, ``dlbook/_engine/pooling.py``; the tests prove both give the same numbers.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array
from dlbook._engine import pooling as engine
from dlbook.functional.conv import ROUNDINGS
from dlbook.functional.pooling import pool_geometry
from dlbook.nn.module import Module


class _Pool2d(Module):
    """Shared arguments and validation of ``MaxPool2d`` and ``AvgPool2d``."""

    def __init__(self, kernel_size, stride=None, padding=0, rounding="exact"):
        super().__init__()
        owner = type(self).__name__
        # Validate now (on a dummy input big enough) so a bad layer fails at construction.
        kernel, stride, padding, _, _ = pool_geometry(
            (1, 1, 10**6, 10**6), kernel_size, stride, padding, "floor", owner)
        if rounding not in ROUNDINGS:
            raise ValueError(f"{owner}: argument 'rounding' must be one of {ROUNDINGS}, "
                             f"got {rounding!r}")
        self.kernel_size, self.stride, self.padding = kernel, stride, padding
        self.rounding = rounding
        self._cache = None

    def extra_repr(self):
        text = f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"
        return text + ("" if self.rounding == "exact" else f", rounding={self.rounding!r}")

    def _geometry(self, x):
        owner = type(self).__name__
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner=owner)
        return pool_geometry(x.shape, self.kernel_size, self.stride, self.padding,
                               self.rounding, owner)


class MaxPool2d(_Pool2d):
    """Maximum over each ``kernel_size`` window (notes §2.4, Max プーリング).

    ``stride`` defaults to ``kernel_size`` (non-overlapping windows).  Padding is
    ``-inf`` so it never wins.  Backward sends each gradient to the one input that won
    its window (the first, in row-major order, on ties).  ``rounding="ceil"`` matches
    PyTorch's ``ceil_mode=True``.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window height and width (>= 1).
    stride : int or (int, int), optional
        Step between windows; defaults to ``kernel_size``.
    padding : int or (int, int)
        Added on each side; at most half the window.
    rounding : {"exact", "floor", "ceil"}
        What to do when eq. (30) gives a fractional output size: refuse (default),
        drop the partial last window, or keep it (PyTorch's ``ceil_mode=True``).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import MaxPool2d
    >>> pool = MaxPool2d(2)
    >>> x = np.array([[[[1., 2., 5., 0.],
    ...                 [3., 4., 1., 1.]]]])
    >>> pool(x)
    array([[[[4., 5.]]]])
    >>> pool.backward(np.array([[[[1., 2.]]]]))
    array([[[[0., 0., 2., 0.],
             [0., 1., 0., 0.]]]])
    """

    def forward(self, x):
        geometry = self._geometry(x)
        out, argmax = engine.max_pool2d(x, *geometry)
        self._cache = (x.shape, argmax, geometry)
        return out

    def backward(self, dout):
        x_shape, argmax, geometry = self.cached(self._cache)
        self._cache = None
        return engine.max_pool2d_backward(dout, argmax, x_shape, *geometry)


class AvgPool2d(_Pool2d):
    """Mean over each ``kernel_size`` window (notes §2.4, Average プーリング).

    Padded zeros are counted in the mean, as PyTorch's default
    ``count_include_pad=True`` does: a 3x3 window on a corner with ``padding=1`` divides
    4 real pixels by 9.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Window height and width (>= 1).
    stride : int or (int, int), optional
        Step between windows; defaults to ``kernel_size``.
    padding : int or (int, int)
        Added on each side; at most half the window.
    rounding : {"exact", "floor", "ceil"}
        What to do when eq. (30) gives a fractional output size: refuse (default),
        drop the partial last window, or keep it (PyTorch's ``ceil_mode=True``).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import AvgPool2d
    >>> pool = AvgPool2d(2)
    >>> pool(np.array([[[[1., 3., 5., 7.],
    ...                  [1., 3., 5., 7.]]]]))
    array([[[[2., 6.]]]])
    >>> pool.backward(np.array([[[[4., 8.]]]]))
    array([[[[1., 1., 2., 2.],
             [1., 1., 2., 2.]]]])
    """

    def forward(self, x):
        geometry = self._geometry(x)
        self._cache = (x.shape, geometry)
        return engine.avg_pool2d(x, *geometry)

    def backward(self, dout):
        x_shape, geometry = self.cached(self._cache)
        self._cache = None
        return engine.avg_pool2d_backward(dout, x_shape, *geometry)


class GlobalAvgPool2d(Module):
    """Mean of each channel over all positions: ``(N, C, H, W) -> (N, C)``.

    The output is 2-D (not ``(N, C, 1, 1)``) so a :class:`~dlbook.nn.Linear` can follow
    directly, as in GoogLeNet.  It keeps one number per channel and throws away *where*
    the feature was.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import GlobalAvgPool2d
    >>> gap = GlobalAvgPool2d()
    >>> gap(np.array([[[[1., 3.], [5., 7.]], [[0., 0.], [0., 8.]]]]))
    array([[4., 2.]])
    >>> gap.backward(np.array([[4., 8.]]))
    array([[[[1., 1.],
             [1., 1.]],
    <BLANKLINE>
            [[2., 2.],
             [2., 2.]]]])
    """

    input_ndim = 4
    input_layout = "(N, C, H, W)"

    def __init__(self):
        super().__init__()
        self._shape = None

    def forward(self, x):
        self._shape = x.shape
        return x.mean(axis=(2, 3), dtype=x.dtype)

    def backward(self, dout):
        n, c, h, w = self.cached(self._shape)
        self._shape = None
        share = dout / np.asarray(h * w, dtype=dout.dtype)
        return np.broadcast_to(share[:, :, None, None], (n, c, h, w)).copy()


class GlobalMaxPool2d(Module):
    """Maximum of each channel over all positions: ``(N, C, H, W) -> (N, C)``.

    Keeps the strongest response of each feature map; backward sends the gradient to
    that single position (the first one on ties).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import GlobalMaxPool2d
    >>> gmp = GlobalMaxPool2d()
    >>> gmp(np.array([[[[1., 3.], [5., 7.]]]]))
    array([[7.]])
    >>> gmp.backward(np.array([[2.]]))
    array([[[[0., 0.],
             [0., 2.]]]])
    """

    input_ndim = 4
    input_layout = "(N, C, H, W)"

    def __init__(self):
        super().__init__()
        self._cache = None

    def forward(self, x):
        n, c, h, w = x.shape
        flat = x.reshape(n, c, h * w)
        argmax = flat.argmax(axis=-1)
        self._cache = (x.shape, argmax)
        return np.take_along_axis(flat, argmax[..., None], -1)[..., 0]

    def backward(self, dout):
        shape, argmax = self.cached(self._cache)
        self._cache = None
        n, c, h, w = shape
        dx = np.zeros((n, c, h * w), dtype=dout.dtype)
        np.put_along_axis(dx, argmax[..., None], dout[..., None], -1)
        return dx.reshape(shape)
