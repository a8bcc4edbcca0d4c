"""Datasets that ship with the package (no network) and image-batch transforms."""

from dlbook.data.datasets import load_digits, resize_images, train_test_split
from dlbook.data.transforms import (
    Compose,
    GaussianNoise,
    RandomFlip,
    RandomShift,
    gaussian_noise,
    random_flip,
    random_shift,
)

__all__ = [
    "Compose",
    "GaussianNoise",
    "RandomFlip",
    "RandomShift",
    "gaussian_noise",
    "load_digits",
    "random_flip",
    "random_shift",
    "resize_images",
    "train_test_split",
]
