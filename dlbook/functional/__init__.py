"""Pure functions, one per equation, forward and backward: activations, the fully connected
map, convolution, pooling, normalisation, local response normalisation, softmax and
cross-entropy.

Layers in :mod:`dlbook.nn` call these; pages show and plot them directly.
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
from dlbook.functional.conv import (
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv_output_size,
    im2col,
    output_hw,
)
from dlbook.functional.linear import linear, linear_backward
from dlbook.functional.losses import cross_entropy, log_softmax, softmax
from dlbook.functional.lrn import (
    channel_window,
    channel_window_sum,
    local_response_norm,
    local_response_norm_backward,
)
from dlbook.functional.normalization import NormalizeCache, normalize, normalize_backward
from dlbook.functional.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    pool_geometry,
    window_sizes,
)

__all__ = [
    "avg_pool2d",
    "avg_pool2d_backward",
    "col2im",
    "conv2d",
    "conv2d_backward",
    "conv2d_naive",
    "conv_output_size",
    "im2col",
    "output_hw",
    "max_pool2d",
    "max_pool2d_backward",
    "pool_geometry",
    "window_sizes",
    "NormalizeCache",
    "normalize",
    "normalize_backward",
    "cross_entropy",
    "leaky_relu",
    "leaky_relu_derivative",
    "linear",
    "linear_backward",
    "channel_window",
    "channel_window_sum",
    "local_response_norm",
    "local_response_norm_backward",
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
