"""Pooling, fast: the same numbers as :func:`dlbook.functional.max_pool2d` and friends.

The lesson code slices the padded input once per window offset ``(p, q)``; each slice
is strided (every other column for a stride-2 pool) and NumPy pays a fixed cost per
row of it.  Here the padded input is first laid out as a :class:`PhaseGrid`: split into
its stride phases (:mod:`dlbook._engine.phases`) and flattened, so that offset
``(p, q)`` of *every* output position is one long contiguous slice, shifted by a
constant.  Each offset then costs a few whole-array operations at full vector speed.
"""

from __future__ import annotations

import numpy as np

from dlbook._engine.phases import phase_blocks


class PhaseGrid:
    """Where every window element of a pooling lives in a flat phase buffer.

    The padded input ``z`` is stored as
    ``grid[a*sw + b, n, c, y, x] = z[n, c, a + sh*y, b + sw*x]``, each of the
    ``sh*sw`` phases flattened to one row of length ``L = N*C*Hq*Wq``.  Output
    ``(n, c, i, j)`` sits at flat position ``t = ((n*C + c)*Hq + i)*Wq + j``
    and its window element ``(p, q)`` at ``t + shift`` in phase
    ``(p % sh, q % sw)``, with ``shift = (p // sh)*Wq + q // sw``.  Positions
    ``t`` with ``i >= OH`` or ``j >= OW`` are computed too (cheaper than
    skipping them) and dropped by :meth:`outputs`.
    """

    def __init__(self, x_shape, kernel, stride, padding, out_hw, extra):
        n, c, h, w = x_shape
        (sh, sw), (ph, pw), (eh, ew) = stride, padding, extra
        self.x_shape, self.stride, self.padding = x_shape, stride, padding
        self.out_hw = out_hw
        self.hq = -(-(h + 2 * ph + eh) // sh)
        self.wq = -(-(w + 2 * pw + ew) // sw)
        self.shape = (sh * sw, n * c * self.hq * self.wq)
        self.offsets = []       # (phase row, shift); (p, q) in row-major order
        for p in range(kernel[0]):
            for q in range(kernel[1]):
                phase = (p % sh) * sw + q % sw
                self.offsets.append((phase, (p // sh) * self.wq + q // sw))
        self.span = self.shape[1] - max(shift for _, shift in self.offsets)
        self.overlapping = stride[0] < kernel[0] or stride[1] < kernel[1]
        # Windows that tile the phases exactly (kernel == stride): offset (p, q) is
        # the whole of phase (p, q), so each grid position is written once.
        self.tiling = tuple(kernel) == tuple(stride)
        # No padding and sizes that are multiples of the stride: every grid position
        # holds an input pixel.
        self.covered = (padding == extra == (0, 0)
                        and h % sh == 0 and w % sw == 0)

    def _is_input_itself(self):
        """Stride 1 without padding: the grid is just the input, flattened."""
        return self.shape[0] == 1 and (self.hq, self.wq) == self.x_shape[2:]

    def _view(self, flat):
        """A length-L row (or rows) as ``(..., N, C, Hq, Wq)``."""
        return flat.reshape(flat.shape[:-1] + self.x_shape[:2]
                            + (self.hq, self.wq))

    def _blocks(self, flat):
        """Pairs (phase image part of ``flat``, the input part it holds)."""
        grid = self._view(flat)
        sw = self.stride[1]
        blocks = phase_blocks(self.x_shape, self.stride, self.padding,
                              (self.hq, self.wq), self.stride)
        for a, b, (ys, xs), (rows, cols) in blocks:
            yield grid[a * sw + b, :, :, ys, xs], (..., rows, cols)

    def split(self, x, fill):
        """The padded input (padding ``fill``) as the grid: ``(sh*sw, L)``."""
        if self._is_input_itself():     # no copy if x is contiguous
            return np.ascontiguousarray(x).reshape(self.shape)
        if self.covered:            # the copies below fill every position
            flat = np.empty(self.shape, dtype=x.dtype)
        else:
            flat = np.full(self.shape, fill, dtype=x.dtype)
        for part, where in self._blocks(flat):
            part[...] = x[where]
        return flat

    def merge(self, flat):
        """Inverse of :meth:`split`: the ``(N, C, H, W)`` part of a grid."""
        if self._is_input_itself():
            return flat.reshape(self.x_shape)
        out = np.empty(self.x_shape, dtype=flat.dtype)
        for part, where in self._blocks(flat):
            out[where] = part
        return out

    def outputs(self, flat_out):
        """``(N, C, OH, OW)`` from the first ``span`` positions of a row."""
        oh, ow = self.out_hw
        full = self._view(flat_out)
        if (oh, ow) == (self.hq, self.wq):
            return full
        return np.ascontiguousarray(full[:, :, :oh, :ow])

    def positions(self, out, fill):
        """Inverse of :meth:`outputs`: ``out`` in a row, ``fill`` elsewhere."""
        oh, ow = self.out_hw
        if (oh, ow) == (self.hq, self.wq):
            return np.ascontiguousarray(out).reshape(-1)
        flat = np.full(self.shape[1], fill, dtype=out.dtype)
        self._view(flat)[:, :, :oh, :ow] = out
        return flat


def index_dtype(kernel):
    """The smallest integer type that holds every window offset ``p*kw + q``."""
    return np.uint8 if kernel[0] * kernel[1] <= 255 else np.int32


def max_pool2d(x, kernel, stride, padding, out_hw, extra):
    """``(out, argmax)`` as :func:`dlbook.functional.max_pool2d`.

    ``argmax`` is uint8 (int32 for windows of more than 255 pixels).
    """
    grid = PhaseGrid(x.shape, kernel, stride, padding, out_hw, extra)
    xg = grid.split(x, fill=-np.inf)
    span = grid.span
    phase, shift = grid.offsets[0]
    out = np.empty(grid.shape[1], dtype=x.dtype)
    out[:span] = xg[phase, shift:shift + span]
    dtype = index_dtype(kernel)
    argmax = np.zeros(grid.shape[1], dtype=dtype)
    better = np.empty(span, dtype=bool)
    candidate = np.empty(span, dtype=dtype)
    for k, (phase, shift) in enumerate(grid.offsets[1:], start=1):
        window = xg[phase, shift:shift + span]
        # Strict: an earlier offset keeps a tie.
        np.greater(window, out[:span], out=better)
        np.maximum(out[:span], window, out=out[:span])
        # Offsets grow along the loop, so the winner is the largest offset
        # that improved the running maximum: a max() instead of a (much
        # slower) masked write.
        np.multiply(better, dtype(k), out=candidate)
        np.maximum(argmax[:span], candidate, out=argmax[:span])
    return grid.outputs(out), grid.outputs(argmax)


def max_pool2d_backward(dout, argmax, x_shape, kernel, stride, padding, out_hw, extra):
    """The input gradient, as :func:`dlbook.functional.max_pool2d_backward`."""
    grid = PhaseGrid(x_shape, kernel, stride, padding, out_hw, extra)
    span = grid.span
    d = grid.positions(dout, 0)
    winners = grid.positions(argmax, len(grid.offsets))     # never equal to an offset
    dxg = (np.empty if grid.tiling else np.zeros)(grid.shape, dtype=dout.dtype)
    won = np.empty(span, dtype=bool)
    routed = np.empty(span, dtype=dout.dtype)
    for k, (phase, shift) in enumerate(grid.offsets):
        np.equal(winners[:span], k, out=won)
        np.multiply(d[:span], won, out=routed)
        if grid.overlapping:
            dxg[phase, shift:shift + span] += routed
        else:                                   # windows are disjoint: a plain write
            dxg[phase, shift:shift + span] = routed
    return grid.merge(dxg)


def window_sizes(x_shape, kernel, stride, padding, out_hw, extra):
    """Divisors of average pooling: ``kh*kw``, clipped only where a ceil window overhangs."""
    kh, kw = kernel
    if extra == (0, 0):
        return float(kh * kw)
    counts = []
    for size, k, s, p, o in zip(x_shape[2:], kernel, stride, padding, out_hw):
        starts = np.arange(o) * s
        counts.append(np.minimum(starts + k, size + 2 * p) - starts)
    return np.multiply.outer(counts[0], counts[1]).astype(np.float64)


def avg_pool2d(x, kernel, stride, padding, out_hw, extra):
    """The window means, as :func:`dlbook.functional.avg_pool2d`."""
    grid = PhaseGrid(x.shape, kernel, stride, padding, out_hw, extra)
    xg = grid.split(x, fill=0.0)
    span = grid.span
    phase, shift = grid.offsets[0]
    total = np.empty(grid.shape[1], dtype=x.dtype)
    total[:span] = xg[phase, shift:shift + span]
    for phase, shift in grid.offsets[1:]:
        total[:span] += xg[phase, shift:shift + span]
    out = grid.outputs(total)
    out /= np.asarray(window_sizes(x.shape, kernel, stride, padding, out_hw, extra), x.dtype)
    return out


def avg_pool2d_backward(dout, x_shape, kernel, stride, padding, out_hw, extra):
    """The input gradient, as :func:`dlbook.functional.avg_pool2d_backward`."""
    grid = PhaseGrid(x_shape, kernel, stride, padding, out_hw, extra)
    share = dout / np.asarray(window_sizes(x_shape, kernel, stride, padding, out_hw, extra),
                              dout.dtype)
    share = grid.positions(share, 0)[:grid.span]
    dxg = (np.empty if grid.tiling else np.zeros)(grid.shape, dtype=dout.dtype)
    for phase, shift in grid.offsets:
        if grid.overlapping:
            dxg[phase, shift:shift + grid.span] += share
        else:
            dxg[phase, shift:shift + grid.span] = share
    return grid.merge(dxg)
