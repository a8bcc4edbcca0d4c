r"""The one normalise-over-axes core shared by every normalisation layer (notes 1.1.3).

Batch, layer, instance and group normalisation differ only in *which axes* the
mean and variance are taken over (notes Figs. 3–6).  :func:`normalize` computes

.. math::

    \mu = \frac{1}{m}\sum x, \qquad \sigma^2 = \frac{1}{m}\sum (x - \mu)^2, \qquad
    \hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}

over the given axes (notes eqs. (8'), (9'), (11')); :func:`normalize_backward` is its
hand-derived gradient.  The layers in :mod:`dlbook.nn` add the scale and shift
:math:`y = \gamma\hat{x} + \beta` (notes eq. (12)).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from dlbook._checks import check_array, check_float


class NormalizeCache(NamedTuple):
    """What :func:`normalize_backward` needs, and the statistics a layer may keep.

    ``mean``, ``var`` and ``inv_std`` keep the normalised axes with length 1, so they
    broadcast against ``x``.  ``fixed`` is ``True`` when the statistics were given
    (inference with running statistics) rather than computed from ``x``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import normalize
    >>> _, cache = normalize(np.array([[1.0, 3.0]]), axes=(1,), eps=0.0)
    >>> cache.mean, cache.var, cache.axes, cache.fixed
    (array([[2.]]), array([[1.]]), (1,), False)
    """

    x_hat: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    inv_std: np.ndarray
    axes: tuple
    fixed: bool


def _check_axes(axes, ndim):
    if isinstance(axes, (int, np.integer)):
        axes = (axes,)
    try:
        axes = tuple(int(a) for a in axes)
    except TypeError as err:
        raise TypeError(f"normalize: argument 'axes' must be an int or a tuple of ints, "
                        f"got {axes!r}") from err
    if not axes:
        raise ValueError("normalize: argument 'axes' is empty; expected at least one axis")
    normalised = tuple(a % ndim if -ndim <= a < ndim else None for a in axes)
    if None in normalised:
        raise ValueError(f"normalize: argument 'axes' = {axes} is out of range for an "
                         f"array with {ndim} dimensions")
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"normalize: argument 'axes' = {axes} repeats an axis")
    return tuple(sorted(normalised))


def _check_normalize(x, axes, eps, mean, var):
    """Validate :func:`normalize`'s arguments; return ``axes`` sorted and ``eps`` as a float.

    This is the one place that scans ``x`` for NaN and infinity: the normalisation layers
    leave that scan to it.
    """
    check_array(x, "x", owner="normalize")
    axes = _check_axes(axes, x.ndim)
    eps = check_float(eps, "eps", low=0.0, owner="normalize")
    kept = tuple(1 if a in axes else n for a, n in enumerate(x.shape))
    if (mean is None) != (var is None):
        raise ValueError("normalize: give both 'mean' and 'var' (fixed statistics) or neither")
    if mean is not None:
        for name, stat in (("mean", mean), ("var", var)):
            check_array(stat, name, owner="normalize")
            if np.broadcast_shapes(stat.shape, kept) != kept:
                raise ValueError(f"normalize: argument '{name}' has shape {stat.shape}; "
                                 f"expected one value per normalised slice, shape {kept}")
        if np.any(var < 0):
            raise ValueError("normalize: argument 'var' has negative entries; a variance "
                             "must be >= 0")
    # Only a direct call can pass eps=0 (the layers require eps > 0), so only then is the
    # variance computed an extra time, to refuse a division by zero.
    if eps == 0.0 and np.any((var if mean is not None else x.var(axis=axes)) == 0):
        raise ValueError("normalize: a slice has variance 0 and eps=0, so x_hat would "
                         "divide by zero; use eps > 0")
    return axes, eps


def _check_normalize_backward(dx_hat, cache):
    if not isinstance(cache, NormalizeCache):
        raise TypeError(f"normalize_backward: argument 'cache' must be the NormalizeCache "
                        f"returned by normalize, got {type(cache).__name__}")
    check_array(dx_hat, "dx_hat", owner="normalize_backward")
    if dx_hat.shape != cache.x_hat.shape:
        raise ValueError(f"normalize_backward: argument 'dx_hat' has shape {dx_hat.shape} "
                         f"but the forward output had shape {cache.x_hat.shape}")


def normalize(x, axes, eps=1e-5, mean=None, var=None):
    r"""Standardise ``x`` over ``axes``: notes eqs. (8'), (9'), (11').

    .. math::

        \hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}

    With ``mean``/``var`` omitted the statistics are computed from ``x`` over
    ``axes`` (the biased variance, :math:`1/m`, as in notes eq. (9')).  Given, they are
    used as constants (batch normalisation at inference).

    Parameters
    ----------
    x : numpy.ndarray
        Floating input of any shape.
    axes : int or tuple of int
        The axes that share one mean and variance, e.g. ``(0, 2, 3)`` for batch
        normalisation of ``(N, C, H, W)`` data.
    eps : float
        Added to the variance so the denominator is never 0 (notes: 微小値).
    mean, var : numpy.ndarray, optional
        Fixed statistics, broadcastable to ``x`` with length 1 on ``axes``.

    Returns
    -------
    x_hat : numpy.ndarray
        The normalised array, same shape and dtype as ``x``.
    cache : NormalizeCache
        Everything :func:`normalize_backward` needs, plus ``mean`` and ``var``.

    Examples
    --------
    One row of four numbers: mean 2.5, variance 1.25.

    >>> import numpy as np
    >>> from dlbook.functional import normalize
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
    >>> x_hat, cache = normalize(x, axes=1, eps=0.0)
    >>> float(cache.mean[0, 0]), float(cache.var[0, 0])
    (2.5, 1.25)
    >>> np.round(x_hat * np.sqrt(1.25), 6)
    array([[-1.5, -0.5,  0.5,  1.5]])
    """
    axes, eps = _check_normalize(x, axes, eps, mean, var)
    fixed = mean is not None
    if fixed:
        # given statistics (batch norm at inference) are constants
        mean, var = mean.astype(x.dtype), var.astype(x.dtype)
        centered = x - mean
    else:
        # eqs. (8') and (9'): the mean and the (biased) variance over axes
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = np.mean(np.square(centered), axis=axes, keepdims=True)
    inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype, copy=False)
    # eq. (11'), in place: one temporary of x's size, not two
    x_hat = centered
    x_hat *= inv_std
    return x_hat, NormalizeCache(x_hat, mean, var, inv_std, axes, fixed)


def normalize_backward(dx_hat, cache):
    r"""Gradient of :func:`normalize`: d(loss)/dx from d(loss)/d(x_hat).

    Differentiating through the mean and the variance, with :math:`m` values per slice,

    .. math::

        \frac{\partial L}{\partial x} = \frac{1}{\sqrt{\sigma^2 + \epsilon}}
        \Big(g - \overline{g} - \hat{x}\,\overline{g\,\hat{x}}\Big),
        \qquad g = \frac{\partial L}{\partial \hat{x}},

    where the bars are means over the normalised axes.  With fixed statistics
    (inference) it is just :math:`g / \sqrt{\sigma^2 + \epsilon}`.

    Parameters
    ----------
    dx_hat : numpy.ndarray
        Upstream gradient, same shape as ``x_hat``.
    cache : NormalizeCache
        The second value returned by :func:`normalize`.

    Returns
    -------
    numpy.ndarray
        The gradient with respect to ``x``.

    Examples
    --------
    Shifting every input by the same amount does not change ``x_hat``, so a
    constant upstream gradient gives zero:

    >>> import numpy as np
    >>> from dlbook.functional import normalize, normalize_backward
    >>> _, cache = normalize(np.array([[1.0, 2.0, 4.0]]), axes=1)
    >>> bool(np.allclose(normalize_backward(np.ones((1, 3)), cache), 0))
    True
    """
    _check_normalize_backward(dx_hat, cache)
    if cache.fixed:
        return dx_hat * cache.inv_std
    x_hat, axes = cache.x_hat, cache.axes
    mean_g = dx_hat.mean(axis=axes, keepdims=True)
    mean_gx = (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    return cache.inv_std * (dx_hat - mean_g - x_hat * mean_gx)
