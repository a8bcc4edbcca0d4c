"""A multi-layer perceptron built from :mod:`dlbook.nn` layers, for the Part 1 experiments."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_float, check_int
from dlbook._random import as_generator
from dlbook.nn import LeakyReLU, Linear, ReLU, Sequential, Sigmoid, Swish, Tanh

ACTIVATIONS = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leaky_relu": LeakyReLU,
               "swish": Swish}


class MLP(Sequential):
    """Linear → [BatchNorm1d] → activation → [Dropout], repeated, then a Linear output layer.

    Parameters
    ----------
    in_features : int
        Size of each input vector.
    hidden : list of int
        Width of each hidden layer.
    out_features : int
        Number of outputs (classes).
    activation : str
        One of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"swish"``.
    weight_init : str or callable
        Initialiser of every weight matrix (see :mod:`dlbook.init`).
    batch_norm : bool
        Insert a ``BatchNorm1d`` after each hidden ``Linear``.
    dropout : float
        Dropout rate after each hidden activation (0 disables it).
    rng : int or numpy.random.Generator
        Source of the initial weights and dropout masks.
    dtype : numpy dtype
        Parameter dtype.

    Examples
    --------
    >>> from dlbook.models import MLP
    >>> net = MLP(64, [32, 32], 10, activation="tanh", rng=0)
    >>> [type(m).__name__ for m in net]
    ['Linear', 'Tanh', 'Linear', 'Tanh', 'Linear']
    >>> net.num_parameters()  # 64*32+32 + 32*32+32 + 32*10+10
    3466
    """

    def __init__(self, in_features, hidden, out_features, activation="relu",
                 weight_init="he_normal", batch_norm=False, dropout=0.0, rng=None,
                 dtype=np.float32):
        if activation not in ACTIVATIONS:
            raise ValueError(f"MLP: argument 'activation' must be one of "
                             f"{sorted(ACTIVATIONS)}, got {activation!r}")
        hidden = [check_int(h, "hidden", minimum=1, owner="MLP") for h in hidden]
        dropout = check_float(dropout, "dropout", low=0.0, high=1.0, high_open=True,
                              owner="MLP")
        rng = as_generator(rng)
        layers = []
        sizes = [in_features, *hidden]
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            layers.append(Linear(fan_in, fan_out, weight_init=weight_init, rng=rng, dtype=dtype))
            if batch_norm:
                from dlbook.nn import BatchNorm1d

                layers.append(BatchNorm1d(fan_out, dtype=dtype))
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                from dlbook.nn import Dropout

                layers.append(Dropout(dropout, rng=rng))
        layers.append(Linear(sizes[-1], out_features, weight_init=weight_init, rng=rng,
                             dtype=dtype))
        super().__init__(*layers)

    def linear_layers(self):
        """The ``Linear`` layers in order (handy for per-layer plots)."""
        return [m for m in self if isinstance(m, Linear)]
