"""Numerical gradients by central differences, and a check of any module's backward."""

from __future__ import annotations

import numpy as np

from dlbook._random import as_generator


def numerical_gradient(f, x, eps=1e-6, indices=None):
    r"""Central-difference gradient of a scalar function ``f`` at ``x``.

    :math:`\partial f/\partial x_i \approx (f(x + h e_i) - f(x - h e_i)) / 2h`.
    ``x`` is perturbed in place and restored.  ``indices`` (flat positions)
    limits the work to a sample of coordinates; the others are left at 0.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.gradcheck import numerical_gradient
    >>> x = np.array([1.0, 2.0])
    >>> np.round(numerical_gradient(lambda: np.sum(x ** 3), x), 6)
    array([ 3., 12.])
    """
    grad = np.zeros_like(x, dtype=np.float64)
    flat = x.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("argument 'x' must be contiguous so it can be perturbed in place")
    gflat = grad.reshape(-1)
    for i in range(flat.size) if indices is None else indices:
        old = flat[i]
        flat[i] = old + eps
        plus = float(f())
        flat[i] = old - eps
        minus = float(f())
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    r"""Largest :math:`|a - b|` relative to the size of the two arrays.

    :math:`\max|a-b| / \max(\max|a| + \max|b|, 10^{-12})`, so it is scale-free and
    stays defined when both are zero.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.gradcheck import relative_error
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-9])) < 1e-9
    True
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    scale = max(np.max(np.abs(a), initial=0.0) + np.max(np.abs(b), initial=0.0), 1e-12)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)


def _rng_states(module):
    """Snapshot the generators of stochastic layers (dropout) so each forward repeats."""
    return [(m, m.rng.bit_generator.state) for m in module.modules()
            if isinstance(getattr(m, "rng", None), np.random.Generator)]


def check_module_gradients(module, x, eps=1e-6, rng=0, max_checks=None, forward=None):
    r"""Compare ``module.backward`` with numerical gradients; return the relative errors.

    The scalar checked is :math:`L = \sum y \odot R` for a fixed random ``R``, so
    :math:`\partial L/\partial y = R`.  Run it in float64.

    Parameters
    ----------
    module : Module
        The layer or model to check (in whatever mode it is in).
    x : numpy.ndarray
        An input; its gradient is checked too.
    eps : float
        Step of the central difference.
    rng : int or numpy.random.Generator
        Source of ``R`` and of sampled coordinates.
    max_checks : int, optional
        Check at most this many coordinates of each array (sampled), for big models.
    forward : callable, optional
        ``forward(x) -> y`` to use instead of ``module(x)`` (e.g. to pick one output).

    Returns
    -------
    dict
        ``{"x": err, "W": err, ...}``: relative error per input and parameter.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Linear
    >>> from dlbook.gradcheck import check_module_gradients
    >>> fc = Linear(4, 3, rng=0, dtype=np.float64)
    >>> errors = check_module_gradients(fc, np.random.default_rng(1).standard_normal((2, 4)))
    >>> sorted(errors), max(errors.values()) < 1e-6
    (['W', 'b', 'x'], True)
    """
    rng = as_generator(rng)
    forward = forward or module
    states = _rng_states(module)

    def run():
        for m, state in states:
            m.rng.bit_generator.state = state
        return forward(x)

    y = run()
    weights = rng.standard_normal(y.shape)
    module.zero_grad()
    dx = module.backward(weights.astype(y.dtype))
    analytic = {"x": dx}
    analytic.update({name: p.grad for name, p in module.named_parameters()})
    arrays = {"x": x}
    arrays.update({name: p.data for name, p in module.named_parameters()})

    def loss():
        return np.sum(run() * weights)

    errors = {}
    for name, arr in arrays.items():
        grad = analytic[name]
        if grad is None:
            raise AssertionError(f"backward left the gradient of '{name}' empty")
        idx = None
        if max_checks is not None and arr.size > max_checks:
            idx = rng.choice(arr.size, size=max_checks, replace=False)
        numeric = numerical_gradient(loss, arr, eps, idx)
        if idx is None:
            errors[name] = relative_error(grad, numeric)
        else:
            errors[name] = relative_error(np.asarray(grad).reshape(-1)[idx],
                                          numeric.reshape(-1)[idx])
    for m, state in states:
        m.rng.bit_generator.state = state
    return errors
