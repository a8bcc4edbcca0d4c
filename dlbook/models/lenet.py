"""LeNet-5 (notes 2.2, Fig. 10) and the function that trains it on the shipped digits.

The layer list follows the notes: C1 convolution, S2 pooling, C3 convolution, S4
pooling, C5 (120 units), F6 (84 units), output.  It is the *modern reading* of
LeCun et al. (1998): ReLU (or tanh), max (or average) pooling, every C3 map
connected to every S2 map, and a softmax output trained with cross-entropy.
"""

from __future__ import annotations

import math

import numpy as np

from dlbook._checks import check_array, check_int
from dlbook._random import as_generator
from dlbook.data import load_digits, random_shift
from dlbook.nn import (AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential,
                       SoftmaxCrossEntropy, Tanh)
from dlbook.optim import Adam
from dlbook.train import fit

ACTIVATIONS = {"relu": ReLU, "tanh": Tanh}
POOLINGS = ("max", "avg")
INPUT_SHAPE = (1, 32, 32)

# LeCun et al. (1998), Table I: row = S2 map, column = C3 map, 1 = connected.  The
# original C3 maps see 3, 4 or all 6 S2 maps (60 connections, 60*25 + 16 = 1,516
# parameters); LeNet5 below connects all of them (16 * (6*25 + 1) = 2,416).
C3_TABLE_LECUN1998 = (
    (1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1),
    (1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1),
    (1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1),
    (0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1),
    (0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 0, 1),
    (0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1),
)


def _check_lenet_args(num_classes, activation, pooling, rng):
    """Return ``num_classes`` checked and ``rng`` as a Generator; reject unknown names."""
    num_classes = check_int(num_classes, "num_classes", minimum=1, owner="LeNet5")
    if activation not in ACTIVATIONS:
        raise ValueError(f"LeNet5: argument 'activation' must be one of "
                         f"{sorted(ACTIVATIONS)}, got {activation!r}")
    if pooling not in POOLINGS:
        raise ValueError(f"LeNet5: argument 'pooling' must be one of "
                         f"{list(POOLINGS)}, got {pooling!r}")
    return num_classes, as_generator(rng)


def _pooling_layer(kind):
    return MaxPool2d(2) if kind == "max" else AvgPool2d(2)


def _conv_layer(in_channels, out_channels, weight_init, rng, dtype):
    return Conv2d(in_channels, out_channels, 5, weight_init=weight_init,
                  rng=rng, dtype=dtype)


class LeNet5(Sequential):
    """LeNet-5 for 32×32 single-channel images, built exactly as the notes' list.

    ====== ============================== ===================== ============
    name   layer                          output (C × H × W)    parameters
    ====== ============================== ===================== ============
    c1     ``Conv2d(1, 6, 5)``            6 × 28 × 28           6·(25+1)
    s2     ``MaxPool2d(2)``               6 × 14 × 14           0
    c3     ``Conv2d(6, 16, 5)``           16 × 10 × 10          16·(150+1)
    s4     ``MaxPool2d(2)``               16 × 5 × 5            0
    c5     ``Conv2d(16, 120, 5)``         120 × 1 × 1           120·(400+1)
    f6     ``Linear(120, 84)``            84                    84·(120+1)
    output ``Linear(84, num_classes)``    num_classes           10·(84+1)
    ====== ============================== ===================== ============

    Each convolution and F6 is followed by the activation (``act1``, ``act3``,
    ``act5``, ``act6``); ``flatten`` turns C5's 120 × 1 × 1 maps into a vector.

    C5 is a 5×5 convolution, as in LeCun et al. (1998).  On the 5×5 maps of S4
    it sees the whole map, so it computes the same function as
    ``Flatten`` + ``Linear(400, 120)`` (its weight reshaped to 120 × 400); on a
    larger input it would slide and give a map, which a fully connected layer
    cannot.

    Parameters
    ----------
    num_classes : int
        Number of output units (10 digits).
    activation : str
        ``"relu"`` (He-normal initial weights) or ``"tanh"`` (Xavier-normal).
    pooling : str
        ``"max"`` (:class:`~dlbook.nn.MaxPool2d`) or ``"avg"``
        (:class:`~dlbook.nn.AvgPool2d`), both 2×2 with stride 2.
    rng : int or numpy.random.Generator, optional
        Source of the initial weights.
    dtype : numpy dtype
        ``float32`` by default; ``float64`` for gradient checks.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import LeNet5
    >>> net = LeNet5(rng=0)
    >>> net(np.zeros((2, 1, 32, 32), np.float32)).shape
    (2, 10)
    >>> net.num_parameters()  # 156 + 2416 + 48120 + 10164 + 850
    61706
    >>> [name for name, _ in net.named_parameters()][:4]
    ['c1.W', 'c1.b', 'c3.W', 'c3.b']
    >>> net.c5.W.shape  # (out, in, kh, kw): 120 filters of 16 × 5 × 5
    (120, 16, 5, 5)
    """

    def __init__(self, num_classes=10, activation="relu", pooling="max", rng=None,
                 dtype=np.float32):
        num_classes, rng = _check_lenet_args(num_classes, activation, pooling, rng)
        init = "he_normal" if activation == "relu" else "xavier_normal"
        act = ACTIVATIONS[activation]
        super().__init__({
            "c1": _conv_layer(1, 6, init, rng, dtype),
            "act1": act(),
            "s2": _pooling_layer(pooling),
            "c3": _conv_layer(6, 16, init, rng, dtype),
            "act3": act(),
            "s4": _pooling_layer(pooling),
            "c5": _conv_layer(16, 120, init, rng, dtype),
            "act5": act(),
            "flatten": Flatten(),
            "f6": Linear(120, 84, weight_init=init, rng=rng, dtype=dtype),
            "act6": act(),
            "output": Linear(84, num_classes, weight_init="xavier_normal", rng=rng,
                             dtype=dtype),
        })
        self.num_classes = num_classes
        self.activation = activation
        self.pooling = pooling

    def extra_repr(self):
        return (f"num_classes={self.num_classes}, activation={self.activation!r}, "
                f"pooling={self.pooling!r}")

    def _check_input(self, x):
        check_array(x, "x", ndim=4, layout="(N, 1, 32, 32)", owner="LeNet5")
        if x.shape[1:] != INPUT_SHAPE:
            raise ValueError(
                f"LeNet5: argument 'x' must have shape (N, 1, 32, 32), got {x.shape}; "
                f"LeNet-5 is built for 32×32 single-channel images "
                f"(load_digits(image_size=32) gives them)"
            )


def cosine_learning_rate(epoch, epochs, lr):
    r"""Learning rate after ``epoch`` of ``epochs``: :math:`\tfrac{\alpha}{2}(1 + \cos(\pi\, e/E))`.

    Starts at ``lr`` and falls smoothly to 0 at the last epoch, so training ends
    with small steps that settle into a minimum instead of bouncing around it.

    Examples
    --------
    >>> from dlbook.models.lenet import cosine_learning_rate
    >>> [round(cosine_learning_rate(e, 4, 1.0), 3) for e in range(5)]
    [1.0, 0.854, 0.5, 0.146, 0.0]
    """
    return 0.5 * lr * (1.0 + math.cos(math.pi * epoch / epochs))


def train_lenet_on_digits(seed=0, epochs=30, batch_size=32, lr=2e-3,
                          max_shift=2, activation="relu", pooling="max",
                          progress=None):
    """Train :class:`LeNet5` on the shipped 32×32 digits; return ``(model, history)``.

    Adam with a cosine-decaying learning rate (:func:`cosine_learning_rate`) on
    mini-batches of the 1,438 training images, each image shifted at random by up
    to ``max_shift`` pixels (:func:`dlbook.data.random_shift`).  After each epoch
    the model is evaluated on the 359 held-out test images
    (``history.val_loss``/``history.val_acc``); they are never trained on and
    nothing is selected on them (fixed number of epochs, no early stopping).
    The book page and the tests call this same function.

    Parameters
    ----------
    seed : int
        Seeds the initial weights, the shuffling and the shifts.
    epochs, batch_size : int
        Passes over the training set and images per step.
    lr : float
        Adam's initial learning rate.
    max_shift : int
        Largest random shift in pixels (0 turns augmentation off).
    activation, pooling : str
        Passed to :class:`LeNet5`.
    progress : bool, optional
        Show a progress bar (default: only in a terminal).

    Returns
    -------
    tuple
        ``(model, history)``: the trained :class:`LeNet5` (in evaluation mode) and
        the :class:`~dlbook.train.History` of :func:`~dlbook.train.fit`.

    Examples
    --------
    >>> from dlbook.models.lenet import train_lenet_on_digits
    >>> model, history = train_lenet_on_digits(seed=0, epochs=1)
    >>> history.epochs, history.val_acc[-1] > 0.5
    (1, True)
    """
    rng = np.random.default_rng(seed)  # fit and random_shift check the rest
    X_train, y_train, X_test, y_test = load_digits(image_size=32)
    model = LeNet5(activation=activation, pooling=pooling, rng=rng)
    optimizer = Adam(model.parameters(), lr=lr)

    def shift(batch, batch_rng):
        return random_shift(batch, batch_rng, max_shift=max_shift)

    def anneal(epoch, history):
        optimizer.lr = max(cosine_learning_rate(epoch, epochs, lr), 1e-12)

    history = fit(model, SoftmaxCrossEntropy(), optimizer, X_train, y_train,
                  epochs=epochs, batch_size=batch_size, rng=rng,
                  validation=(X_test, y_test), transform=shift,
                  progress=progress, on_epoch_end=anneal)
    return model.eval(), history
