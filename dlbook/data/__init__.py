"""Datasets that ship with the package (no network) and image-batch transforms."""

from dlbook.data.datasets import load_digits, resize_images, train_test_split

__all__ = ["load_digits", "resize_images", "train_test_split"]
