"""Stride phases: how the engine turns strided windows into unit-stride slices.

A stride ``(sh, sw)`` splits the padded input ``z`` into ``sh * sw`` *phase images*:
phase ``(a, b)`` holds the pixels ``z[a + sh*y, b + sw*x]`` at its position ``(y, x)``.
The element ``(p, q)`` of the window of output ``(i, j)`` is ``z[i*sh + p, j*sw + q]``,
that is position ``(i + p // sh, j + q // sw)`` of phase ``(p % sh, q % sw)``: for a
fixed offset ``(p, q)`` the windows of all outputs read one phase image with unit
stride, shifted by ``(p // sh, q // sw)``.  Convolution (:mod:`dlbook._engine.conv`)
and pooling (:mod:`dlbook._engine.pooling`) both use this split, with these letters;
they differ only in how they lay the phase images out in memory.
"""

from __future__ import annotations


def phase_lines(size, pad, stride, a, length):
    """Lines ``y < length`` of phase ``a`` that hold input lines (not padding).

    Along one axis, line ``y`` of phase ``a`` is padded line ``a + stride*y``,
    input line ``a + stride*y - pad``; it lies in ``[0, size)`` for
    ``first <= y < stop``.  Returns ``(first, stop, input_slice)``;
    ``first >= stop`` when no line does.
    """
    first = max(0, -(-(pad - a) // stride))
    stop = min(length, -(-(size + pad - a) // stride))
    start = a + stride * first - pad
    end = start + stride * (stop - first - 1) + 1
    return first, stop, slice(start, end, stride)


def phase_blocks(x_shape, stride, padding, phase_hw, phases):
    """Yield ``(a, b, (ys, xs), (rows, cols))`` for phases ``(a, b) < phases``.

    ``(ys, xs)`` are the slices of phase image ``(a, b)`` (of size
    ``phase_hw``) that hold input pixels, ``(rows, cols)`` the slices of the
    unpadded ``(N, C, H, W)`` input they hold.  Copying along these pairs
    splits an input into its phases; copying back merges phases into an
    input-shaped array.  Phases of padding only are skipped.
    """
    h, w = x_shape[2:]
    (ph, pw), (sh, sw) = padding, stride
    for a in range(min(sh, phases[0])):
        y0, y1, rows = phase_lines(h, ph, sh, a, phase_hw[0])
        for b in range(min(sw, phases[1])):
            x0, x1, cols = phase_lines(w, pw, sw, b, phase_hw[1])
            if y1 > y0 and x1 > x0:
                yield a, b, (slice(y0, y1), slice(x0, x1)), (rows, cols)
