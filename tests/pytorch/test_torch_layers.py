"""Every dlbook layer against its PyTorch module: outputs, input and parameter gradients.

float64 throughout; tolerances are float64 round-off (1e-12) because both sides compute
the same formula, only in a different order.
"""

import numpy as np
import pytest
import torch
from torch import nn

import torch_layers
from dlbook import nn as dnn
from dlbook.functional import conv_output_size
from torch_helpers import close, compare_layer, t

F64 = np.float64


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Swish"])
def test_activations_equal_their_torch_modules(name, gen):
    x = gen.standard_normal((4, 7)) * 3
    compare_layer(getattr(dnn, name)(), torch_layers.activations()[name], x, gen)


def test_swish_with_any_beta_is_the_torch_expression(gen):
    x = gen.standard_normal((3, 5)) * 3
    layer = dnn.Swish(beta=1.7)
    xt = t(x, grad=True)
    yt = torch_layers.swish(xt, beta=1.7)
    close(layer(x), yt)
    dout = gen.standard_normal(x.shape)
    yt.backward(t(dout))
    close(layer.backward(dout), xt.grad)


def test_linear_and_flatten(gen):
    layer = dnn.Sequential({"flatten": dnn.Flatten(),
                            "fc": dnn.Linear(2 * 3 * 3, 5, rng=gen, dtype=F64)})
    module = nn.Sequential()
    module.add_module("flatten", nn.Flatten())
    module.add_module("fc", nn.Linear(18, 5))
    compare_layer(layer, module, gen.standard_normal((4, 2, 3, 3)), gen)


def test_linear_without_bias(gen):
    compare_layer(dnn.Linear(6, 3, bias=False, rng=gen, dtype=F64), nn.Linear(6, 3, bias=False),
                  gen.standard_normal((5, 6)), gen)


def test_fully_connected_is_what_torch_linear_computes(gen):
    x, W, b = gen.standard_normal((4, 6)), gen.standard_normal((3, 6)), gen.standard_normal(3)
    close(torch_layers.fully_connected(t(x), t(W), t(b)),
          nn.functional.linear(t(x), t(W), t(b)))
    fc = dnn.Linear(6, 3, dtype=F64)
    fc.W.data, fc.b.data = W, b
    close(fc(x), torch_layers.fully_connected(t(x), t(W), t(b)))


def test_conv_layer_of_the_page(gen):
    layer = dnn.Conv2d(3, 8, 3, stride=2, padding=1, rng=gen, dtype=F64)
    compare_layer(layer, torch_layers.conv_layer(), gen.standard_normal((2, 3, 9, 9)), gen)


@pytest.mark.parametrize("kernel, stride, padding, bias, size", [
    (1, 1, 0, True, 5),          # pointwise (GoogLeNet's reductions)
    (3, 1, 1, True, 6),          # "same" padding
    (5, 1, 2, False, 7),         # no bias
    (11, 4, 0, True, 23),        # AlexNet conv1 geometry
    ((3, 5), (2, 1), (1, 2), True, 9),
])
def test_conv2d(kernel, stride, padding, bias, size, gen):
    layer = dnn.Conv2d(3, 4, kernel, stride=stride, padding=padding, bias=bias, rng=gen,
                       dtype=F64)
    module = nn.Conv2d(3, 4, kernel, stride=stride, padding=padding, bias=bias)
    compare_layer(layer, module, gen.standard_normal((2, 3, size, size)), gen)


def test_conv2d_floor_rounding_is_torchs_silent_floor(gen):
    # (224 + 2*3 - 7)/2 + 1 = 112.5: dlbook refuses by default, PyTorch floors.
    with pytest.raises(ValueError, match="fractional"):
        conv_output_size(224, 7, stride=2, padding=3)
    assert conv_output_size(224, 7, stride=2, padding=3, rounding="floor") == 112
    assert nn.Conv2d(1, 1, 7, stride=2, padding=3)(torch.zeros(1, 1, 224, 224)).shape[-1] == 112
    layer = dnn.Conv2d(2, 3, 7, stride=2, padding=3, rounding="floor", rng=gen, dtype=F64)
    compare_layer(layer, nn.Conv2d(2, 3, 7, stride=2, padding=3),
                  gen.standard_normal((1, 2, 12, 12)), gen)


@pytest.mark.parametrize("kind, size", [("max", 9), ("avg", 9), ("max_ceil", 10)])
def test_pooling_layers_of_the_page(kind, size, gen):
    layers = {"max": dnn.MaxPool2d(3, stride=2, padding=1),
              "avg": dnn.AvgPool2d(3, stride=2, padding=1),
              "max_ceil": dnn.MaxPool2d(3, stride=2, rounding="ceil")}
    compare_layer(layers[kind], torch_layers.pooling_layers()[kind],
                  gen.standard_normal((2, 3, size, size)), gen)


@pytest.mark.parametrize("cls, torch_cls", [(dnn.MaxPool2d, nn.MaxPool2d),
                                            (dnn.AvgPool2d, nn.AvgPool2d)])
@pytest.mark.parametrize("kernel, stride, padding, rounding, size", [
    (2, None, 0, "exact", 8),
    (3, 2, 0, "exact", 7),
    (3, 1, 1, "exact", 6),
    (3, 2, 0, "ceil", 8),         # GoogLeNet's ceil-mode pools
    (3, 2, 1, "ceil", 10),
    (2, 2, 0, "floor", 7),
    ((3, 2), (2, 1), (1, 0), "exact", 9),
])
def test_pooling(cls, torch_cls, kernel, stride, padding, rounding, size, gen):
    layer = cls(kernel, stride=stride, padding=padding, rounding=rounding)
    module = torch_cls(kernel, stride=stride, padding=padding, ceil_mode=rounding == "ceil")
    compare_layer(layer, module, gen.standard_normal((2, 3, size, size)), gen)


@pytest.mark.parametrize("cls, build", [(dnn.GlobalAvgPool2d, torch_layers.global_avg_pool),
                                        (dnn.GlobalMaxPool2d, torch_layers.global_max_pool)])
def test_global_pools(cls, build, gen):
    out = compare_layer(cls(), build(), gen.standard_normal((3, 4, 5, 6)), gen)
    assert out.shape == (3, 4)


@pytest.mark.parametrize("name, shape", [("BatchNorm1d", (8, 6)), ("BatchNorm1d", (8, 6, 3)),
                                         ("BatchNorm2d", (4, 6, 3, 3))])
def test_batch_norm_train_eval_and_running_stats(name, shape, gen):
    layer = getattr(dnn, name)(6, dtype=F64)
    module = torch_layers.normalization_layers()[name].double()
    layer.gamma.data = gen.uniform(0.5, 2, 6)
    layer.beta.data = gen.standard_normal(6)
    for _ in range(3):                         # three training steps update the buffers
        compare_layer(layer, module, gen.normal(2.0, 3.0, shape), gen)
        close(layer.running_mean, module.running_mean)
        close(layer.running_var, module.running_var)
        assert int(layer.num_batches_tracked) == int(module.num_batches_tracked)
    layer.eval()
    module.eval()
    compare_layer(layer, module, gen.normal(2.0, 3.0, shape), gen)


def test_batch_norm_momentum_none_is_the_cumulative_average(gen):
    layer = dnn.BatchNorm2d(3, momentum=None, dtype=F64)
    module = nn.BatchNorm2d(3, momentum=None)
    for _ in range(4):
        compare_layer(layer, module, gen.normal(1.0, 2.0, (5, 3, 2, 2)), gen)
    close(layer.running_mean, module.running_mean)
    close(layer.running_var, module.running_var)


@pytest.mark.parametrize("name", ["LayerNorm", "InstanceNorm2d", "GroupNorm"])
def test_normalization_family(name, gen):
    layers = {"LayerNorm": dnn.LayerNorm((6, 4, 4), dtype=F64),
              "InstanceNorm2d": dnn.InstanceNorm2d(6, dtype=F64),
              "GroupNorm": dnn.GroupNorm(2, 6, dtype=F64)}
    layer = layers[name]
    if layer.affine:
        layer.gamma.data = gen.uniform(0.5, 2, layer.gamma.shape)
        layer.beta.data = gen.standard_normal(layer.beta.shape)
    module = torch_layers.normalization_layers()[name]
    for mode in ("train", "eval"):
        getattr(layer, mode)()
        getattr(module, mode)()
        compare_layer(layer, module, gen.normal(1.0, 2.0, (3, 6, 4, 4)), gen)


def test_instance_norm_with_affine(gen):
    layer = dnn.InstanceNorm2d(4, affine=True, dtype=F64)
    layer.gamma.data = gen.uniform(0.5, 2, 4)
    compare_layer(layer, nn.InstanceNorm2d(4, affine=True), gen.standard_normal((2, 4, 3, 3)),
                  gen)


@pytest.mark.parametrize("size, alpha, beta, k", [
    (5, 1e-4, 0.75, 2.0),        # AlexNet (paper's constants)
    (5, 2e-5, 0.75, 1.0),        # GoogLeNet (Caffe's)
    (4, 0.3, 0.5, 1.5),          # even window: both put size//2 channels before
    (1, 0.5, 1.0, 1.0),
])
def test_local_response_norm_alpha_is_divided_by_size_in_torch(size, alpha, beta, k, gen):
    x = gen.standard_normal((2, 7, 3, 3)) * 4   # large enough that alpha matters
    layer = dnn.LocalResponseNorm(size=size, alpha=alpha, beta=beta, k=k)
    compare_layer(layer, torch_layers.local_response_norm(size, alpha, beta, k), x, gen)
    if size > 1:                                # the same alpha would be a different layer
        same_alpha = nn.LocalResponseNorm(size, alpha=alpha, beta=beta, k=k)
        assert not np.allclose(layer(x), same_alpha(t(x)).numpy(), rtol=1e-9, atol=0)


class _FixedMask:
    """Stands in for dlbook Dropout's generator: ``random`` returns 1 (keep) or 0 (drop)."""

    def __init__(self, keep):
        self.keep = keep

    def random(self, shape):
        assert shape == self.keep.shape
        return self.keep.astype(np.float64)


def test_dropout_with_the_same_mask(gen):
    p = 0.3
    module = torch_layers.dropout(p)
    torch.manual_seed(0)
    xt = t(gen.standard_normal((6, 50)), grad=True)
    yt = module(xt)
    keep = (yt != 0).numpy()
    layer = dnn.Dropout(p)
    layer.rng = _FixedMask(keep)               # PyTorch's mask, used by dlbook's code
    x = xt.detach().numpy().copy()
    close(layer(x), yt)
    dout = gen.standard_normal(x.shape)
    yt.backward(t(dout))
    close(layer.backward(dout), xt.grad)
    # p is the probability of *dropping* in both, survivors scaled by 1/(1 - p)
    assert set(np.round(yt.detach().numpy() / x, 12).ravel()) <= {0.0, round(1 / (1 - p), 12)}


def test_dropout_drop_rate_and_evaluation(gen):
    p = 0.3
    x = np.ones((200, 500))
    module = torch_layers.dropout(p)
    torch.manual_seed(1)
    dropped_torch = float((module(t(x)) == 0).double().mean())
    dropped_dlbook = float((dnn.Dropout(p, rng=gen)(x) == 0).mean())
    assert abs(dropped_torch - p) < 0.005 and abs(dropped_dlbook - p) < 0.005
    close(module.eval()(t(x)), dnn.Dropout(p, rng=gen).eval()(x))
