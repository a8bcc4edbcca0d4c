"""Convolution layer (notes eq. (29)): :func:`dlbook.functional.conv2d`, run by the engine."""

from __future__ import annotations

import numpy as np

from dlbook._checks import (check_array, check_channels, check_dtype, check_int, check_pair,
                            check_same_dtype)
from dlbook._engine import conv as engine
from dlbook._random import as_generator
from dlbook.functional.conv import CONV_ROUNDINGS, output_hw
from dlbook.init import get_initializer, zeros
from dlbook.nn.module import Module, Parameter


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, notes eq. (29)) over NCHW input.

    .. math:: u_{ijk} = \sum_{c}\sum_{p}\sum_{q} z_{i+p,\,j+q,\,c}\, h_{pqck} + b_k

    ``W`` has PyTorch's layout ``(out_channels, in_channels, kh, kw)``, i.e.
    ``W[k, c, p, q]`` is the notes' :math:`h_{pqck}` (``p`` down the rows, ``q`` along
    them; the notes index width first).  The layer computes
    :func:`~dlbook.functional.conv2d` and :func:`~dlbook.functional.conv2d_backward` with
    the engine's faster kernels (``dlbook/_engine/conv.py``, explained on the
    Performance page); the tests prove both give the same numbers.  Arguments after
    ``padding`` are keyword-only.

    Parameters
    ----------
    in_channels, out_channels : int
        Channels of the input and number of filters (output channels).
    kernel_size : int or (int, int)
        Filter height and width.
    stride : int or (int, int)
        Step between neighbouring windows.
    padding : int or (int, int)
        Zeros added on each side of the input.
    bias : bool
        Whether to learn ``b`` (shape ``(out_channels,)``).
    weight_init : str or callable
        Initialiser from :mod:`dlbook.init` (default He normal, fan-in ``C*kh*kw``).
    rng : int or numpy.random.Generator, optional
        Source of the initial weights.
    dtype : numpy dtype
        ``float32`` by default; ``float64`` for gradient checks.
    rounding : {"exact", "floor"}
        ``"exact"`` (default) refuses a stride/padding that leaves a fractional output
        size (notes eq. (30)); ``"floor"`` drops the incomplete last window like PyTorch.
    needs_input_grad : bool
        ``False`` for a layer whose input gradient nobody uses, typically the first
        layer of a model, whose input is the data: ``backward`` then fills the
        parameters' gradients only and returns ``None``, skipping the column gradient
        and col2im (about a third of the backward pass).  PyTorch skips the same work
        for an input that does not require a gradient.  It is an attribute too, and can
        be switched at any time.

    Examples
    --------
    A 2x2 filter that subtracts the lower-right neighbour, on a 3x3 image:

    >>> import numpy as np
    >>> from dlbook.nn import Conv2d
    >>> conv = Conv2d(1, 1, 2, dtype=np.float64)
    >>> conv.W.data[...] = [[[[1.0, 0.0], [0.0, -1.0]]]]
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> conv(x)
    array([[[[-4., -4.],
             [-4., -4.]]]])
    >>> conv.backward(np.ones((1, 1, 2, 2)))[0, 0]
    array([[ 1.,  1.,  0.],
           [ 1.,  0., -1.],
           [ 0., -1., -1.]])
    >>> Conv2d(3, 8, 3, padding=1)(np.zeros((2, 3, 32, 32), np.float32)).shape
    (2, 8, 32, 32)

    A first layer skips its input gradient; the weight gradient is the same:

    >>> first = Conv2d(1, 1, 2, dtype=np.float64, needs_input_grad=False)
    >>> first.W.data[...] = conv.W.data
    >>> _ = first(x)
    >>> first.backward(np.ones((1, 1, 2, 2))) is None
    True
    >>> bool(np.array_equal(first.W.grad, conv.W.grad))
    True
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, *, bias=True,
                 weight_init="he_normal", rng=None, dtype=np.float32, rounding="exact",
                 needs_input_grad=True):
        super().__init__()
        owner = "Conv2d"
        self.in_channels = check_int(in_channels, "in_channels", minimum=1, owner=owner)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1, owner=owner)
        self.kernel_size = check_pair(kernel_size, "kernel_size", minimum=1, owner=owner)
        self.stride = check_pair(stride, "stride", minimum=1, owner=owner)
        self.padding = check_pair(padding, "padding", minimum=0, owner=owner)
        if rounding not in CONV_ROUNDINGS:
            raise ValueError(
                f"Conv2d: argument 'rounding' must be 'exact' or 'floor', got {rounding!r}"
            )
        self.rounding = rounding
        self.needs_input_grad = bool(needs_input_grad)
        dtype = check_dtype(dtype, owner=owner)
        init = get_initializer(weight_init)
        shape = (self.out_channels, self.in_channels) + self.kernel_size
        self.W = Parameter(init(shape, rng=as_generator(rng), dtype=dtype))
        self.b = Parameter(zeros((self.out_channels,), dtype=dtype)) if bias else None
        self._cache = None
        self._workspace = engine.Workspace()

    def extra_repr(self):
        kh, kw = self.kernel_size
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size=({kh}, {kw}), "
                f"stride={self.stride}, padding={self.padding}")
        text += "" if self.b is not None else ", bias=False"
        return text + ("" if self.needs_input_grad else ", needs_input_grad=False")

    def output_shape(self, x_shape):
        """``(N, out_channels, OH, OW)`` for an input of shape ``x_shape`` (eq. (30))."""
        oh, ow = output_hw(x_shape, self.kernel_size, self.stride, self.padding,
                           self.rounding, owner="Conv2d")
        return (x_shape[0], self.out_channels, oh, ow)

    def _check_input(self, x):
        """What :func:`~dlbook.functional.conv2d` would check, against this layer's weights."""
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="Conv2d")
        check_channels(x, self.in_channels, owner="Conv2d",
                       wanted=f"the layer expects in_channels={self.in_channels}")
        check_same_dtype(x, self.W.data.dtype, owner="Conv2d")

    def forward(self, x):
        _, _, oh, ow = self.output_shape(x.shape)
        b = None if self.b is None else self.b.data
        u, self._cache = engine.conv2d_forward(
            x, self.W.data, b, self.stride, self.padding, (oh, ow),
            self._workspace, self.training)
        return u

    def backward(self, dout):
        cache = self.cached(self._cache)
        x_shape, _, (oh, ow) = cache
        want = (x_shape[0], self.out_channels, oh, ow)
        if dout.shape != want:
            raise ValueError(f"Conv2d.backward: argument 'dout' has shape {dout.shape}, "
                             f"expected {want}")
        self._cache = None
        dx, dW, db = engine.conv2d_backward(dout, cache, self.W.data, self.stride, self.padding,
                                            self._workspace, self.training,
                                            self.needs_input_grad)
        self.W.accumulate(dW)
        if self.b is not None:
            self.b.accumulate(db)
        return dx
