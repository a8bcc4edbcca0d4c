"""The handwritten digits that ship inside the package.

``digits.npz`` holds the 1,797 8×8 images of the UCI "Optical Recognition of
Handwritten Digits" test set (E. Alpaydin and C. Kaynak, 1998; CC BY 4.0), pixel
values 0–16, the same data scikit-learn bundles as ``load_digits``.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from dlbook._checks import check_float, check_int
from dlbook._random import as_generator


def _interpolation_matrix(n_out, n_in):
    """Rows of linear-interpolation weights mapping ``n_in`` samples onto ``n_out``."""
    pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    pos = np.clip(pos, 0, n_in - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    frac = pos - lo
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), lo] += 1 - frac
    m[np.arange(n_out), hi] += frac
    return m


def resize_images(images, size):
    """Bilinear resize of a batch ``(..., h, w)`` to ``(..., size, size)``.

    Done as two small matrix products, one per axis, so it is exact and fast.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import resize_images
    >>> resize_images(np.ones((2, 8, 8)), 28).shape
    (2, 28, 28)
    >>> float(resize_images(np.ones((1, 8, 8)), 28).max())
    1.0
    """
    size = check_int(size, "size", minimum=1, owner="resize_images")
    rows = _interpolation_matrix(size, images.shape[-2])
    cols = _interpolation_matrix(size, images.shape[-1])
    return rows @ images @ cols.T


def train_test_split(n, test_fraction, labels=None, rng=0):
    """Deterministic (optionally stratified) split of ``range(n)`` into train and test indices.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import train_test_split
    >>> train, test = train_test_split(10, 0.2, rng=0)
    >>> len(train), len(test), sorted(np.concatenate([train, test])) == list(range(10))
    (8, 2, True)
    """
    test_fraction = check_float(test_fraction, "test_fraction", low=0.0, high=1.0,
                                low_open=True, high_open=True, owner="train_test_split")
    rng = as_generator(rng)
    groups = [np.arange(n)] if labels is None else [np.flatnonzero(labels == c)
                                                    for c in np.unique(labels)]
    test = []
    for idx in groups:
        idx = rng.permutation(idx)
        test.append(idx[: int(round(len(idx) * test_fraction))])
    test = np.sort(np.concatenate(test))
    train = np.setdiff1d(np.arange(n), test)
    return rng.permutation(train), test


def load_digits(image_size=32, test_fraction=0.2, rng=0, *, flatten=False, dtype=np.float32):
    """Handwritten digits as ``(X_train, y_train, X_test, y_test)``, pixel values in [0, 1].

    Parameters
    ----------
    image_size : int
        8 keeps the original images.  Any other size is a bilinear resize to
        ``image_size - 4`` with a 2-pixel zero border, the way MNIST's 28×28 digits
        sit inside LeNet's 32×32 input.
    test_fraction : float
        Share of each class held out for testing (a stratified, seeded split).
    rng : int or numpy.random.Generator
        Seed of the split.
    flatten : bool
        Return ``(N, image_size**2)`` vectors instead of ``(N, 1, H, W)`` images.
    dtype : numpy dtype
        Dtype of the images.

    Examples
    --------
    >>> from dlbook.data import load_digits
    >>> X_train, y_train, X_test, y_test = load_digits()
    >>> X_train.shape, X_test.shape, X_train.dtype
    ((1438, 1, 32, 32), (359, 1, 32, 32), dtype('float32'))
    >>> X_train, *_ = load_digits(image_size=8, flatten=True)
    >>> X_train.shape
    (1438, 64)
    """
    image_size = check_int(image_size, "image_size", minimum=8, owner="load_digits")
    with resources.files("dlbook.data").joinpath("digits.npz").open("rb") as fh:
        data = np.load(fh)
        images = data["images"].astype(np.float64) / 16.0
        labels = data["labels"].astype(np.int64)
    if image_size != 8:
        inner = resize_images(images, image_size - 4)
        images = np.zeros((len(images), image_size, image_size))
        images[:, 2:-2, 2:-2] = inner
    images = images[:, None].astype(dtype)
    if flatten:
        images = images.reshape(len(images), -1)
    train, test = train_test_split(len(images), test_fraction, labels, rng)
    return images[train], labels[train], images[test], labels[test]
