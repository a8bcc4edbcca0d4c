"""Argument checks shared by every public function and layer.

Each check raises ``TypeError`` or ``ValueError`` with a sentence that names the
argument, the value received and what was expected, *before* any computation.
"""

from __future__ import annotations

import numbers

import numpy as np


class NonFiniteError(ValueError):
    """An array that should hold numbers holds NaN or infinity."""


def _where(owner):
    return f"{owner}: " if owner else ""


def check_array(x, name="x", *, ndim=None, owner=None, layout=None, finite=True):
    """Return ``x`` if it is a floating ``numpy.ndarray`` with the expected ``ndim``.

    ``layout`` is a human name for the dimensions, e.g. ``"(N, C, H, W)"``.
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"{_where(owner)}argument '{name}' must be a numpy.ndarray, got "
            f"{type(x).__name__}; wrap it with np.asarray({name}, dtype=np.float32)"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"{_where(owner)}argument '{name}' must have a floating dtype, got {x.dtype}; "
            f"convert it with {name}.astype(np.float32)"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            shape_hint = f" {layout}" if layout else ""
            raise ValueError(
                f"{_where(owner)}argument '{name}' must have {want} dimensions"
                f"{shape_hint}, got {x.ndim} (shape {x.shape})"
            )
    if finite:
        check_finite(x, name, owner=owner)
    return x


def check_float_array(x, name="x", *, owner=None):
    """Return ``x`` as an array with a floating dtype: integers and booleans become float64.

    Lets a formula take a list or an integer array while keeping ``float32`` input
    ``float32``; anything that is not a number raises ``TypeError``.
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{_where(owner)}argument '{name}' must hold real numbers, got dtype "
                        f"{arr.dtype}; pass a numpy array of floats")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def check_finite(x, name="x", *, owner=None):
    """Raise ``ValueError`` if ``x`` holds NaN or infinity.

    Summing first is one cheap pass; only a non-finite sum pays for the exact count.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(x, axis=None)
    if np.isfinite(total):
        return x
    n_nan = int(np.isnan(x).sum())
    n_inf = int(np.isinf(x).sum())
    if n_nan or n_inf:
        raise NonFiniteError(
            f"{_where(owner)}argument '{name}' contains {n_nan} NaN and {n_inf} infinite "
            f"value(s) (shape {x.shape}); expected only finite numbers"
        )
    return x


def check_same_dtype(x, expected, name="x", *, owner=None):
    """Raise ``TypeError`` if a layer built for ``expected`` receives another dtype."""
    if x.dtype != expected:
        raise TypeError(
            f"{_where(owner)}argument '{name}' has dtype {x.dtype} but the layer's "
            f"parameters are {np.dtype(expected)}; cast with {name}.astype(np.{np.dtype(expected)}) "
            f"or build the layer with dtype=np.{x.dtype}"
        )
    return x


def check_channels(x, expected, *, owner, wanted):
    """Raise ``ValueError`` unless axis 1 of ``x`` has ``expected`` channels.

    ``wanted`` finishes the sentence, e.g. ``"the layer expects in_channels=3"``.
    """
    if x.shape[1] != expected:
        raise ValueError(f"{owner}: argument 'x' has {x.shape[1]} channels (shape {x.shape}) "
                         f"but {wanted}")
    return x


def check_int(value, name, *, minimum=None, owner=None):
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{_where(owner)}argument '{name}' must be an integer, got {value!r} "
            f"({type(value).__name__})"
        )
    if minimum is not None and value < minimum:
        raise ValueError(
            f"{_where(owner)}argument '{name}' must be >= {minimum}, got {value}"
        )
    return int(value)


def check_pair(value, name, *, minimum=None, owner=None):
    """Return an ``(int, int)`` from an int or a pair of ints (kernel, stride, padding)."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{_where(owner)}argument '{name}' must be an int or a pair (h, w), "
                f"got {value!r}"
            )
        return tuple(check_int(v, name, minimum=minimum, owner=owner) for v in value)
    v = check_int(value, name, minimum=minimum, owner=owner)
    return (v, v)


def check_float(value, name, *, low=None, high=None, low_open=False, high_open=False,
                owner=None):
    """Return ``value`` as a ``float`` inside the given interval.

    ``low_open``/``high_open`` exclude the bound itself, so ``(0, 1)`` versus ``[0, 1)``.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{_where(owner)}argument '{name}' must be a real number, got {value!r} "
            f"({type(value).__name__})"
        )
    value = float(value)
    bad_low = low is not None and (value <= low if low_open else value < low)
    bad_high = high is not None and (value >= high if high_open else value > high)
    if not np.isfinite(value) or bad_low or bad_high:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        raise ValueError(
            f"{_where(owner)}argument '{name}' must lie in {left}{lo}, {hi}{right}, got {value!r}"
        )
    return value


def check_dtype(dtype, *, owner=None):
    """Return ``numpy.dtype(dtype)`` if it is a floating dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{_where(owner)}argument 'dtype' is not a dtype: {dtype!r}") from err
    if not np.issubdtype(dt, np.floating):
        raise TypeError(
            f"{_where(owner)}argument 'dtype' must be a floating dtype such as np.float32, "
            f"got {dt}"
        )
    return dt


def check_labels(labels, n, num_classes, owner):
    """Validate integer class labels for ``n`` samples and ``num_classes`` classes."""
    if not isinstance(labels, np.ndarray):
        raise TypeError(f"{owner}: argument 'labels' must be a numpy.ndarray of class "
                        f"indices, got {type(labels).__name__}")
    if not np.issubdtype(labels.dtype, np.integer):
        hint = (" (one-hot? use labels.argmax(axis=1))" if labels.ndim == 2 else "")
        raise TypeError(f"{owner}: argument 'labels' must hold integer class indices, got "
                        f"dtype {labels.dtype} with shape {labels.shape}{hint}")
    if labels.shape != (n,):
        raise ValueError(f"{owner}: argument 'labels' must have shape ({n},) to match the "
                         f"{n} rows of 'logits', got shape {labels.shape}")
    if n and (labels.min() < 0 or labels.max() >= num_classes):
        bad = labels[(labels < 0) | (labels >= num_classes)][0]
        raise ValueError(f"{owner}: argument 'labels' contains {bad}, outside the class "
                         f"range [0, {num_classes - 1}] given by logits of width {num_classes}")
    return labels
