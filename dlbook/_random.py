"""The one way randomness enters dlbook: an explicit ``numpy.random.Generator``."""

from __future__ import annotations

import numbers

import numpy as np


def as_generator(rng=None):
    """Return a ``numpy.random.Generator`` from ``None``, an integer seed or a Generator.

    ``None`` gives a fresh, unseeded generator; the global ``np.random`` state is
    never used or touched.

    Examples
    --------
    >>> from dlbook._random import as_generator
    >>> bool(as_generator(0).integers(10) == as_generator(0).integers(10))
    True
    """
    if rng is None or isinstance(rng, np.random.Generator):
        return np.random.default_rng(rng) if rng is None else rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"argument 'rng' must be a non-negative seed, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(
        "argument 'rng' must be None, an integer seed or a numpy.random.Generator, "
        f"got {type(rng).__name__}"
    )
