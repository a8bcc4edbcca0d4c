"""Pure functions: activations and their derivatives, softmax, cross-entropy.

Layers in :mod:`dlbook.nn` call these; pages plot them directly.
"""

from dlbook.functional.activations import (
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    swish,
    swish_derivative,
    tanh,
    tanh_derivative,
)
from dlbook.functional.losses import cross_entropy, log_softmax, softmax

__all__ = [
    "cross_entropy",
    "leaky_relu",
    "leaky_relu_derivative",
    "log_softmax",
    "relu",
    "relu_derivative",
    "sigmoid",
    "sigmoid_derivative",
    "softmax",
    "swish",
    "swish_derivative",
    "tanh",
    "tanh_derivative",
]
