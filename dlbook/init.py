r"""Weight initialisers (notes 1.1.2).

Every initialiser takes a weight *shape* and works out fan-in and fan-out from it:
Linear weights are ``(out, in)``, Conv2d weights ``(out, in, kh, kw)``.

- ``xavier_simple``: normal, std :math:`1/\sqrt{n_\text{in}}` (the notes' "Xavier");
- ``xavier_normal``: normal, variance :math:`2/(n_\text{in}+n_\text{out})`
  (Glorot & Bengio, 2010);
- ``xavier_uniform``: uniform on :math:`\pm\sqrt{6/(n_\text{in}+n_\text{out})}`
  (their eq. (16));
- ``he_normal``: normal, std :math:`\sqrt{2/n_\text{in}}` (He et al., 2015);
- ``he_uniform``: uniform on :math:`\pm\sqrt{6/n_\text{in}}`, the same variance.

(The notes give He's standard deviation as :math:`2/\sqrt{n}`; the paper's is
:math:`\sqrt{2/n}`.)
"""

from __future__ import annotations

import math

import numpy as np

from dlbook._checks import check_dtype, check_float, check_int
from dlbook._random import as_generator


def fan_in_and_fan_out(shape):
    """Return ``(fan_in, fan_out)`` for a Linear ``(out, in)`` or Conv2d ``(out, in, kh, kw)`` shape.

    Examples
    --------
    >>> from dlbook.init import fan_in_and_fan_out
    >>> fan_in_and_fan_out((84, 120))
    (120, 84)
    >>> fan_in_and_fan_out((16, 6, 5, 5))
    (150, 400)
    """
    shape = _check_weight_shape(shape)
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _check_weight_shape(shape):
    """A weight shape has at least the two dimensions (out, in)."""
    shape = _check_shape(shape)
    if len(shape) < 2:
        raise ValueError(
            f"argument 'shape' must have at least 2 dimensions (out, in, ...), got {shape}"
        )
    return shape


def _check_shape(shape):
    """Return ``shape`` as a tuple of positive ints, or raise naming 'shape'."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"argument 'shape' must be a tuple of ints such as (out, in), "
                        f"got {shape!r}")
    return tuple(check_int(d, "shape", minimum=1) for d in shape)


def zeros(shape, rng=None, dtype=np.float32):
    """All-zero array (used for biases; for weights it is the mistake of quiz 1).

    The arguments are those of every initialiser here, in the same order.  ``rng``
    draws nothing; it is accepted (and checked) so that ``zeros`` can be passed as a
    ``weight_init`` (``MLP(..., weight_init="zeros")``) to reproduce quiz 1.

    Examples
    --------
    >>> from dlbook.init import zeros
    >>> w = zeros((2, 3))
    >>> w.dtype, float(w.sum())
    (dtype('float32'), 0.0)
    """
    as_generator(rng)  # draws nothing; rejects a dtype given where rng goes (the old order)
    return np.zeros(_check_shape(shape), dtype=check_dtype(dtype))


def normal(shape, std, rng=None, dtype=np.float32):
    """Gaussian weights with mean 0 and standard deviation ``std``.

    Examples
    --------
    >>> from dlbook.init import normal
    >>> round(float(normal((1000, 1000), std=0.01, rng=0).std()), 4)
    0.01
    """
    shape = _check_shape(shape)
    std = check_float(std, "std", low=0.0)
    dtype = check_dtype(dtype)
    return (as_generator(rng).standard_normal(shape) * std).astype(dtype)


def uniform(shape, bound, rng=None, dtype=np.float32):
    """Weights drawn uniformly from ``[-bound, bound]`` (variance ``bound**2 / 3``).

    Examples
    --------
    >>> from dlbook.init import uniform
    >>> w = uniform((500, 600), bound=0.3, rng=0)
    >>> round(float(abs(w).max()), 2), round(float(w.var()), 3)  # 0.3**2 / 3 = 0.03
    (0.3, 0.03)
    """
    shape = _check_shape(shape)
    bound = check_float(bound, "bound", low=0.0)
    dtype = check_dtype(dtype)
    return as_generator(rng).uniform(-bound, bound, size=shape).astype(dtype)


def xavier_normal(shape, rng=None, dtype=np.float32):
    r"""Glorot & Bengio (2010): normal with :math:`\sigma = \sqrt{2 / (n_\text{in} + n_\text{out})}`.

    The variance of their "normalized initialization" drawn from a Gaussian instead
    of a uniform, as ``torch.nn.init.xavier_normal_`` does.

    Examples
    --------
    >>> from dlbook.init import xavier_normal
    >>> round(float(xavier_normal((300, 100), rng=0).std()), 3)  # sqrt(2/400)
    0.071
    """
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return normal(shape, math.sqrt(2.0 / (fan_in + fan_out)), rng, dtype)


def xavier_uniform(shape, rng=None, dtype=np.float32):
    r"""Glorot & Bengio (2010), eq. (16): uniform on :math:`\pm\sqrt{6 / (n_\text{in} + n_\text{out})}`.

    Examples
    --------
    >>> from dlbook.init import xavier_uniform
    >>> round(float(abs(xavier_uniform((300, 100), rng=0)).max()), 3)  # sqrt(6/400)
    0.122
    """
    fan_in, fan_out = fan_in_and_fan_out(shape)
    return uniform(shape, math.sqrt(6.0 / (fan_in + fan_out)), rng, dtype)


def xavier_simple(shape, rng=None, dtype=np.float32):
    r"""The notes' simplified Xavier: normal with :math:`\sigma = 1/\sqrt{n_\text{in}}`.

    It is what Glorot & Bengio's condition gives when fan-in equals fan-out.

    Examples
    --------
    >>> from dlbook.init import xavier_simple
    >>> round(float(xavier_simple((100, 100), rng=0).std()), 2)
    0.1
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return normal(shape, 1.0 / math.sqrt(fan_in), rng, dtype)


def he_normal(shape, rng=None, dtype=np.float32):
    r"""He et al. (2015): normal with :math:`\sigma = \sqrt{2 / n_\text{in}}`.

    Examples
    --------
    >>> from dlbook.init import he_normal
    >>> round(float(he_normal((100, 200), rng=0).std()), 2)  # sqrt(2/200)
    0.1
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return normal(shape, math.sqrt(2.0 / fan_in), rng, dtype)


def he_uniform(shape, rng=None, dtype=np.float32):
    r"""He et al. (2015) variance :math:`2/n_\text{in}` as a uniform on :math:`\pm\sqrt{6 / n_\text{in}}`.

    Examples
    --------
    >>> from dlbook.init import he_uniform
    >>> round(float(abs(he_uniform((100, 600), rng=0)).max()), 2)  # sqrt(6/600)
    0.1
    """
    fan_in, _ = fan_in_and_fan_out(shape)
    return uniform(shape, math.sqrt(6.0 / fan_in), rng, dtype)


INITIALIZERS = {
    "zeros": zeros,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "xavier_simple": xavier_simple,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
}


def get_initializer(name_or_fn):
    """Return an initialiser from its name (``"he_normal"``) or a callable ``f(shape, rng, dtype)``.

    Examples
    --------
    >>> from dlbook.init import get_initializer
    >>> get_initializer("he_normal").__name__
    'he_normal'
    """
    if callable(name_or_fn):
        return name_or_fn
    if name_or_fn not in INITIALIZERS:
        raise ValueError(
            f"argument 'weight_init' must be one of {sorted(INITIALIZERS)} or a callable "
            f"f(shape, rng, dtype), got {name_or_fn!r}"
        )
    return INITIALIZERS[name_or_fn]
