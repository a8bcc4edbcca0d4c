"""GoogLeNet (Inception v1; Szegedy et al. 2015, Table 1) with its two auxiliary classifiers.

Notes 2.7: the Inception module (2.7.1, Fig. 12), the auxiliary losses (2.7.2) and
global average pooling (2.7.3).  Every width below is a column of the paper's Table 1.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_channels, check_float, check_int
from dlbook._random import as_generator
from dlbook.functional.pooling import pool_geometry
from dlbook.init import normal
from dlbook.nn import (
    AvgPool2d,
    Conv2d,
    Dropout,
    Flatten,
    GlobalAvgPool2d,
    Linear,
    LocalResponseNorm,
    MaxPool2d,
    Module,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    child_generator,
)

# Table 1 of Szegedy et al. (2015): input channels, then
# #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
INCEPTION_TABLE = {
    "inception3a": (192, 64, 96, 128, 16, 32, 32),
    "inception3b": (256, 128, 128, 192, 32, 96, 64),
    "inception4a": (480, 192, 96, 208, 16, 48, 64),
    "inception4b": (512, 160, 112, 224, 24, 64, 64),
    "inception4c": (512, 128, 128, 256, 24, 64, 64),
    "inception4d": (512, 112, 144, 288, 32, 64, 64),
    "inception4e": (528, 256, 160, 320, 32, 128, 128),
    "inception5a": (832, 256, 160, 320, 32, 128, 128),
    "inception5b": (832, 384, 192, 384, 48, 128, 128),
}

AUX_WEIGHT = 0.3
"""Weight of each auxiliary loss in the training loss (Szegedy et al. 2015, §5)."""


def classifier_init(shape, rng=None, dtype=np.float32):
    """Initial weights of the three classifier layers: normal with standard deviation 0.01.

    The paper gives no initialisation.  The 1024 features after global average pooling
    are all positive (they follow ReLUs), so a fan-based scale would start with logits
    of spread ~4 and an initial loss far above log(num_classes); small weights start
    near it.

    Examples
    --------
    >>> from dlbook.models.googlenet import classifier_init
    >>> round(float(classifier_init((1000, 1024), rng=0).std()), 3)
    0.01
    """
    return normal(shape, 0.01, rng=rng, dtype=dtype)


def _check_head(in_channels, num_classes, rng):
    """Return the channel and class counts checked and ``rng`` as a Generator."""
    owner = "AuxiliaryClassifier"
    in_channels = check_int(in_channels, "in_channels", minimum=1, owner=owner)
    num_classes = check_int(num_classes, "num_classes", minimum=1, owner=owner)
    return in_channels, num_classes, as_generator(rng)


class ConvReLU(Sequential):
    """A convolution followed by ReLU: every convolution of GoogLeNet is one of these.

    Parameters are named ``conv.W`` and ``conv.b``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import ConvReLU
    >>> block = ConvReLU(3, 8, 3, padding=1, rng=0)
    >>> block(np.zeros((1, 3, 5, 5), np.float32)).shape
    (1, 8, 5, 5)
    >>> [name for name, _ in block.named_parameters()]
    ['conv.W', 'conv.b']
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 rounding="exact", rng=None, dtype=np.float32):
        super().__init__({
            "conv": Conv2d(in_channels, out_channels, kernel_size, stride=stride,
                           padding=padding, rng=rng, dtype=dtype, rounding=rounding),
            "relu": ReLU(),
        })


class InceptionModule(Module):
    """Four parallel branches whose outputs are concatenated along the channels (Fig. 12).

    ======== ================================================ ==========================
    branch   dimension-reduced module (Fig. 12b)               naive module (Fig. 12a)
    ======== ================================================ ==========================
    branch1  1×1 conv ``ch1x1``                                1×1 conv ``ch1x1``
    branch2  1×1 conv ``ch3x3red``, 3×3 conv ``ch3x3``         3×3 conv ``ch3x3``
    branch3  1×1 conv ``ch5x5red``, 5×5 conv ``ch5x5``         5×5 conv ``ch5x5``
    branch4  3×3 max pool (stride 1), 1×1 conv ``pool_proj``   3×3 max pool (stride 1)
    ======== ================================================ ==========================

    Every convolution is followed by ReLU and padded so that all branches keep the
    input's height and width.  The output has ``ch1x1 + ch3x3 + ch5x5 + pool_proj``
    channels (``+ in_channels`` instead of ``pool_proj`` for the naive pool branch).
    Passing ``None`` for ``ch3x3red``, ``ch5x5red`` or ``pool_proj`` drops that 1×1
    reduction; :meth:`naive` drops all three.

    Parameters
    ----------
    in_channels : int
        Channels of the input.
    ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj : int or None
        The columns "#1×1", "#3×3 reduce", "#3×3", "#5×5 reduce", "#5×5" and "pool
        proj" of Table 1 of Szegedy et al. (2015).
    rng : int or numpy.random.Generator, optional
        Source of the initial weights.
    dtype : numpy dtype
        ``float32`` by default; ``float64`` for gradient checks.

    Examples
    --------
    Inception (3a) of GoogLeNet: 192 channels in, 64 + 128 + 32 + 32 = 256 out.

    >>> import numpy as np
    >>> from dlbook.models import InceptionModule
    >>> block = InceptionModule(192, 64, 96, 128, 16, 32, 32, rng=0)
    >>> block(np.zeros((1, 192, 28, 28), np.float32)).shape
    (1, 256, 28, 28)
    >>> block.num_parameters()
    163696
    >>> naive = InceptionModule.naive(192, 64, 128, 32, rng=0)
    >>> naive.out_channels          # 64 + 128 + 32 + the 192 pooled input channels
    416
    """

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj,
                 rng=None, dtype=np.float32):
        super().__init__()
        owner = "InceptionModule"
        self.in_channels = check_int(in_channels, "in_channels", minimum=1, owner=owner)
        widths = {"ch1x1": ch1x1, "ch3x3": ch3x3, "ch5x5": ch5x5}
        optional = {"ch3x3red": ch3x3red, "ch5x5red": ch5x5red, "pool_proj": pool_proj}
        for name, value in widths.items():
            check_int(value, name, minimum=1, owner=owner)
        for name, value in optional.items():
            if value is not None:
                check_int(value, name, minimum=1, owner=owner)
        rng = as_generator(rng)
        cin = self.in_channels

        def conv(c_in, c_out, k):
            return ConvReLU(c_in, c_out, k, padding=k // 2, rng=rng, dtype=dtype)

        def reduced(reduce, width, k):
            if reduce is None:
                return Sequential(conv(cin, width, k))
            return Sequential(conv(cin, reduce, 1), conv(reduce, width, k))

        self.branch1 = Sequential(conv(cin, ch1x1, 1))
        self.branch2 = reduced(ch3x3red, ch3x3, 3)
        self.branch3 = reduced(ch5x5red, ch5x5, 5)
        pool = MaxPool2d(3, stride=1, padding=1)
        self.branch4 = Sequential(pool) if pool_proj is None else Sequential(
            pool, conv(cin, pool_proj, 1))
        self.widths = (ch1x1, ch3x3, ch5x5, cin if pool_proj is None else pool_proj)
        self.out_channels = sum(self.widths)
        self.config = (cin, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)
        self._splits = None

    @classmethod
    def naive(cls, in_channels, ch1x1, ch3x3, ch5x5, rng=None, dtype=np.float32):
        """The naive module of Fig. 12a: 1×1, 3×3 and 5×5 convolutions and 3×3 max pooling.

        Examples
        --------
        >>> from dlbook.models import InceptionModule
        >>> InceptionModule.naive(192, 64, 128, 32, rng=0).widths
        (64, 128, 32, 192)
        """
        return cls(in_channels, ch1x1, None, ch3x3, None, ch5x5, None, rng=rng, dtype=dtype)

    def extra_repr(self):
        names = ("in_channels", "ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")
        return ", ".join(f"{n}={v}" for n, v in zip(names, self.config))

    @property
    def branches(self):
        """The four branches, in concatenation order."""
        return (self.branch1, self.branch2, self.branch3, self.branch4)

    def _check_input(self, x):
        check_array(x, "x", ndim=4, layout="(N, C, H, W)", owner="InceptionModule")
        check_channels(x, self.in_channels, owner="InceptionModule",
                       wanted=f"the module expects in_channels={self.in_channels}")

    def _check_backward(self, dout):
        """Return the channel splits of the forward pass once ``dout`` fits its output."""
        splits = self.cached(self._splits)
        if dout.ndim != 4 or dout.shape[1] != self.out_channels:
            raise ValueError(f"InceptionModule.backward: argument 'dout' has shape "
                             f"{dout.shape}, expected (N, {self.out_channels}, H, W)")
        return splits

    def forward(self, x):
        outs = [branch(x) for branch in self.branches]
        self._splits = np.cumsum(self.widths)[:-1]
        return np.concatenate(outs, axis=1)

    def backward(self, dout):
        """Split ``dout`` along the channels (the adjoint of the concatenation), sum the branches."""
        splits = self._check_backward(dout)
        self._splits = None
        parts = np.split(dout, splits, axis=1)
        dx = self.branch1.backward(parts[0])
        for branch, part in zip(self.branches[1:], parts[1:]):
            dx += branch.backward(part)
        return dx


class AuxiliaryClassifier(Sequential):
    """The side classifier attached to inception (4a) and (4d) (Szegedy et al. 2015, §5).

    Average pooling 5×5 with stride 3 (14×14 → 4×4), a 1×1 convolution with 128
    filters and ReLU, a fully connected layer of 1024 units with ReLU, dropout with
    drop rate 0.7, and a linear layer to ``num_classes`` (the softmax is in the loss).

    Parameters
    ----------
    in_channels : int
        512 after inception (4a), 528 after inception (4d).
    num_classes : int
        Output units.
    rng : int or numpy.random.Generator, optional
        Source of the initial weights and the dropout masks.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import AuxiliaryClassifier
    >>> head = AuxiliaryClassifier(512, 1000, rng=0)
    >>> head(np.zeros((2, 512, 14, 14), np.float32)).shape
    (2, 1000)
    >>> head.num_parameters()      # 128·(512+1) + 1024·(2048+1) + 1000·(1024+1)
    3188840
    """

    MAP_SIZE = 14

    def __init__(self, in_channels, num_classes, rng=None, dtype=np.float32):
        in_channels, num_classes, rng = _check_head(in_channels, num_classes, rng)
        super().__init__({
            "pool": AvgPool2d(5, stride=3),
            "conv": ConvReLU(in_channels, 128, 1, rng=rng, dtype=dtype),
            "flatten": Flatten(),
            "fc1": Linear(128 * 4 * 4, 1024, rng=rng, dtype=dtype),
            "relu": ReLU(),
            "dropout": Dropout(0.7, rng=child_generator(rng)),
            "fc2": Linear(1024, num_classes, weight_init=classifier_init, rng=rng,
                          dtype=dtype),
        })
        self.in_channels = in_channels
        self.num_classes = num_classes

    def extra_repr(self):
        return f"in_channels={self.in_channels}, num_classes={self.num_classes}"

    def _check_input(self, x):
        check_array(x, "x", ndim=4, layout=f"(N, {self.in_channels}, 14, 14)",
                    owner="AuxiliaryClassifier")
        want = (self.in_channels, self.MAP_SIZE, self.MAP_SIZE)
        if x.shape[1:] != want:
            raise ValueError(
                f"AuxiliaryClassifier: argument 'x' has shape {x.shape} but the head expects "
                f"(N, {self.in_channels}, 14, 14): its 5×5/3 average pool must give the 4×4 "
                f"maps whose 128·4·4 = 2048 values feed fc1"
            )


def _output_hw(module, hw):
    """Height and width after ``module`` (pure arithmetic, eq. (30)); ValueError if too small."""
    if isinstance(module, Conv2d):
        return module.output_shape((1, module.in_channels, *hw))[2:]
    if isinstance(module, (MaxPool2d, AvgPool2d)):
        return pool_geometry((1, 1, *hw), module.kernel_size, module.stride, module.padding,
                             module.rounding, type(module).__name__)[3]
    if isinstance(module, Sequential):
        for child in module:
            hw = _output_hw(child, hw)
    elif isinstance(module, InceptionModule):
        for branch in module.branches:
            _output_hw(branch, hw)          # every branch keeps the size; check it fits
    return hw


class GoogLeNet(Module):
    """GoogLeNet, the 22-layer network of Szegedy et al. (2015), Table 1.

    Stem: 7×7/2 convolution (64), 3×3/2 max pool, local response normalisation,
    1×1 convolution (64), 3×3 convolution (192), local response normalisation, 3×3/2
    max pool; then inception (3a), (3b), max pool, (4a)–(4e), max pool, (5a), (5b);
    then 7×7 average pooling (global average pooling, notes 2.7.3), dropout 0.4 and a
    linear layer.  Auxiliary classifiers (:class:`AuxiliaryClassifier`) read the
    outputs of (4a) and (4d).

    In training mode with ``aux_logits=True`` the forward pass returns
    ``(logits, aux1, aux2)`` and :meth:`backward` takes the three gradients; in
    evaluation mode (or with ``aux_logits=False``) it returns only the main logits,
    as the paper discards the auxiliary networks at inference.  :class:`GoogLeNetLoss`
    combines the three losses with weight 0.3.

    The 3×3/2 max pools round up (``rounding="ceil"``, as the reference Caffe model
    does) so 112 → 56 → 28 → 14 → 7; the 7×7/2 stem convolution rounds down
    ((224 + 6 − 7)/2 + 1 = 112.5 → 112).  The paper gives no constants for local
    response normalisation; we use those of the BVLC Caffe GoogLeNet (window 5,
    β = 0.75, k = 1, α = 10⁻⁴ per channel of the window, i.e. ``alpha=2e-5`` in the
    sum convention of :class:`~dlbook.nn.LocalResponseNorm`).

    Parameters
    ----------
    num_classes : int
        Output units of the main and auxiliary classifiers.
    aux_logits : bool
        Build the two auxiliary classifiers.
    rng : int or numpy.random.Generator, optional
        Source of the initial weights and the dropout masks.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.models import GoogLeNet
    >>> net = GoogLeNet(num_classes=10, rng=0)
    >>> x = np.zeros((1, 3, 224, 224), np.float32)
    >>> [o.shape for o in net.train()(x)]          # main, aux (4a), aux (4d)
    [(1, 10), (1, 10), (1, 10)]
    >>> net.eval()(x).shape
    (1, 10)
    >>> GoogLeNet(rng=0).num_parameters(), GoogLeNet(aux_logits=False, rng=0).num_parameters()
    (13378280, 6998552)
    """

    STEM = ("conv1", "maxpool1", "lrn1", "conv2", "conv3", "lrn2", "maxpool2")

    def __init__(self, num_classes=1000, *, aux_logits=True, rng=None, dtype=np.float32):
        super().__init__()
        owner = "GoogLeNet"
        self.num_classes = check_int(num_classes, "num_classes", minimum=1, owner=owner)
        if not isinstance(aux_logits, bool):
            raise TypeError(f"GoogLeNet: argument 'aux_logits' must be True or False, "
                            f"got {aux_logits!r}")
        self.aux_logits = aux_logits
        rng = as_generator(rng)

        def pool():
            return MaxPool2d(3, stride=2, rounding="ceil")

        def lrn():
            return LocalResponseNorm(size=5, alpha=2e-5, beta=0.75, k=1.0)

        self.conv1 = ConvReLU(3, 64, 7, stride=2, padding=3, rounding="floor", rng=rng,
                              dtype=dtype)
        self.maxpool1 = pool()
        self.lrn1 = lrn()
        self.conv2 = ConvReLU(64, 64, 1, rng=rng, dtype=dtype)
        self.conv3 = ConvReLU(64, 192, 3, padding=1, rng=rng, dtype=dtype)
        self.lrn2 = lrn()
        self.maxpool2 = pool()
        for name in ("inception3a", "inception3b"):
            setattr(self, name, InceptionModule(*INCEPTION_TABLE[name], rng=rng, dtype=dtype))
        self.maxpool3 = pool()
        for name in ("inception4a", "inception4b", "inception4c", "inception4d",
                     "inception4e"):
            setattr(self, name, InceptionModule(*INCEPTION_TABLE[name], rng=rng, dtype=dtype))
        self.maxpool4 = pool()
        for name in ("inception5a", "inception5b"):
            setattr(self, name, InceptionModule(*INCEPTION_TABLE[name], rng=rng, dtype=dtype))
        self.avgpool = GlobalAvgPool2d()
        self.dropout = Dropout(0.4, rng=child_generator(rng))
        self.fc = Linear(1024, self.num_classes, weight_init=classifier_init, rng=rng,
                         dtype=dtype)
        if aux_logits:
            self.aux1 = AuxiliaryClassifier(512, self.num_classes, rng=rng, dtype=dtype)
            self.aux2 = AuxiliaryClassifier(528, self.num_classes, rng=rng, dtype=dtype)
        # The trunk in three pieces, cut where the auxiliary heads branch off.
        self._to_4a = self.STEM + ("inception3a", "inception3b", "maxpool3", "inception4a")
        self._to_4d = ("inception4b", "inception4c", "inception4d")
        self._to_end = ("inception4e", "maxpool4", "inception5a", "inception5b", "avgpool",
                        "dropout", "fc")
        self._ran_aux = None
        self.min_input_size = self._smallest_input()

    def extra_repr(self):
        return f"num_classes={self.num_classes}, aux_logits={self.aux_logits}"

    # -- sizes -------------------------------------------------------------------
    def map_size_at_4a(self, height, width):
        """Height and width of inception (4a)'s output for an input of this size.

        Raises ``ValueError`` if the input is too small for the stem and stage 3.

        Examples
        --------
        >>> from dlbook.models import GoogLeNet
        >>> GoogLeNet(aux_logits=False, rng=0).map_size_at_4a(224, 224)
        (14, 14)
        """
        hw = (height, width)
        for name in self._to_4a:
            hw = _output_hw(getattr(self, name), hw)
        return tuple(hw)

    def aux_input_sizes(self):
        """Input sizes (pixels a side) for which the auxiliary heads fit: (4a) maps of 14×14.

        Examples
        --------
        >>> from dlbook.models import GoogLeNet
        >>> sizes = GoogLeNet(num_classes=2, rng=0).aux_input_sizes()
        >>> sizes[0], 224 in sizes, sizes[-1]
        (223, True, 238)
        """
        fits = []
        for size in range(self.min_input_size, 512):
            if self.map_size_at_4a(size, size) == (AuxiliaryClassifier.MAP_SIZE,) * 2:
                fits.append(size)
        return fits

    def _final_size(self, hw):
        hw = self.map_size_at_4a(*hw)
        for name in self._to_end[:4]:
            hw = _output_hw(getattr(self, name), hw)
        return hw

    def _smallest_input(self):
        for size in range(1, 1024):
            try:
                self._final_size((size, size))
            except ValueError:
                continue
            return size
        raise AssertionError("no input size up to 1023 fits")  # pragma: no cover

    def _check_input(self, x):
        with_aux = self.training and self.aux_logits
        check_array(x, "x", ndim=4, layout="(N, 3, 224, 224)", owner="GoogLeNet")
        check_channels(x, 3, owner="GoogLeNet", wanted="GoogLeNet expects 3 (RGB) channels")
        h, w = x.shape[2:]
        try:
            self._final_size((h, w))
            at_4a = self.map_size_at_4a(h, w)
        except ValueError:
            raise ValueError(
                f"GoogLeNet: argument 'x' is {h}×{w}, too small: the five stride-2 stages "
                f"need at least {self.min_input_size}×{self.min_input_size} (the paper "
                f"uses 224×224)"
            ) from None
        if with_aux and at_4a != (14, 14):
            fits = self.aux_input_sizes()
            raise ValueError(
                f"GoogLeNet: argument 'x' is {h}×{w}, which makes inception (4a)'s maps "
                f"{at_4a[0]}×{at_4a[1]}, but the auxiliary classifiers (active in training "
                f"mode with aux_logits=True) need 14×14 maps, i.e. inputs of "
                f"{fits[0]} to {fits[-1]} pixels a side such as the paper's 224×224; use "
                f"aux_logits=False or eval() for other sizes (at least "
                f"{self.min_input_size}×{self.min_input_size})"
            )

    def _check_backward(self, dout):
        """Return whether forward ran the heads, once ``dout`` has one gradient per output."""
        ran_aux = self.cached(self._ran_aux)
        if ran_aux:
            if not (isinstance(dout, (tuple, list)) and len(dout) == 3):
                raise ValueError("GoogLeNet.backward: the forward pass returned (logits, aux1, "
                                 "aux2), so 'dout' must be a tuple of their three gradients "
                                 f"(GoogLeNetLoss returns it), got {type(dout).__name__}")
        elif isinstance(dout, (tuple, list)):
            raise ValueError("GoogLeNet.backward: the forward pass returned only the main "
                             "logits, so 'dout' must be one array, got a "
                             f"{type(dout).__name__} of {len(dout)}")
        return ran_aux

    # -- passes ------------------------------------------------------------------
    def _run(self, names, x):
        for name in names:
            x = getattr(self, name)(x)
        return x

    def _back(self, names, dout):
        for name in reversed(names):
            dout = getattr(self, name).backward(dout)
        return dout

    def forward(self, x):
        with_aux = self.training and self.aux_logits
        out_4a = self._run(self._to_4a, x)
        out_4d = self._run(self._to_4d, out_4a)
        logits = self._run(self._to_end, out_4d)
        self._ran_aux = with_aux
        if not with_aux:
            return logits
        return logits, self.aux1(out_4a), self.aux2(out_4d)

    def backward(self, dout):
        """Backward through the trunk; the auxiliary gradients join it at (4d) and (4a).

        ``dout`` is ``(d_logits, d_aux1, d_aux2)`` after a forward pass that returned
        three outputs, otherwise one array.  Where a head branches off, the trunk's
        gradient is the sum of the gradient from the layers above and the head's.
        """
        ran_aux = self._check_backward(dout)
        d_main, d_aux1, d_aux2 = dout if ran_aux else (dout, None, None)
        self._ran_aux = None
        d_4d = self._back(self._to_end, d_main)
        if ran_aux:
            d_4d = d_4d + self.aux2.backward(d_aux2)
        d_4a = self._back(self._to_4d, d_4d)
        if ran_aux:
            d_4a = d_4a + self.aux1.backward(d_aux1)
        return self._back(self._to_4a, d_4a)


class GoogLeNetLoss:
    r"""Training loss of GoogLeNet: :math:`L = L_\text{main} + 0.3\,(L_\text{aux1} + L_\text{aux2})`.

    Called as ``loss_fn(outputs, labels)`` it returns ``(loss, gradients)`` with one
    gradient per output, the form :func:`dlbook.train.fit` takes as ``loss_and_grad``.
    Each term is a :class:`~dlbook.nn.SoftmaxCrossEntropy`; an output that is a single
    array (evaluation mode, or ``aux_logits=False``) gets the plain loss.
    ``parts`` holds the last three losses, unweighted.

    Parameters
    ----------
    aux_weight : float
        Weight of each auxiliary loss (0.3 in the paper; 0 ignores the heads).

    Examples
    --------
    With all-zero logits for 4 classes each loss is log 4:

    >>> import numpy as np
    >>> from dlbook.models import GoogLeNetLoss
    >>> loss_fn = GoogLeNetLoss()
    >>> z = np.zeros((2, 4))
    >>> loss, grads = loss_fn((z, z, z), np.array([0, 1]))
    >>> round(float(loss), 4), round(1.6 * float(np.log(4)), 4)
    (2.2181, 2.2181)
    >>> [round(float(g[0, 0]), 4) for g in grads]    # (1/4 - 1)/2, times 1, 0.3, 0.3
    [-0.375, -0.1125, -0.1125]
    """

    def __init__(self, aux_weight=AUX_WEIGHT):
        self.aux_weight = check_float(aux_weight, "aux_weight", low=0.0, owner="GoogLeNetLoss")
        self._terms = (SoftmaxCrossEntropy(), SoftmaxCrossEntropy(), SoftmaxCrossEntropy())
        self.parts = None

    def _check_outputs(self, outputs):
        if isinstance(outputs, tuple) and len(outputs) != 3:
            raise ValueError(f"GoogLeNetLoss: argument 'outputs' must be (logits, aux1, aux2), "
                             f"got a tuple of {len(outputs)}")

    def __call__(self, outputs, labels):
        self._check_outputs(outputs)
        if not isinstance(outputs, tuple):
            loss = self._terms[0](outputs, labels)
            self.parts = (float(loss),)
            return loss, self._terms[0].backward()
        losses = [term(out, labels) for term, out in zip(self._terms, outputs)]
        self.parts = tuple(float(v) for v in losses)
        w = self.aux_weight
        total = losses[0] + w * (losses[1] + losses[2])
        grads = (self._terms[0].backward(), self._terms[1].backward(w),
                 self._terms[2].backward(w))
        return total, grads
