"""Data augmentation (notes 1.3, データ拡張) for image batches ``(N, C, H, W)``.

Every transform has the signature ``transform(batch, rng) -> batch`` that
:func:`dlbook.train.fit` expects for its ``transform`` argument.  Each comes in two
forms that do the same thing:

- a function with its settings as keyword arguments, e.g.
  ``random_shift(batch, rng, max_shift=2)``; with its defaults it can be passed to
  ``fit`` as it is;
- a small class holding the settings, e.g. ``RandomShift(max_shift=1)``, whose
  instances are such callables; :class:`Compose` chains them.

The batch given is never modified; a new array of the same shape and dtype is
returned.  All work is vectorised over the batch (no loop over samples).
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_float, check_int
from dlbook._random import as_generator

__all__ = ["Compose", "GaussianNoise", "RandomFlip", "RandomShift", "gaussian_noise",
           "random_flip", "random_shift"]


def _check_batch(batch, owner):
    return check_array(batch, "batch", ndim=4, layout="(N, C, H, W)", owner=owner)


def _check_flip(batch, rng, p):
    """Check :func:`random_flip`'s arguments; return the generator and ``p``."""
    _check_batch(batch, "random_flip")
    p = check_float(p, "p", low=0.0, high=1.0, owner="random_flip")
    return as_generator(rng), p


def _check_shift(batch, rng, max_shift, fill):
    """Check :func:`random_shift`'s arguments; return the generator, ``max_shift`` and ``fill``."""
    _check_batch(batch, "random_shift")
    m = check_int(max_shift, "max_shift", minimum=0, owner="random_shift")
    h, w = batch.shape[2:]
    if m >= min(h, w):
        raise ValueError(f"random_shift: argument 'max_shift' must be smaller than the "
                         f"image size {h}x{w}, got {m}")
    fill = check_float(fill, "fill", owner="random_shift")
    return as_generator(rng), m, fill


def _check_noise(batch, rng, std, clip):
    """Check :func:`gaussian_noise`'s arguments; return the generator, ``std`` and ``clip``."""
    _check_batch(batch, "gaussian_noise")
    std = check_float(std, "std", low=0.0, owner="gaussian_noise")
    clip = _check_clip(clip, "gaussian_noise")
    return as_generator(rng), std, clip


def _check_clip(clip, owner):
    if clip is None:
        return None
    if (not isinstance(clip, (tuple, list)) or len(clip) != 2
            or not all(isinstance(c, (int, float)) for c in clip) or not clip[0] < clip[1]):
        raise ValueError(f"{owner}: argument 'clip' must be None or a pair (low, high) "
                         f"with low < high, got {clip!r}")
    return (float(clip[0]), float(clip[1]))


def random_flip(batch, rng, p=0.5):
    """Mirror each image left-right with probability ``p``.

    Parameters
    ----------
    batch : numpy.ndarray
        Images ``(N, C, H, W)``.
    rng : int or numpy.random.Generator
        Decides which images are flipped.
    p : float
        Probability of a flip, in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import random_flip
    >>> x = np.arange(3.0).reshape(1, 1, 1, 3)
    >>> random_flip(x, rng=0, p=1.0)
    array([[[[2., 1., 0.]]]])
    >>> random_flip(x, rng=0, p=0.0)
    array([[[[0., 1., 2.]]]])
    """
    rng, p = _check_flip(batch, rng, p)
    flip = rng.random(len(batch)) < p
    return np.where(flip[:, None, None, None], batch[..., ::-1], batch)


def random_shift(batch, rng, max_shift=2, fill=0.0):
    """Translate each image by a random whole number of pixels in ``[-max_shift, max_shift]``.

    The vacated border is filled with ``fill`` (pad-and-crop).  Vertical and
    horizontal shifts are drawn independently for each image; the shifted batch is
    gathered in one fancy-indexing operation.

    Parameters
    ----------
    batch : numpy.ndarray
        Images ``(N, C, H, W)``.
    rng : int or numpy.random.Generator
        Source of the shifts.
    max_shift : int
        Largest shift in pixels, ``>= 0`` and smaller than the image.
    fill : float
        Value of the pixels shifted in.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import random_shift
    >>> x = np.zeros((1, 1, 3, 3)); x[0, 0, 1, 1] = 1.0
    >>> y = random_shift(x, rng=0, max_shift=1)
    >>> float(y.sum()), y.shape    # the dot moved by at most one pixel, nothing lost
    (1.0, (1, 1, 3, 3))
    """
    rng, m, fill = _check_shift(batch, rng, max_shift, fill)
    n, _, h, w = batch.shape
    if m == 0:
        return batch.copy()
    shifts = rng.integers(-m, m + 1, size=(2, n))
    border = ((0, 0), (0, 0), (m, m), (m, m))
    padded = np.pad(batch, border, constant_values=fill)
    rows = m - shifts[0][:, None] + np.arange(h)   # (N, H): rows of padded
    cols = m - shifts[1][:, None] + np.arange(w)   # (N, W)
    samples = np.arange(n)[:, None, None, None]
    channels = np.arange(batch.shape[1])[None, :, None, None]
    return padded[samples, channels,
                  rows[:, None, :, None], cols[:, None, None, :]]


def gaussian_noise(batch, rng, std=0.1, clip=(0.0, 1.0)):
    """Add independent :math:`\\mathcal{N}(0, \\mathrm{std}^2)` noise to every pixel.

    Parameters
    ----------
    batch : numpy.ndarray
        Images ``(N, C, H, W)``.
    rng : int or numpy.random.Generator
        Source of the noise.
    std : float
        Standard deviation, ``>= 0``.
    clip : tuple or None
        Range the result is clipped to (pixel values of the digits are in [0, 1]).

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import gaussian_noise
    >>> x = np.full((1000, 1, 4, 4), 0.5)
    >>> y = gaussian_noise(x, rng=0, std=0.1)
    >>> round(float(y.mean()), 2), round(float(y.std()), 2)
    (0.5, 0.1)
    """
    rng, std, clip = _check_noise(batch, rng, std, clip)
    noise = rng.standard_normal(batch.shape).astype(batch.dtype, copy=False)
    out = batch + batch.dtype.type(std) * noise
    if clip is not None:
        np.clip(out, clip[0], clip[1], out=out)
    return out


class _Transform:
    """A function of :mod:`dlbook.data.transforms` with its settings fixed."""

    function = None

    def __init__(self, **settings):
        self.settings = settings

    def __call__(self, batch, rng):
        return type(self).function(batch, rng, **self.settings)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.settings.items())
        return f"{type(self).__name__}({args})"


class RandomFlip(_Transform):
    """:func:`random_flip` as a transform object.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import RandomFlip
    >>> RandomFlip(p=1.0)(np.arange(2.0).reshape(1, 1, 1, 2), np.random.default_rng(0))
    array([[[[1., 0.]]]])
    """

    function = staticmethod(random_flip)

    def __init__(self, p=0.5):
        super().__init__(p=check_float(p, "p", low=0.0, high=1.0, owner="RandomFlip"))


class RandomShift(_Transform):
    """:func:`random_shift` as a transform object.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import RandomShift
    >>> RandomShift(max_shift=1)
    RandomShift(max_shift=1, fill=0.0)
    """

    function = staticmethod(random_shift)

    def __init__(self, max_shift=2, fill=0.0):
        super().__init__(max_shift=check_int(max_shift, "max_shift", minimum=0,
                                             owner="RandomShift"),
                         fill=check_float(fill, "fill", owner="RandomShift"))


class GaussianNoise(_Transform):
    """:func:`gaussian_noise` as a transform object.

    Examples
    --------
    >>> from dlbook.data import GaussianNoise
    >>> GaussianNoise(std=0.05)
    GaussianNoise(std=0.05, clip=(0.0, 1.0))
    """

    function = staticmethod(gaussian_noise)

    def __init__(self, std=0.1, clip=(0.0, 1.0)):
        super().__init__(std=check_float(std, "std", low=0.0, owner="GaussianNoise"),
                         clip=_check_clip(clip, "GaussianNoise"))


class Compose:
    """Apply several ``transform(batch, rng)`` callables in order, sharing one ``rng``.

    Parameters
    ----------
    transforms : list of callable
        Each takes ``(batch, rng)`` and returns a batch.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import Compose, RandomFlip, RandomShift
    >>> augment = Compose([RandomShift(max_shift=1), RandomFlip(p=0.5)])
    >>> augment(np.zeros((4, 1, 8, 8), np.float32), np.random.default_rng(0)).shape
    (4, 1, 8, 8)
    """

    def __init__(self, transforms):
        if isinstance(transforms, (str, bytes)) or not hasattr(transforms, "__iter__"):
            raise TypeError(f"Compose: argument 'transforms' must be a list of callables, "
                            f"got {type(transforms).__name__}")
        transforms = list(transforms)
        for i, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"Compose: item {i} of 'transforms' must be callable as "
                                f"transform(batch, rng), got {type(t).__name__}")
        self.transforms = transforms

    def __call__(self, batch, rng):
        rng = as_generator(rng)
        for t in self.transforms:
            batch = t(batch, rng)
        return batch

    def __repr__(self):
        return f"Compose({self.transforms!r})"
