"""AlexNet (Krizhevsky, Sutskever and Hinton 2012; notes 2.6) as a single tower.

The paper splits every layer between two GPUs; conv2, conv4 and conv5 see only the
kernel maps of their own GPU.  This build keeps one tower with every layer fully
connected to the one before it (as later re-implementations do), so it has a few
more weights than the paper's network: :func:`two_gpu_parameter_count` gives the
paper's count.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_channels, check_int
from dlbook._random import as_generator
from dlbook.nn import (
    Conv2d,
    Dropout,
    Flatten,
    Linear,
    LocalResponseNorm,
    MaxPool2d,
    ReLU,
    Sequential,
    child_generator,
)

INPUT_SIZE = 227
"""The only input size whose conv5 maps are 6×6, the size fc6's 256·6·6 inputs need."""

# conv2, conv4 and conv5 connect only to the kernel maps on their own GPU (paper §3.5).
SPLIT_LAYERS = ("conv2", "conv4", "conv5")


def _check_alexnet_args(num_classes, rng):
    """Return ``num_classes`` checked and ``rng`` as a ``numpy.random.Generator``."""
    return check_int(num_classes, "num_classes", minimum=1, owner="AlexNet"), as_generator(rng)


class AlexNet(Sequential):
    """AlexNet for 227×227 RGB images: five convolutions, three fully connected layers.

    ===== ===================================== ============== ==========
    name  layer                                 output (C×H×W) parameters
    ===== ===================================== ============== ==========
    conv1 96 filters 11×11, stride 4, ReLU, LRN 96 × 55 × 55   34,944
    pool1 max 3×3, stride 2 (overlapping)       96 × 27 × 27   0
    conv2 256 filters 5×5, padding 2, ReLU, LRN 256 × 27 × 27  614,656
    pool2 max 3×3, stride 2                     256 × 13 × 13  0
    conv3 384 filters 3×3, padding 1, ReLU      384 × 13 × 13  885,120
    conv4 384 filters 3×3, padding 1, ReLU      384 × 13 × 13  1,327,488
    conv5 256 filters 3×3, padding 1, ReLU      256 × 13 × 13  884,992
    pool5 max 3×3, stride 2                     256 × 6 × 6    0
    fc6   4096 units, ReLU, dropout 0.5         4096           37,752,832
    fc7   4096 units, ReLU, dropout 0.5         4096           16,781,312
    fc8   ``num_classes`` units                 1000           4,097,000
    ===== ===================================== ============== ==========

    62,378,344 parameters for 1000 classes.  The layer order is the paper's (§3.3–3.5,
    §4.2): ReLU after every convolution and fully connected layer, local response
    normalisation after the first two ReLUs, max pooling after both normalisations
    and after conv5, dropout on the outputs of fc6 and fc7.

    The paper says its input is 224×224, but (224 − 11)/4 + 1 = 54.25 does not give
    its 55×55 first map; 227×227 does, with every later size whole.  This model
    therefore takes exactly 227×227 inputs (torchvision pads conv1 by 2 instead and
    adds an adaptive pool before fc6).

    Parameters
    ----------
    num_classes : int
        Output units (1000 ImageNet classes in the paper).
    rng : int or numpy.random.Generator, optional
        Source of the initial weights and of the dropout masks.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import AlexNet
    >>> net = AlexNet(num_classes=10, rng=0)
    >>> net.eval()(np.zeros((1, 3, 227, 227), np.float32)).shape
    (1, 10)
    >>> net.conv1.W.shape          # 96 filters of 3 × 11 × 11
    (96, 3, 11, 11)
    >>> AlexNet(rng=0).num_parameters()
    62378344
    """

    def __init__(self, num_classes=1000, rng=None, dtype=np.float32):
        num_classes, rng = _check_alexnet_args(num_classes, rng)

        def conv(cin, cout, k, stride=1, padding=0):
            return Conv2d(cin, cout, k, stride=stride, padding=padding,
                          rng=rng, dtype=dtype)

        super().__init__({
            "conv1": conv(3, 96, 11, stride=4),
            "relu1": ReLU(),
            "lrn1": LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0),
            "pool1": MaxPool2d(3, stride=2),
            "conv2": conv(96, 256, 5, padding=2),
            "relu2": ReLU(),
            "lrn2": LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0),
            "pool2": MaxPool2d(3, stride=2),
            "conv3": conv(256, 384, 3, padding=1),
            "relu3": ReLU(),
            "conv4": conv(384, 384, 3, padding=1),
            "relu4": ReLU(),
            "conv5": conv(384, 256, 3, padding=1),
            "relu5": ReLU(),
            "pool5": MaxPool2d(3, stride=2),
            "flatten": Flatten(),
            "fc6": Linear(256 * 6 * 6, 4096, rng=rng, dtype=dtype),
            "relu6": ReLU(),
            "drop6": Dropout(0.5, rng=child_generator(rng)),
            "fc7": Linear(4096, 4096, rng=rng, dtype=dtype),
            "relu7": ReLU(),
            "drop7": Dropout(0.5, rng=child_generator(rng)),
            "fc8": Linear(4096, num_classes, weight_init="xavier_normal",
                          rng=rng, dtype=dtype),
        })
        self.num_classes = num_classes

    def extra_repr(self):
        return f"num_classes={self.num_classes}"

    def _check_input(self, x):
        check_array(x, "x", ndim=4, layout=f"(N, 3, {INPUT_SIZE}, {INPUT_SIZE})", owner="AlexNet")
        check_channels(x, 3, owner="AlexNet", wanted="AlexNet expects 3 (RGB) channels")
        h, w = x.shape[2:]
        if (h, w) != (INPUT_SIZE, INPUT_SIZE):
            size = "too small" if min(h, w) < INPUT_SIZE else "too large"
            raise ValueError(
                f"AlexNet: argument 'x' is {h}×{w}, {size}: AlexNet needs exactly "
                f"{INPUT_SIZE}×{INPUT_SIZE} inputs ({INPUT_SIZE} is the minimum, and the "
                f"only size whose conv5 maps pool to the 6×6 that fc6's 256·6·6 = 9216 "
                f"inputs require; the paper's '224' gives (224 − 11)/4 + 1 = 54.25); "
                f"resize or crop the images to {INPUT_SIZE}×{INPUT_SIZE}"
            )


def two_gpu_parameter_count(model):
    """Parameters of the paper's two-GPU AlexNet with the same layer sizes as ``model``.

    On two GPUs conv2, conv4 and conv5 connect only to the half of the previous
    layer's kernel maps that lives on the same GPU (Krizhevsky et al. 2012, §3.5 and
    Fig. 2), so each of their filters has half as many input channels: their weight
    count halves, their biases do not.  Every other layer is the same.

    Examples
    --------
    >>> from dlbook.models import AlexNet
    >>> from dlbook.models.alexnet import two_gpu_parameter_count
    >>> two_gpu_parameter_count(AlexNet(rng=0))     # the paper's "60 million"
    60965224
    """
    total = model.num_parameters()
    for name in SPLIT_LAYERS:
        total -= getattr(model, name).W.size // 2
    return total
