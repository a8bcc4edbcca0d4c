"""Measurements the pages plot and the tests assert: gradient norms, activations."""

from __future__ import annotations

import numpy as np


def gradient_norms(model, loss_fn, X, y, layer_type=None):
    """One forward and backward pass; return the gradient norm of each layer's weight ``W``.

    Parameters
    ----------
    model : Module
        The network (run in its current mode).
    loss_fn : Module
        e.g. :class:`~dlbook.nn.SoftmaxCrossEntropy`.
    X, y : numpy.ndarray
        A batch and its labels.
    layer_type : type, optional
        Only report parameters of sub-modules of this type.

    Returns
    -------
    dict
        ``{"0.W": ||dL/dW||, ...}`` in forward order.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import MLP
    >>> from dlbook.nn import SoftmaxCrossEntropy
    >>> from dlbook.diagnostics import gradient_norms
    >>> net = MLP(4, [8, 8], 3, rng=0)
    >>> X = np.random.default_rng(0).standard_normal((16, 4)).astype(np.float32)
    >>> list(gradient_norms(net, SoftmaxCrossEntropy(), X, np.zeros(16, dtype=int)))
    ['0.W', '2.W', '4.W']
    """
    model.zero_grad()
    loss_fn(model(X), y)
    model.backward(loss_fn.backward())
    norms = {}
    for prefix, m in model.named_modules():
        if layer_type is not None and not isinstance(m, layer_type):
            continue
        w = m._parameters.get("W")
        if w is not None and w.grad is not None:
            norms[f"{prefix}.W" if prefix else "W"] = float(np.linalg.norm(w.grad))
    model.zero_grad()
    return norms


def layer_outputs(model, X, layer_type):
    """Run ``model`` on ``X`` and return the output of every sub-module of ``layer_type``.

    Used for the activation histograms of the initialisation page.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import MLP
    >>> from dlbook.nn import Tanh
    >>> from dlbook.diagnostics import layer_outputs
    >>> outs = layer_outputs(MLP(4, [8, 8], 3, activation="tanh", rng=0),
    ...                      np.ones((2, 4), np.float32), Tanh)
    >>> [o.shape for o in outs]
    [(2, 8), (2, 8)]
    """
    log = []
    chosen = [m for m in model.modules() if isinstance(m, layer_type)]
    for m in chosen:
        object.__setattr__(m, "_summary_log", log)
    try:
        model(X)
    finally:
        for m in chosen:
            object.__setattr__(m, "_summary_log", None)
    return [out for _, out in log]


def shared_statistics(layer, x_shape, index, rng=0):
    """Which inputs share a mean and variance with ``x[index]`` in ``layer``'s forward pass.

    Found by experiment, not by reading the code: nudge ``x[index]`` and mark every
    output that moves.  For a normalisation layer those are exactly the values
    normalised together with it (its notes Figs. 3–6 region).

    Parameters
    ----------
    layer : Module
        Run in its current mode (use training mode for batch normalisation).
    x_shape : tuple of int
        Input shape, e.g. ``(N, C, H, W)``.
    index : tuple of int
        The input value to nudge.
    rng : int or numpy.random.Generator
        Source of the random input.

    Returns
    -------
    numpy.ndarray
        Boolean array of shape ``x_shape``.

    Examples
    --------
    >>> from dlbook.diagnostics import shared_statistics
    >>> from dlbook.nn import BatchNorm2d, LayerNorm
    >>> shape = (4, 6, 1, 5)                           # N, C, H, W
    >>> int(shared_statistics(BatchNorm2d(6, dtype=np.float64), shape, (0, 2, 0, 2)).sum())
    20
    >>> int(shared_statistics(LayerNorm((6, 1, 5), dtype=np.float64), shape, (0, 2, 0, 2)).sum())
    30
    """
    from dlbook._random import as_generator

    x = as_generator(rng).standard_normal(tuple(x_shape))
    bumped = x.copy()
    bumped[tuple(index)] += 1.0
    return np.abs(layer(bumped) - layer(x)) > 1e-12
