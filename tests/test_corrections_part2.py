"""Part 2 (CNN): corrections to the notes and claims of the pages that no layer test pins."""

import numpy as np
import pytest

from dlbook.data import load_digits
from dlbook.functional import conv_output_size
from dlbook.nn import Conv2d, GlobalAvgPool2d, GlobalMaxPool2d, MaxPool2d, ReLU, Sequential


@pytest.mark.parametrize("size, kernel", [(32, 3), (32, 5), (28, 5), (8, 2), (6, 6)])
def test_shrinks_by_f_minus_1(size, kernel):
    """Notes §2.3: 「フィルタのサイズ分小さくなる」 (shrinks by F); it shrinks by F − 1."""
    x = np.zeros((1, 1, size, size), np.float32)
    out = Conv2d(1, 1, kernel, rng=0)(x).shape[2:]
    assert out == (size - kernel + 1,) * 2 == (conv_output_size(size, kernel),) * 2
    assert out != (size - kernel,) * 2
    if kernel % 2:                                  # odd F: (F - 1)/2 per side keeps the size
        same = Conv2d(1, 1, kernel, padding=(kernel - 1) // 2, rng=0)(x).shape[2:]
        assert same == (size, size)


def _edge_features():
    """The four hand-set edge filters + ReLU of the fully-connected page."""
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    diag = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], dtype=np.float32)
    conv = Conv2d(1, 4, 3, padding=1, bias=False)
    conv.W.data = np.stack([sobel, sobel.T, diag, np.fliplr(diag)])[:, None].copy()
    return Sequential(conv, ReLU())


def test_gap_shift_change_comes_from_the_max_pool():
    """fully-connected.md: the GAP change under a 2-pixel shift is made by the 4×4 max pool."""
    digit = load_digits(image_size=32)[0][:1]
    shifted = np.roll(digit, 2, axis=3)
    edges = _edge_features()
    a, b = edges(digit), edges(shifted)
    # No max pool in front: the maximum does not change, the average only by rounding.
    np.testing.assert_array_equal(GlobalMaxPool2d()(a), GlobalMaxPool2d()(b))
    np.testing.assert_allclose(GlobalAvgPool2d()(a), GlobalAvgPool2d()(b), rtol=1e-6)

    def gap_change(shift):
        maps = [MaxPool2d(4)(edges(x)) for x in (digit, np.roll(digit, shift, axis=3))]
        u, v = (GlobalAvgPool2d()(m) for m in maps)
        return float(np.abs(u - v).sum() / np.abs(u).sum())

    assert gap_change(2) > 0.05               # the page's table prints 11%
    assert gap_change(4) < 0.01               # a whole window: only the border differs


def test_neighbouring_pixels_are_alike():
    """part2/index.md: correlation 0.95 at d = 1, about 0 at d = 6, about -0.5 from d = 10."""
    images = load_digits(image_size=32)[0][:, 0].astype(np.float64)

    def corr(d):
        a = images[:, 2:-2, 2:-2 - d].ravel()
        b = images[:, 2:-2, 2 + d:-2].ravel()
        return np.corrcoef(a, b)[0, 1]

    assert corr(1) == pytest.approx(0.95, abs=0.01)
    assert abs(corr(6)) < 0.1
    assert all(-0.55 < corr(d) < -0.45 for d in range(10, 16))
