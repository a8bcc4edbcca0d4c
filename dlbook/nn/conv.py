"""Convolution layer (notes eq. (29)) computed as one matrix product over im2col columns."""

from __future__ import annotations

import math

import numpy as np

from dlbook._checks import (check_array, check_channels, check_dtype, check_int, check_pair,
                            check_same_dtype)
from dlbook._random import as_generator
from dlbook.functional.conv import ROUNDINGS, _col2im, _im2col, _output_shape
from dlbook.init import get_initializer, zeros
from dlbook.nn.module import Module, Parameter

# Scratch arrays this large are kept between training steps (see Conv2d._workspace).
# 8 MiB keeps AlexNet conv1's (9 and 35 MB) and leaves LeNet's (5 MB at most) to the
# allocator; of 0, 8 and 32 MiB it measured best for both networks.
_KEEP_BYTES = 8 << 20


class Conv2d(Module):
    r"""2-D convolution (cross-correlation, notes eq. (29)) over NCHW input.

    .. math:: u_{ijk} = \sum_{c}\sum_{p}\sum_{q} z_{i+p,\,j+q,\,c}\, h_{pqck} + b_k

    ``W`` has PyTorch's layout ``(out_channels, in_channels, kh, kw)``, i.e.
    ``W[k, c, p, q]`` is the notes' :math:`h_{pqck}`.  The forward pass is
    ``W.reshape(out, -1) @ im2col(x)``; the backward pass is two more matrix products
    and a :func:`~dlbook.functional.col2im`.

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
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 weight_init="he_normal", rng=None, dtype=np.float32, rounding="exact"):
        super().__init__()
        owner = "Conv2d"
        self.in_channels = check_int(in_channels, "in_channels", minimum=1, owner=owner)
        self.out_channels = check_int(out_channels, "out_channels", minimum=1, owner=owner)
        self.kernel_size = check_pair(kernel_size, "kernel_size", minimum=1, owner=owner)
        self.stride = check_pair(stride, "stride", minimum=1, owner=owner)
        self.padding = check_pair(padding, "padding", minimum=0, owner=owner)
        if rounding not in ROUNDINGS[:2]:
            raise ValueError(
                f"Conv2d: argument 'rounding' must be 'exact' or 'floor', got {rounding!r}"
            )
        self.rounding = rounding
        dtype = check_dtype(dtype, owner=owner)
        init = get_initializer(weight_init)
        shape = (self.out_channels, self.in_channels) + self.kernel_size
        self.W = Parameter(init(shape, rng=as_generator(rng), dtype=dtype))
        self.b = Parameter(zeros((self.out_channels,), dtype=dtype)) if bias else None
        self._cache = None
        self._scratch = {}

    def extra_repr(self):
        kh, kw = self.kernel_size
        text = (f"{self.in_channels}, {self.out_channels}, kernel_size=({kh}, {kw}), "
                f"stride={self.stride}, padding={self.padding}")
        return text + ("" if self.b is not None else ", bias=False")

    def output_shape(self, x_shape):
        """``(N, out_channels, OH, OW)`` for an input of shape ``x_shape`` (eq. (30))."""
        oh, ow = _output_shape(x_shape, *self.kernel_size, self.stride, self.padding,
                               self.rounding, "Conv2d")
        return (x_shape[0], self.out_channels, oh, ow)

    def _pointwise(self):
        return self.kernel_size == (1, 1) and self.stride == (1, 1) and self.padding == (0, 0)

    def forward(self, x):
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="Conv2d")
        check_channels(x, self.in_channels, owner="Conv2d",
                       wanted=f"the layer expects in_channels={self.in_channels}")
        check_same_dtype(x, self.W.data.dtype, owner="Conv2d")
        n, _, oh, ow = self.output_shape(x.shape)
        kh, kw = self.kernel_size
        w2 = self.W.data.reshape(self.out_channels, -1)
        if self._pointwise():
            # A 1x1 convolution needs no im2col: each sample (C, H*W) already is
            # its column matrix, and a batched matmul yields NCHW directly.
            x3 = x.reshape(n, self.in_channels, oh * ow)
            out = np.matmul(w2, x3)                            # (N, C_out, OH*OW)
            if self.b is not None:
                out += self.b.data[:, None]
            self._cache = (x.shape, x3, oh, ow)
            return out.reshape(n, self.out_channels, oh, ow)
        # Columns ordered (i, j, n), batch innermost: see _im2col.
        m = n * oh * ow
        cols = _im2col(x, kh, kw, self.stride, self.padding, oh, ow, batch_last=True,
                       out=self._workspace("cols", (w2.shape[1] * m,), x.dtype))
        out = self._workspace("out", (self.out_channels, m), x.dtype)
        np.matmul(w2, cols, out=out)                           # (C_out, OH*OW*N)
        if self.b is not None:
            out += self.b.data[:, None]
        self._cache = (x.shape, cols, oh, ow)
        return out.reshape(self.out_channels, oh, ow, n).transpose(3, 0, 1, 2).copy()

    def _workspace(self, role, shape, dtype):
        """An array of ``shape`` for ``role`` ("cols" or "out"), kept between steps if large.

        A fresh array of many megabytes comes as new pages from the kernel, so filling
        it costs a page fault per page and freeing it a page-table teardown: about
        2 ms per step for AlexNet conv1's 35 MB of columns.  In training mode the layer
        therefore keeps arrays of ``_KEEP_BYTES`` or more.  Smaller ones are left to the
        allocator, which hands back recently freed memory that is still in cache:
        keeping every array made LeNet train about a quarter slower.
        """
        size = math.prod(shape)
        if not self.training or size * np.dtype(dtype).itemsize < _KEEP_BYTES:
            self._scratch.pop(role, None)
            return np.empty(shape, dtype=dtype)
        scratch = self._scratch.get(role)
        if scratch is None or scratch.size < size or scratch.dtype != dtype:
            scratch = self._scratch[role] = np.empty(size, dtype=dtype)
        return scratch[:size].reshape(shape)

    def backward(self, dout):
        x_shape, cols, oh, ow = self._require_cache(self._cache)
        want = (x_shape[0], self.out_channels, oh, ow)
        if dout.shape != want:
            raise ValueError(f"Conv2d.backward: argument 'dout' has shape {dout.shape}, "
                             f"expected {want}")
        self._cache = None
        w2 = self.W.data.reshape(self.out_channels, -1)
        if self._pointwise():                                    # 1x1 path, cols = x3
            d3 = dout.astype(w2.dtype, copy=False).reshape(x_shape[0], self.out_channels, -1)
            if self.b is not None:
                self.b.accumulate(d3.sum(axis=(0, 2)))
            dW = np.matmul(d3, cols.transpose(0, 2, 1)).sum(axis=0)
            self.W.accumulate(dW.reshape(self.W.data.shape))
            return np.matmul(w2.T, d3).reshape(x_shape)
        dout2 = self._workspace("out", want[1:] + want[:1], w2.dtype)
        np.copyto(dout2, dout.transpose(1, 2, 3, 0))                   # (C_out, OH, OW, N)
        dout2 = dout2.reshape(self.out_channels, -1)
        if self.b is not None:
            self.b.accumulate(dout2.sum(axis=1))
        self.W.accumulate((dout2 @ cols.T).reshape(self.W.data.shape))
        dcols = np.matmul(w2.T, dout2, out=cols)   # the columns are used up: reuse them
        kh, kw = self.kernel_size
        return _col2im(dcols, x_shape, kh, kw, self.stride, self.padding, oh, ow, True)
