"""AlexNet: the layer sizes of Krizhevsky et al. (2012), the 227 input, both parameter counts."""

import numpy as np
import pytest

from dlbook.functional import conv_output_size
from dlbook.models import AlexNet
from dlbook.models.alexnet import two_gpu_parameter_count
from dlbook.nn import BatchNorm2d, LocalResponseNorm, ReLU

SHAPES = {
    "conv1": (96, 55, 55), "pool1": (96, 27, 27), "conv2": (256, 27, 27),
    "pool2": (256, 13, 13), "conv3": (384, 13, 13), "conv4": (384, 13, 13),
    "conv5": (256, 13, 13), "pool5": (256, 6, 6), "fc6": (4096,), "fc7": (4096,),
    "fc8": (1000,),
}


@pytest.fixture(scope="module")
def net():
    return AlexNet(rng=0)


def test_layer_shapes_match_the_paper(net):
    summary = net.summary((3, 227, 227))
    for name, shape in SHAPES.items():
        assert summary.row(name).output_shape == shape, name


def test_parameter_counts_single_tower_and_two_gpus(net):
    def conv(cin, cout, k):
        return cout * (cin * k * k + 1)

    single = (conv(3, 96, 11) + conv(96, 256, 5) + conv(256, 384, 3) + conv(384, 384, 3)
              + conv(384, 256, 3) + 4096 * (9216 + 1) + 4096 * (4096 + 1) + 1000 * (4096 + 1))
    assert net.num_parameters() == single == 62_378_344
    # On two GPUs conv2, conv4, conv5 see only the 48, 192, 192 maps of their own GPU.
    two_gpu = (conv(3, 96, 11) + conv(48, 256, 5) + conv(256, 384, 3) + conv(192, 384, 3)
               + conv(192, 256, 3) + 4096 * (9216 + 1) + 4096 * (4096 + 1) + 1000 * (4096 + 1))
    assert two_gpu_parameter_count(net) == two_gpu == 60_965_224   # the paper's "60 million"


def test_224_does_not_give_55_but_227_does():
    """Correction to the notes: 224×224 input and a 55×55 first map are incompatible."""
    assert (224 - 11) / 4 + 1 == 54.25
    with pytest.raises(ValueError, match="fractional output size 54.25"):
        conv_output_size(224, 11, stride=4)
    assert conv_output_size(227, 11, stride=4) == 55
    assert conv_output_size(224, 11, stride=4, padding=2, rounding="floor") == 55  # torchvision


def test_full_size_forward_and_backward(net):
    x = np.random.default_rng(0).standard_normal((2, 3, 227, 227)).astype(np.float32)
    net.train()
    y = net(x)
    assert y.shape == (2, 1000) and y.dtype == np.float32
    dx = net.backward(np.ones_like(y) / 2)
    assert dx.shape == x.shape
    assert net.conv1.W.grad.shape == (96, 3, 11, 11)
    net.zero_grad()
    assert net.eval()(x[:1]).shape == (1, 1000)
    net.train()


def test_normalisation_is_local_response_not_batch(net):
    """Correction to the notes: AlexNet (2012) used LRN; batch normalisation came in 2015."""
    kinds = [type(m) for m in net.children()]
    assert kinds.count(LocalResponseNorm) == 2 and BatchNorm2d not in kinds
    names = list(net._modules)
    assert names[names.index("conv1") + 1:names.index("conv1") + 4] == ["relu1", "lrn1", "pool1"]
    assert names[names.index("conv2") + 1:names.index("conv2") + 4] == ["relu2", "lrn2", "pool2"]
    lrn = net.lrn1
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, 1e-4, 0.75, 2.0)   # paper §3.3


def test_relu_everywhere_and_overlapping_pooling_and_dropout(net):
    assert sum(isinstance(m, ReLU) for m in net.children()) == 7
    for name in ("pool1", "pool2", "pool5"):
        pool = getattr(net, name)
        assert pool.kernel_size == (3, 3) and pool.stride == (2, 2)     # s < z: overlapping
    assert net.drop6.p == net.drop7.p == 0.5


@pytest.mark.parametrize("shape, words", [
    ((1, 3, 224, 224), r"224×224, too small: AlexNet needs exactly 227×227 .*minimum"),
    ((1, 3, 64, 64), r"64×64, too small.*227"),
    ((1, 3, 256, 256), r"too large"),
    ((1, 1, 227, 227), r"1 channels .* expects 3"),
])
def test_bad_input(net, shape, words):
    with pytest.raises(ValueError, match=words):
        net(np.zeros(shape, np.float32))


def test_bad_arguments():
    with pytest.raises(ValueError, match="'num_classes' must be >= 1"):
        AlexNet(num_classes=0)
    with pytest.raises(TypeError, match="'num_classes' must be an integer"):
        AlexNet(num_classes="10")


def test_reproducible_with_seed():
    a, b = AlexNet(num_classes=3, rng=7), AlexNet(num_classes=3, rng=7)
    assert np.array_equal(a.conv1.W.data, b.conv1.W.data)
    assert np.array_equal(a.fc8.W.data, b.fc8.W.data)


def test_relu_does_not_saturate_but_tanh_does():
    """Correction to the notes: the paper's reason for ReLU is faster training.

    Krizhevsky et al. (2012, §3.1) call tanh and the sigmoid *saturating*: their slope
    vanishes for large inputs, so gradient descent slows down; ReLU keeps slope 1 for
    every positive input.
    """
    from dlbook.functional import relu_derivative, tanh_derivative

    x = np.array([0.5, 3.0, 10.0])
    np.testing.assert_array_equal(relu_derivative(x), [1.0, 1.0, 1.0])
    assert tanh_derivative(np.array([3.0]))[0] < 0.01
    assert tanh_derivative(np.array([10.0]))[0] < 1e-8
