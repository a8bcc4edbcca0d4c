"""Convolution, fast: the same numbers as :func:`dlbook.functional.conv2d`, sooner.

The lesson code builds ``(C*kh*kw, N*OH*OW)`` columns with one strided slice per kernel
offset.  Here, for the layer :class:`dlbook.nn.Conv2d`:

- the columns are ordered ``(i, j, n)``, batch innermost, so a window row of the whole
  batch is one contiguous run of ``OW*N`` numbers (NumPy pays per run);
- strided windows read the input's stride phases (:mod:`dlbook._engine.phases`), so
  every copy and addition has unit stride;
- col2im adds the row offsets first into partial images, a cache-sized slab of channels
  at a time;
- large arrays are kept between training steps (:class:`Workspace`), and the column
  gradient overwrites the forward columns;
- a 1x1 convolution skips im2col: each sample's ``(C, H*W)`` block is its column matrix.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

from dlbook._engine.memory import APPLIED, MMAP_THRESHOLD
from dlbook._engine.phases import phase_blocks

# Scratch arrays this large are kept between training steps (see Workspace): the
# allocator reuses freed memory below MMAP_THRESHOLD when dlbook/_engine/memory.py
# could set it; otherwise 8 MiB keeps AlexNet conv1's 9 and 35 MB arrays.
KEEP_BYTES = MMAP_THRESHOLD if APPLIED else 8 << 20

# Bytes of input gradient (and its partial sums) that col2im works on at a time: small
# enough to stay in a core's L2 cache while all kh*kw window offsets are added.
COL2IM_SLAB_BYTES = 1 << 20


class Workspace:
    """Arrays a layer keeps between training steps, by role ("cols", "out").

    On glibc, freed blocks under 32 MiB stay in the process and are handed
    out again (:mod:`dlbook._engine.memory`); a larger array comes as new
    pages from the kernel every time, a page fault per page on first touch
    (400 to 900 a step for AlexNet conv1's 35 MB of columns: NumPy asks for
    2 MiB huge pages for arrays this large).  In training the layer therefore
    keeps its arrays of ``KEEP_BYTES`` or more and leaves smaller ones to the
    allocator (keeping those too measured the same for LeNet-5).  Outside
    training nothing is kept.
    """

    def __init__(self):
        self.arrays = {}

    def get(self, role, shape, dtype, keep):
        size = math.prod(shape)
        if not keep or size * np.dtype(dtype).itemsize < KEEP_BYTES:
            self.arrays.pop(role, None)
            return np.empty(shape, dtype=dtype)
        kept = self.arrays.get(role)
        if kept is None or kept.size < size or kept.dtype != dtype:
            kept = self.arrays[role] = np.empty(size, dtype=dtype)
        return kept[:size].reshape(shape)


def _pointwise(W, stride, padding):
    """A 1x1 convolution with stride 1 and no padding: no im2col needed."""
    return W.shape[2:] == stride == (1, 1) and padding == (0, 0)


def conv2d_forward(x, W, b, stride, padding, out_hw, workspace, keep):
    """``(u, cache)``: eq. (29) for a batch, and what backward needs."""
    n = x.shape[0]
    c_out, c, kh, kw = W.shape
    oh, ow = out_hw
    w2 = W.reshape(c_out, -1)
    if _pointwise(W, stride, padding):
        x3 = x.reshape(n, c, oh * ow)       # 1x1: x is its own columns
        u = np.matmul(w2, x3)               # (N, C_out, OH*OW)
        if b is not None:
            u += b[:, None]
        return u.reshape(n, c_out, oh, ow), (x.shape, x3, out_hw)
    m = n * oh * ow
    buffer = workspace.get("cols", (w2.shape[1] * m,), x.dtype, keep)
    cols = im2col_batch_last(x, kh, kw, stride, padding, out_hw, buffer)
    u = workspace.get("out", (c_out, m), x.dtype, keep)
    np.matmul(w2, cols, out=u)              # (C_out, OH*OW*N)
    if b is not None:
        u += b[:, None]
    u = u.reshape(c_out, oh, ow, n).transpose(3, 0, 1, 2).copy()
    return u, (x.shape, cols, out_hw)


def conv2d_backward(dout, cache, W, stride, padding, workspace, keep, input_grad=True):
    """``(dx, dW, db)`` from the output gradient and the forward ``cache``.

    With ``input_grad=False``, ``dx`` is ``None`` and its two products (the column
    gradient and col2im) are skipped.
    """
    x_shape, cols, (oh, ow) = cache
    n = x_shape[0]
    c_out, _, kh, kw = W.shape
    w2 = W.reshape(c_out, -1)
    if _pointwise(W, stride, padding):
        d3 = dout.astype(w2.dtype, copy=False).reshape(n, c_out, -1)
        x3 = cols                           # 1x1: x as (N, C, H*W)
        dW = np.matmul(d3, x3.transpose(0, 2, 1)).sum(axis=0)
        dx = np.matmul(w2.T, d3).reshape(x_shape) if input_grad else None
        return dx, dW.reshape(W.shape), d3.sum(axis=(0, 2))
    d2 = workspace.get("out", (c_out, oh, ow, n), w2.dtype, keep)
    np.copyto(d2, dout.transpose(1, 2, 3, 0))   # (C_out, OH, OW, N)
    d2 = d2.reshape(c_out, -1)
    db = d2.sum(axis=1)
    # cols @ d2.T is the transpose of d2 @ cols.T, and OpenBLAS computes it faster:
    # the long axis M is then the inner dimension of the row-major operand cols.
    dW = np.matmul(cols, d2.T).T.reshape(W.shape)
    if not input_grad:
        return None, dW, db
    dcols = np.matmul(w2.T, d2, out=cols)   # cols are used up: reuse them
    dx = col2im_batch_last(dcols, x_shape, kh, kw, stride, padding, (oh, ow))
    return dx, dW, db


def im2col_batch_last(x, kh, kw, stride, padding, out_hw, out=None):
    """im2col with columns ordered ``(i, j, n)``, read from stride phases.

    ``cols[(c*kh + p)*kw + q, (i*OW + j)*N + n] = z[n, c, i*sh+p, j*sw+q]``.
    The padded input is first split into its phases, channels first and batch
    last: ``xq[a, b, c, y, x, n] = z[n, c, a + sh*y, b + sw*x]`` (phases no
    window reads, ``a >= kh`` or ``b >= kw``, are left out).  All offsets
    ``(p, q)`` that read the same phase ``(a, b)`` are then one strided view of
    it, copied at once.  ``out`` is an optional flat buffer to fill.
    """
    n, c = x.shape[:2]
    (sh, sw), (oh, ow) = stride, out_hw
    hq, wq = oh + (kh - 1) // sh, ow + (kw - 1) // sw
    # Without padding every phase pixel a window reads is an input pixel, copied
    # below: the rest need no zeros.
    fresh = np.empty if padding == (0, 0) else np.zeros
    xq = fresh((sh, sw, c, hq, wq, n), dtype=x.dtype)
    blocks = phase_blocks(x.shape, stride, padding, (hq, wq), (kh, kw))
    for a, b, (ys, xs), (rows, cols) in blocks:
        xq[a, b, :, ys, xs] = x[:, :, rows, cols].transpose(1, 2, 3, 0)
    size = c * kh * kw * n * oh * ow
    cols = np.empty(size, dtype=x.dtype) if out is None else out[:size]
    dst = cols.reshape(c, kh, kw, oh, ow, n)
    for a in range(min(sh, kh)):
        for b in range(min(sw, kw)):
            image = xq[a, b]                            # (C, HQ, WQ, N)
            s_c, s_y, s_x, s_n = image.strides
            tn, un = len(range(a, kh, sh)), len(range(b, kw, sw))
            view = as_strided(image, shape=(c, tn, un, oh, ow, n),
                              strides=(s_c, s_y, s_x, s_y, s_x, s_n),
                              writeable=False)
            np.copyto(dst[:, a::sh, b::sw], view)
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im_batch_last(cols, x_shape, kh, kw, stride, padding, out_hw):
    """The adjoint of :func:`im2col_batch_last`: add columns onto windows."""
    n, c, h, w = x_shape
    (ph, pw), (sh, sw), (oh, ow) = padding, stride, out_hw
    blocks = cols.reshape(c, kh, kw, oh, ow, n)
    hq, wq = oh + (kh - 1) // sh, ow + (kw - 1) // sw
    # The gradient's phases, laid out as im2col_batch_last's xq.
    dxq = np.zeros((sh, sw, c, hq, wq, n), dtype=cols.dtype)
    un_max = -(-kw // sw)
    slab_bytes = (un_max * ow + wq) * hq * n * cols.itemsize
    slab = max(1, COL2IM_SLAB_BYTES // slab_bytes)     # channels at a time
    # One array for the partial sums of every phase and slab, allocated once.
    scratch = np.empty(un_max * min(slab, c) * hq * ow * n, dtype=cols.dtype)
    for a in range(min(sh, kh)):
        for b in range(min(sw, kw)):
            tn, un = len(range(a, kh, sh)), len(range(b, kw, sw))
            for c0 in range(0, c, slab):
                image = dxq[a, b, c0:c0 + slab]
                part = blocks[c0:c0 + slab]
                # Sum the row offsets t first, into one image per column
                # offset u: those additions are whole contiguous blocks,
                # not rows of OW*N numbers.
                shape = (un,) + image.shape[:2] + (ow, n)
                acc = scratch[:math.prod(shape)].reshape(shape)
                acc.fill(0)
                acc_rows = acc.transpose(1, 0, 2, 3, 4)
                for t in range(tn):
                    acc_rows[:, :, t:t + oh] += part[:, a + sh * t, b::sw]
                for u in range(un):
                    image[:, :, u:u + ow] += acc[u]
    # With rounding="floor" the last rows/columns may lie in no window: they
    # stay zero.
    covered = sh * hq >= h + ph and sw * wq >= w + pw
    dx = (np.empty if covered else np.zeros)(x_shape, dtype=cols.dtype)
    # Every phase, also those no window reads (a >= kh): their pixels get the
    # zeros.
    blocks_of_x = phase_blocks(x_shape, stride, padding, (hq, wq), (sh, sw))
    for a, b, (ys, xs), (rows, cols_) in blocks_of_x:
        dx[:, :, rows, cols_] = dxq[a, b, :, ys, xs].transpose(3, 0, 1, 2)
    return dx
