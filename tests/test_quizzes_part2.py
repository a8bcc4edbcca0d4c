"""Confirmation quizzes of Part 2 (CNNs), answered by running the library."""

import numpy as np

from dlbook.functional import conv_output_size
from dlbook.nn import Conv2d


def test_quiz4_output_size_by_eq30():
    """Quiz 4: 6x6 input, 2x2 filter, stride 1, padding 1 -> 7x7 (the notes say 5x5)."""
    assert (6 + 2 * 1 - 2) // 1 + 1 == 7
    assert conv_output_size(6, 2, stride=1, padding=1) == 7
    assert conv_output_size(6, 2, stride=1, padding=1) != 5


def test_quiz4_output_size_by_a_real_convolution():
    conv = Conv2d(1, 1, kernel_size=2, stride=1, padding=1, rng=0)
    y = conv(np.ones((1, 1, 6, 6), dtype=np.float32))
    assert y.shape == (1, 1, 7, 7)


def test_quiz4_notes_answer_5x5_needs_no_padding():
    """5x5 is what the same filter gives *without* padding: the notes dropped the 2P term."""
    assert conv_output_size(6, 2, stride=1, padding=0) == 5
    assert Conv2d(1, 1, 2, rng=0)(np.ones((1, 1, 6, 6), np.float32)).shape[2:] == (5, 5)
