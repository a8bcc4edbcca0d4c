"""Bad calls across the public API, table-driven.

Each row makes one bad call and says which exception it must raise and which
fragments its message must contain: the argument's name, the value received and
what was expected.  Where the call goes to a layer or an optimiser, the object is
first used once correctly (so caches, running statistics and generator streams are
in a non-trivial state) and must be bit-for-bit unchanged after the rejected call:
validation comes before any computation.

Rows that name a class or function that does not exist yet are skipped with the
missing name, so the table can be written ahead of the layers.

Calling ``backward`` before ``forward`` is a wrong *order of calls*, not a wrong
argument, so it raises ``RuntimeError`` (as PyTorch does for a backward through a
freed graph); every bad *argument* raises ``TypeError`` or ``ValueError``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pytest

import dlbook


class Missing(Exception):
    """A name of the table does not exist (yet) in dlbook."""


def D(path):
    """``D("nn.Conv2d")`` is ``dlbook.nn.Conv2d``, or raises ``Missing``."""
    obj = dlbook
    for part in path.split("."):
        if not hasattr(obj, part):
            raise Missing(f"dlbook.{path}")
        obj = getattr(obj, part)
    return obj


F32 = np.float32


def x(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def with_value(arr, value, index=0):
    arr = arr.copy()
    arr.reshape(-1)[index] = value
    return arr


# -- objects that are used correctly before the bad call ---------------------------
def used(layer, *args):
    """Return ``layer`` after one valid training-mode forward (its cache is now full)."""
    layer.train()
    layer(*args)
    return layer


def fresh(layer):
    """A layer that has not run forward (for backward-before-forward rows)."""
    return layer


def optimizer(name, missing=None, bad_grad=None, **kwargs):
    """An optimiser over two parameters, stepped once, then given a missing or misshapen gradient."""
    Opt = D(f"optim.{name}")
    rng = np.random.default_rng(0)
    params = [dlbook.nn.Parameter(rng.standard_normal((3, 2))),
              dlbook.nn.Parameter(rng.standard_normal(2))]
    opt = Opt(params, **kwargs)
    for p in params:
        p.grad = np.ones_like(p.data)
    opt.step()
    if missing is not None:
        params[missing].grad = None
    if bad_grad is not None:
        params[0].grad = bad_grad
    return opt


def linear_params():
    return D("nn.Linear")(3, 2, rng=0).parameters()


# -- the table ----------------------------------------------------------------------
@dataclass
class Bad:
    id: str
    call: Callable                 # call(obj) makes the bad call
    exc: type | tuple
    fragments: tuple               # each a str, or a tuple of acceptable alternatives
    make: Callable | None = None   # builds the object whose state must survive
    marks: tuple = field(default=())


R = RuntimeError
V = ValueError
T = TypeError

ROWS = [
    # ---- Linear ----------------------------------------------------------------------
    Bad("Linear/in_features=0", lambda _: D("nn.Linear")(0, 3), V,
        ("'in_features'", "got 0", ">= 1")),
    Bad("Linear/out_features=-2", lambda _: D("nn.Linear")(3, -2), V,
        ("'out_features'", "-2", ">= 1")),
    Bad("Linear/in_features=3.5", lambda _: D("nn.Linear")(3.5, 2), T,
        ("'in_features'", "3.5", "integer")),
    Bad("Linear/dtype=int32", lambda _: D("nn.Linear")(3, 2, dtype=np.int32), T,
        ("'dtype'", "int32", "floating")),
    Bad("Linear/rng=-1", lambda _: D("nn.Linear")(3, 2, rng=-1), V,
        ("'rng'", "-1", "non-negative")),
    Bad("Linear/rng='seed'", lambda _: D("nn.Linear")(3, 2, rng="seed"), T,
        ("'rng'", "str", "Generator")),
    Bad("Linear.forward/ndim=3", lambda m: m(x(2, 3, 1)), V,
        ("'x'", "got 3", "2 dimensions"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/features", lambda m: m(x(2, 4)), V,
        ("'x'", "4 features", "in_features=3"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/int-array", lambda m: m(np.ones((2, 3), dtype=np.int64)), T,
        ("'x'", "int64", "floating"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/list", lambda m: m([[1.0, 2.0, 3.0]]), T,
        ("'x'", "list", "numpy.ndarray"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/NaN", lambda m: m(with_value(x(2, 3), np.nan)), V,
        ("'x'", "1 NaN", "finite"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/inf", lambda m: m(with_value(x(2, 3), -np.inf, 4)), V,
        ("'x'", "1 infinite", "finite"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.forward/float64-into-float32", lambda m: m(x(2, 3, dtype=np.float64)), T,
        ("'x'", "float64", "float32"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Linear.backward/before-forward", lambda m: m.backward(x(2, 2)), R,
        ("Linear.backward", "before forward"), lambda: fresh(D("nn.Linear")(3, 2, rng=0))),
    Bad("Linear.backward/twice", lambda m: (m.backward(x(4, 2)), m.backward(x(4, 2))), R,
        ("Linear.backward", "before forward"), lambda: used(D("nn.Linear")(3, 2, rng=0), x(4, 3))),
    Bad("Sequential.backward/before-forward",
        lambda m: m.backward(x(2, 2)), R, ("backward", "before forward"),
        lambda: fresh(D("nn.Sequential")(D("nn.Linear")(3, 2, rng=0), D("nn.ReLU")()))),
    Bad("Sequential/non-module", lambda _: D("nn.Sequential")(D("nn.ReLU")(), 3), T,
        ("item '1'", "int", "Module")),
    # ---- activations -----------------------------------------------------------------
    Bad("ReLU.forward/int-array", lambda m: m(np.arange(4)), T,
        ("ReLU", "'x'", "int64", "floating"), lambda: used(D("nn.ReLU")(), x(4))),
    Bad("Sigmoid.forward/NaN", lambda m: m(with_value(x(4), np.nan)), V,
        ("Sigmoid", "'x'", "NaN", "finite"), lambda: used(D("nn.Sigmoid")(), x(4))),
    Bad("Tanh.forward/list", lambda m: m([0.0, 1.0]), T,
        ("Tanh", "'x'", "list", "numpy.ndarray"), lambda: used(D("nn.Tanh")(), x(4))),
    Bad("Swish.forward/inf", lambda m: m(with_value(x(4), np.inf)), V,
        ("Swish", "'x'", "infinite"), lambda: used(D("nn.Swish")(), x(4))),
    Bad("LeakyReLU/negative_slope=-0.1", lambda _: D("nn.LeakyReLU")(negative_slope=-0.1), V,
        ("'negative_slope'", "-0.1", "[0, 1)")),
    Bad("LeakyReLU/negative_slope='a'", lambda _: D("nn.LeakyReLU")(negative_slope="a"), T,
        ("'negative_slope'", "'a'", "real number")),
    Bad("Swish/beta=nan", lambda _: D("nn.Swish")(beta=float("nan")), V,
        ("'beta'", "nan",)),
    Bad("Sigmoid.backward/before-forward", lambda m: m.backward(x(4)), R,
        ("Sigmoid.backward", "before forward"), lambda: fresh(D("nn.Sigmoid")())),
    Bad("Swish.backward/twice", lambda m: (m.backward(x(4)), m.backward(x(4))), R,
        ("Swish.backward", "before forward"), lambda: used(D("nn.Swish")(), x(4))),
    # ---- SoftmaxCrossEntropy ---------------------------------------------------------
    Bad("SoftmaxCrossEntropy/logits-1d", lambda m: m(x(4), np.array([0, 1, 2, 0])), V,
        ("'logits'", "got 1", "2 dimensions"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/batch-mismatch", lambda m: m(x(4, 3), np.array([0, 1, 2, 0, 1])), V,
        ("'labels'", "(5,)", "(4,)"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/label-too-large", lambda m: m(x(4, 3), np.array([0, 1, 3, 0])), V,
        ("'labels'", "contains 3", "[0, 2]"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/label-negative", lambda m: m(x(4, 3), np.array([0, -1, 2, 0])), V,
        ("'labels'", "contains -1", "[0, 2]"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/float-labels", lambda m: m(x(4, 3), np.array([0., 1., 2., 0.])), T,
        ("'labels'", "float64", "integer"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/one-hot-labels", lambda m: m(x(2, 3), np.eye(3)[[0, 2]]), T,
        ("'labels'", "(2, 3)", "argmax"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/labels-list", lambda m: m(x(2, 3), [0, 1]), T,
        ("'labels'", "list", "numpy.ndarray"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/NaN-logits", lambda m: m(with_value(x(2, 3), np.nan), np.array([0, 1])), V,
        ("'logits'", "NaN", "finite"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy/int-logits", lambda m: m(np.ones((2, 3), np.int32), np.array([0, 1])), T,
        ("'logits'", "int32", "floating"),
        lambda: used(D("nn.SoftmaxCrossEntropy")(), x(4, 3), np.array([0, 1, 2, 0]))),
    Bad("SoftmaxCrossEntropy.backward/before-forward", lambda m: m.backward(), R,
        ("SoftmaxCrossEntropy.backward", "before forward"),
        lambda: fresh(D("nn.SoftmaxCrossEntropy")())),
    # ---- functional ------------------------------------------------------------------
    Bad("cross_entropy/float-labels",
        lambda _: D("functional.cross_entropy")(x(2, 3), np.array([0.0, 1.0])), T,
        ("'labels'", "float64", "integer")),
    Bad("cross_entropy/label-out-of-range",
        lambda _: D("functional.cross_entropy")(x(2, 3), np.array([0, 7])), V,
        ("'labels'", "7", "[0, 2]")),
    Bad("cross_entropy/batch-mismatch",
        lambda _: D("functional.cross_entropy")(x(2, 3), np.array([0, 1, 2])), V,
        ("'labels'", "(3,)", "(2,)")),
    Bad("cross_entropy/label-negative",
        lambda _: D("functional.cross_entropy")(x(2, 3), np.array([0, -1])), V,
        ("'labels'", "-1", "[0, 2]")),
    Bad("conv_output_size/fractional", lambda _: D("functional.conv_output_size")(28, 5, stride=2), V,
        ("stride=2", "fractional", "12.5", "would fit")),
    Bad("conv_output_size/kernel-larger-than-padded-input",
        lambda _: D("functional.conv_output_size")(3, 7, padding=1), V,
        ("kernel_size=7", "5", "at most")),
    Bad("conv_output_size/input_size=0", lambda _: D("functional.conv_output_size")(0, 3), V,
        ("'input_size'", "got 0", ">= 1")),
    Bad("conv_output_size/stride=0", lambda _: D("functional.conv_output_size")(28, 5, stride=0), V,
        ("'stride'", "got 0", ">= 1")),
    Bad("conv_output_size/padding=-1", lambda _: D("functional.conv_output_size")(28, 5, padding=-1), V,
        ("'padding'", "-1", ">= 0")),
    Bad("conv_output_size/kernel=2.0", lambda _: D("functional.conv_output_size")(28, 2.0), T,
        ("'kernel_size'", "2.0", "integer")),
    # ---- Conv2d ----------------------------------------------------------------------
    Bad("Conv2d/in_channels=0", lambda _: D("nn.Conv2d")(0, 6, 5), V,
        ("'in_channels'", "got 0", ">= 1")),
    Bad("Conv2d/kernel_size=0", lambda _: D("nn.Conv2d")(1, 6, 0), V,
        ("'kernel_size'", "got 0", ">= 1")),
    Bad("Conv2d/stride=-1", lambda _: D("nn.Conv2d")(1, 6, 5, stride=-1), V,
        ("'stride'", "-1", ">= 1")),
    Bad("Conv2d/padding=-1", lambda _: D("nn.Conv2d")(1, 6, 5, padding=-1), V,
        ("'padding'", "-1", ">= 0")),
    Bad("Conv2d/kernel_size-triple", lambda _: D("nn.Conv2d")(1, 6, (5, 5, 5)), V,
        ("'kernel_size'", "(5, 5, 5)", "pair")),
    Bad("Conv2d/dtype=int", lambda _: D("nn.Conv2d")(1, 6, 5, dtype=int), T,
        ("'dtype'", "int64", "floating")),
    Bad("Conv2d/rounding='round'", lambda _: D("nn.Conv2d")(1, 6, 5, rounding="round"), V,
        ("'rounding'", "'round'", "floor")),
    Bad("Conv2d.forward/channels", lambda m: m(x(2, 3, 8, 8)), V,
        ("'x'", "3 channels", "in_channels=1"), lambda: used(D("nn.Conv2d")(1, 2, 3, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.forward/ndim=3", lambda m: m(x(1, 8, 8)), V,
        ("'x'", "got 3", "4 dimensions"), lambda: used(D("nn.Conv2d")(1, 2, 3, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.forward/kernel-larger-than-input", lambda m: m(x(1, 1, 3, 3)), V,
        ("kernel_size=5", "3", "padded input"), lambda: used(D("nn.Conv2d")(1, 2, 5, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.forward/fractional-output", lambda m: m(x(1, 1, 8, 8)), V,
        ("stride=2", "fractional", "3.5"), lambda: used(D("nn.Conv2d")(1, 2, 3, stride=2, rng=0), x(2, 1, 9, 9))),
    Bad("Conv2d.forward/int-array", lambda m: m(np.zeros((1, 1, 8, 8), np.uint8)), T,
        ("'x'", "uint8", "floating"), lambda: used(D("nn.Conv2d")(1, 2, 3, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.forward/float64-into-float32", lambda m: m(x(1, 1, 8, 8, dtype=np.float64)), T,
        ("'x'", "float64", "float32"), lambda: used(D("nn.Conv2d")(1, 2, 3, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.forward/NaN", lambda m: m(with_value(x(1, 1, 8, 8), np.nan, 5)), V,
        ("'x'", "1 NaN", "finite"), lambda: used(D("nn.Conv2d")(1, 2, 3, rng=0), x(2, 1, 8, 8))),
    Bad("Conv2d.backward/before-forward", lambda m: m.backward(x(1, 2, 6, 6)), R,
        ("Conv2d.backward", "before forward"), lambda: fresh(D("nn.Conv2d")(1, 2, 3, rng=0))),
    # ---- pooling ---------------------------------------------------------------------
    Bad("MaxPool2d/kernel_size=0", lambda _: D("nn.MaxPool2d")(0), V,
        ("'kernel_size'", "got 0", ">= 1")),
    Bad("MaxPool2d/stride=0", lambda _: D("nn.MaxPool2d")(2, stride=0), V,
        ("'stride'", "got 0", ">= 1")),
    Bad("MaxPool2d/padding>kernel/2", lambda _: D("nn.MaxPool2d")(2, padding=2), V,
        ("padding=(2, 2)", "kernel_size=(2, 2)", "at most half")),
    Bad("AvgPool2d/rounding=None", lambda _: D("nn.AvgPool2d")(2, rounding=None), V,
        ("'rounding'", "None", "ceil")),
    Bad("MaxPool2d.forward/ndim=2", lambda m: m(x(8, 8)), V,
        ("'x'", "got 2", "4 dimensions"), lambda: used(D("nn.MaxPool2d")(2), x(1, 2, 8, 8))),
    Bad("MaxPool2d.forward/fractional-output", lambda m: m(x(1, 2, 8, 8)), V,
        ("stride=2", "fractional", "3.5"), lambda: used(D("nn.MaxPool2d")(3, stride=2), x(1, 2, 9, 9))),
    Bad("MaxPool2d.forward/kernel-larger-than-input", lambda m: m(x(1, 2, 3, 3)), V,
        ("kernel_size=5", "3", "padded input"), lambda: used(D("nn.MaxPool2d")(5), x(1, 2, 10, 10))),
    Bad("AvgPool2d.forward/NaN", lambda m: m(with_value(x(1, 2, 8, 8), np.nan)), V,
        ("'x'", "NaN", "finite"), lambda: used(D("nn.AvgPool2d")(2), x(1, 2, 8, 8))),
    Bad("AvgPool2d.forward/int-array", lambda m: m(np.zeros((1, 2, 8, 8), np.int16)), T,
        ("'x'", "int16", "floating"), lambda: used(D("nn.AvgPool2d")(2), x(1, 2, 8, 8))),
    Bad("AvgPool2d.backward/before-forward", lambda m: m.backward(x(1, 2, 4, 4)), R,
        ("AvgPool2d.backward", "before forward"), lambda: fresh(D("nn.AvgPool2d")(2))),
    Bad("GlobalAvgPool2d.forward/ndim=2", lambda m: m(x(2, 3)), V,
        ("'x'", "got 2", "4 dimensions"), lambda: used(D("nn.GlobalAvgPool2d")(), x(2, 3, 4, 4))),
    Bad("GlobalMaxPool2d.forward/list", lambda m: m([[1.0]]), T,
        ("'x'", "list", "numpy.ndarray"), lambda: used(D("nn.GlobalMaxPool2d")(), x(2, 3, 4, 4))),
    # ---- normalisation ---------------------------------------------------------------
    Bad("BatchNorm1d/num_features=0", lambda _: D("nn.BatchNorm1d")(0), V,
        ("'num_features'", "got 0", ">= 1")),
    Bad("BatchNorm1d/eps=0", lambda _: D("nn.BatchNorm1d")(4, eps=0.0), V,
        ("'eps'", "0.0", "(0, inf")),
    Bad("BatchNorm1d/eps<0", lambda _: D("nn.BatchNorm1d")(4, eps=-1e-5), V,
        ("'eps'", "-1e-05", "(0, inf")),
    Bad("BatchNorm1d/momentum=1.5", lambda _: D("nn.BatchNorm1d")(4, momentum=1.5), V,
        ("'momentum'", "1.5", "[0, 1]")),
    Bad("BatchNorm2d/momentum=-0.1", lambda _: D("nn.BatchNorm2d")(4, momentum=-0.1), V,
        ("'momentum'", "-0.1", "[0, 1]")),
    Bad("BatchNorm2d.forward/channels", lambda m: m(x(2, 4, 5, 5)), V,
        ("'x'", "4 channels", "num_features=3"), lambda: used(D("nn.BatchNorm2d")(3), x(4, 3, 5, 5))),
    Bad("BatchNorm2d.forward/ndim=2", lambda m: m(x(4, 3)), V,
        ("'x'", "got 2", "4 dimensions"), lambda: used(D("nn.BatchNorm2d")(3), x(4, 3, 5, 5))),
    Bad("BatchNorm2d.forward/NaN", lambda m: m(with_value(x(4, 3, 5, 5), np.nan, 7)), V,
        ("'x'", "1 NaN", "finite"), lambda: used(D("nn.BatchNorm2d")(3), x(4, 3, 5, 5))),
    Bad("BatchNorm1d.forward/features", lambda m: m(x(8, 5)), V,
        ("'x'", "5", "num_features=4"), lambda: used(D("nn.BatchNorm1d")(4), x(8, 4))),
    Bad("BatchNorm1d.forward/batch-of-one", lambda m: m(x(1, 4)), V,
        ("(1, 4)", "more than 1 value per channel"), lambda: used(D("nn.BatchNorm1d")(4), x(8, 4))),
    Bad("BatchNorm1d.forward/float64-into-float32", lambda m: m(x(8, 4, dtype=np.float64)), T,
        ("'x'", "float64", "float32"), lambda: used(D("nn.BatchNorm1d")(4), x(8, 4))),
    Bad("BatchNorm2d.backward/before-forward", lambda m: m.backward(x(4, 3, 5, 5)), R,
        ("BatchNorm2d.backward", "before forward"), lambda: fresh(D("nn.BatchNorm2d")(3))),
    Bad("LayerNorm/eps=0", lambda _: D("nn.LayerNorm")(4, eps=0), V,
        ("'eps'", "0", "(0, inf")),
    Bad("LayerNorm/normalized_shape=0", lambda _: D("nn.LayerNorm")(0), V,
        ("'normalized_shape'", "got 0", ">= 1")),
    Bad("LayerNorm.forward/trailing-shape", lambda m: m(x(2, 5)), V,
        ("'x'", "(5,)", "(4,)"), lambda: used(D("nn.LayerNorm")(4), x(2, 4))),
    Bad("GroupNorm/groups-do-not-divide", lambda _: D("nn.GroupNorm")(3, 4), V,
        ("'num_groups'", "3", "4")),
    Bad("GroupNorm.forward/channels", lambda m: m(x(2, 6, 3, 3)), V,
        ("'x'", "6 channels", "num_channels=4"), lambda: used(D("nn.GroupNorm")(2, 4), x(2, 4, 3, 3))),
    Bad("InstanceNorm2d/eps<0", lambda _: D("nn.InstanceNorm2d")(3, eps=-1.0), V,
        ("'eps'", "-1.0", "(0, inf")),
    Bad("InstanceNorm2d.forward/channels", lambda m: m(x(2, 2, 4, 4)), V,
        ("'x'", "2 channels", "num_features=3"), lambda: used(D("nn.InstanceNorm2d")(3), x(2, 3, 4, 4))),
    Bad("LocalResponseNorm/size=0", lambda _: D("nn.LocalResponseNorm")(size=0), V,
        ("'size'", "got 0", ">= 1")),
    Bad("LocalResponseNorm/k=0", lambda _: D("nn.LocalResponseNorm")(k=0.0), V,
        ("'k'", "0.0", "(0, inf")),
    Bad("LocalResponseNorm/alpha<0", lambda _: D("nn.LocalResponseNorm")(alpha=-1e-4), V,
        ("'alpha'", "-0.0001", "[0, inf")),
    Bad("LocalResponseNorm/beta='x'", lambda _: D("nn.LocalResponseNorm")(beta="x"), T,
        ("'beta'", "'x'", "real number")),
    Bad("LocalResponseNorm.forward/ndim=3", lambda m: m(x(3, 4, 4)), V,
        ("'x'", "got 3", "4 dimensions"), lambda: used(D("nn.LocalResponseNorm")(3), x(2, 4, 4, 4))),
    # ---- Dropout ---------------------------------------------------------------------
    Bad("Dropout/p=-0.1", lambda _: D("nn.Dropout")(p=-0.1), V, ("'p'", "-0.1", "[0, 1)")),
    Bad("Dropout/p=1.5", lambda _: D("nn.Dropout")(p=1.5), V, ("'p'", "1.5", "[0, 1)")),
    Bad("Dropout/p=1", lambda _: D("nn.Dropout")(p=1.0), V, ("'p'", "1.0", "[0, 1)")),
    Bad("Dropout/p='0.5'", lambda _: D("nn.Dropout")(p="0.5"), T, ("'p'", "'0.5'", "real number")),
    Bad("Dropout.forward/int-array", lambda m: m(np.ones((2, 3), np.int64)), T,
        ("'x'", "int64", "floating"), lambda: used(D("nn.Dropout")(0.5, rng=0), x(2, 3))),
    Bad("Dropout.forward/NaN", lambda m: m(with_value(x(2, 3), np.nan)), V,
        ("'x'", "NaN", "finite"), lambda: used(D("nn.Dropout")(0.5, rng=0), x(2, 3))),
    Bad("Dropout.backward/before-forward", lambda m: m.backward(x(2, 3)), R,
        ("Dropout.backward", "before forward"), lambda: fresh(D("nn.Dropout")(0.5, rng=0))),
    # ---- optimisers ------------------------------------------------------------------
    Bad("SGD/lr=0", lambda _: D("optim.SGD")(linear_params(), lr=0.0), V, ("'lr'", "0.0", "(0, inf")),
    Bad("SGD/lr<0", lambda _: D("optim.SGD")(linear_params(), lr=-0.1), V, ("'lr'", "-0.1", "(0, inf")),
    Bad("SGD/lr=nan", lambda _: D("optim.SGD")(linear_params(), lr=math.nan), V, ("'lr'", "nan")),
    Bad("SGD/lr='0.1'", lambda _: D("optim.SGD")(linear_params(), lr="0.1"), T, ("'lr'", "'0.1'", "real number")),
    Bad("SGD/empty-params", lambda _: D("optim.SGD")([], lr=0.1), V, ("'params'", "empty", "model.parameters()")),
    Bad("SGD/params=Module", lambda _: D("optim.SGD")(D("nn.Linear")(2, 2), lr=0.1), T,
        ("'params'", "Linear", "list of Parameters")),
    Bad("SGD/params-of-arrays", lambda _: D("optim.SGD")([np.zeros(3)], lr=0.1), T,
        ("'params' item 0", "ndarray", "Parameter")),
    Bad("SGD.step/missing-gradient", lambda o: o.step(), V,
        ("parameter 1", "no gradient", "backward"), lambda: optimizer("SGD", lr=0.1, missing=1)),
    Bad("SGD.step/wrong-gradient-shape", lambda o: o.step(), V,
        ("parameter 0", "(3, 2)", "(6,)"), lambda: optimizer("SGD", lr=0.1, bad_grad=np.ones(6))),
    Bad("Momentum/momentum=1", lambda _: D("optim.Momentum")(linear_params(), momentum=1.0), V,
        ("'momentum'", "1.0", "[0, 1)")),
    Bad("Momentum/momentum<0", lambda _: D("optim.Momentum")(linear_params(), momentum=-0.5), V,
        ("'momentum'", "-0.5", "[0, 1)")),
    Bad("Momentum/lr=0", lambda _: D("optim.Momentum")(linear_params(), lr=0), V, ("'lr'", "0", "(0, inf")),
    Bad("Momentum.step/missing-gradient", lambda o: o.step(), V,
        ("parameter 0", "no gradient"), lambda: optimizer("Momentum", lr=0.1, missing=0)),
    Bad("AdaGrad/eps=0", lambda _: D("optim.AdaGrad")(linear_params(), eps=0.0), V, ("'eps'", "0.0", "(0, inf")),
    Bad("AdaGrad/lr<0", lambda _: D("optim.AdaGrad")(linear_params(), lr=-1e-3), V, ("'lr'", "-0.001", "(0, inf")),
    Bad("AdaGrad.step/missing-gradient", lambda o: o.step(), V,
        ("parameter 1", "no gradient"), lambda: optimizer("AdaGrad", lr=0.1, missing=1)),
    Bad("RMSProp/alpha=1", lambda _: D("optim.RMSProp")(linear_params(), alpha=1.0), V,
        ("'alpha'", "1.0", "[0, 1)")),
    Bad("RMSProp/eps<0", lambda _: D("optim.RMSProp")(linear_params(), eps=-1e-8), V,
        ("'eps'", "-1e-08", "(0, inf")),
    Bad("RMSProp.step/missing-gradient", lambda o: o.step(), V,
        ("parameter 1", "no gradient"), lambda: optimizer("RMSProp", lr=0.01, missing=1)),
    Bad("Adam/beta1=1", lambda _: D("optim.Adam")(linear_params(), betas=(1.0, 0.999)), V,
        ("'betas[0]'", "1.0", "[0, 1)")),
    Bad("Adam/beta2<0", lambda _: D("optim.Adam")(linear_params(), betas=(0.9, -0.1)), V,
        ("'betas[1]'", "-0.1", "[0, 1)")),
    Bad("Adam/betas-length-1", lambda _: D("optim.Adam")(linear_params(), betas=(0.9,)), T,
        ("'betas'", "(0.9,)", "pair")),
    Bad("Adam/eps=0", lambda _: D("optim.Adam")(linear_params(), eps=0.0), V, ("'eps'", "0.0", "(0, inf")),
    Bad("Adam/lr=0", lambda _: D("optim.Adam")(linear_params(), lr=0.0), V, ("'lr'", "0.0", "(0, inf")),
    Bad("Adam.step/missing-gradient", lambda o: o.step(), V,
        ("parameter 1", "no gradient"), lambda: optimizer("Adam", lr=0.01, missing=1)),
    # ---- regularisation, training loop, data -----------------------------------------
    Bad("EarlyStopping/patience=0", lambda _: D("regularization.EarlyStopping")(patience=0), V,
        ("'patience'", "got 0", ">= 1")),
    Bad("EarlyStopping/patience=2.5", lambda _: D("regularization.EarlyStopping")(patience=2.5), T,
        ("'patience'", "2.5", "integer")),
    Bad("EarlyStopping/min_delta<0", lambda _: D("regularization.EarlyStopping")(min_delta=-1.0), V,
        ("'min_delta'", "-1.0", "[0, inf]")),
    Bad("fit/int-X", lambda _: _fit(X=np.zeros((8, 3), np.int64)), T, ("'X'", "int64", "floating")),
    Bad("fit/X-y-mismatch", lambda _: _fit(y=np.zeros(7, np.int64)), V, ("'X'", "'y'", "8", "7")),
    Bad("fit/epochs=0", lambda _: _fit(epochs=0), V, ("'epochs'", "got 0", ">= 1")),
    Bad("fit/batch_size=0", lambda _: _fit(batch_size=0), V, ("'batch_size'", "got 0", ">= 1")),
    Bad("fit/float-labels", lambda _: _fit(y=np.zeros(8)), T, ("'labels'", "float64", "integer")),
    Bad("fit/labels-out-of-range", lambda _: _fit(y=np.full(8, 5)), V, ("'labels'", "5", "[0, 1]")),
    Bad("load_digits/image_size=4", lambda _: D("data.load_digits")(image_size=4), V,
        ("'image_size'", "got 4", ">= 8")),
    Bad("load_digits/test_fraction=1", lambda _: D("data.load_digits")(test_fraction=1.0), V,
        ("'test_fraction'", "1.0", "(0, 1)")),
    Bad("train_test_split/test_fraction=0", lambda _: D("data.train_test_split")(10, 0.0), V,
        ("'test_fraction'", "0.0", "(0, 1)")),
    Bad("resize_images/size=0", lambda _: D("data.resize_images")(np.ones((1, 8, 8)), 0), V,
        ("'size'", "got 0", ">= 1")),
    Bad("init.he_normal/1-d-shape", lambda _: D("init.he_normal")((3,)), V, ("'shape'", "(3,)", "at least 2")),
    Bad("init.he_normal/zero-size", lambda _: D("init.he_normal")((3, 0)), V, ("'shape'", "got 0", ">= 1")),
    Bad("random_flip/p=2", lambda _: D("data.random_flip")(x(1, 1, 4, 4), 0, p=2.0), V,
        ("'p'", "2.0", "[0, 1]")),
    Bad("random_shift/ndim=2", lambda _: D("data.random_shift")(x(4, 4), 0), V,
        ("'batch'", "got 2", "4 dimensions")),
    # ---- models ----------------------------------------------------------------------
    Bad("MLP/activation='softplus'", lambda _: D("models.MLP")(4, [3], 2, activation="softplus"), V,
        ("'activation'", "'softplus'", "relu")),
    Bad("MLP/hidden=[0]", lambda _: D("models.MLP")(4, [0], 2), V, ("'hidden'", "got 0", ">= 1")),
    Bad("MLP/dropout=1", lambda _: D("models.MLP")(4, [3], 2, dropout=1.0), V, ("'dropout'", "1.0", "[0, 1)")),
    Bad("LeNet5/num_classes=0", lambda _: D("models.LeNet5")(num_classes=0), V, ("'num_classes'", "got 0", ">= 1")),
    Bad("LeNet5.forward/28x28", lambda m: m(x(2, 1, 28, 28)), V, ("'x'", "(2, 1, 28, 28)", "(N, 1, 32, 32)"),
        lambda: used(D("models.LeNet5")(rng=0), x(2, 1, 32, 32))),
    Bad("AlexNet/num_classes=0", lambda _: D("models.AlexNet")(num_classes=0), V, ("'num_classes'", "got 0", ">= 1")),
    Bad("GoogLeNet/num_classes=-1", lambda _: D("models.GoogLeNet")(num_classes=-1), V,
        ("'num_classes'", "-1", ">= 1")),
    Bad("AlexNet.forward/224x224", lambda m: m(x(1, 3, 224, 224)), V, ("'x'", "224×224", "227"),
        lambda: _alexnet()),
    Bad("GoogLeNet/aux_logits='yes'", lambda _: D("models.GoogLeNet")(aux_logits="yes"), T,
        ("'aux_logits'", "'yes'", "True or False")),
    Bad("GoogLeNet.forward/too-small", lambda m: m(x(1, 3, 16, 16)), V, ("'x'", "16×16", "at least"),
        lambda: _googlenet()),
    Bad("GoogLeNetLoss/aux_weight<0", lambda _: D("models.GoogLeNetLoss")(aux_weight=-0.3), V,
        ("'aux_weight'", "-0.3", "[0, inf")),
    Bad("GoogLeNetLoss/two-outputs", lambda _: D("models.GoogLeNetLoss")()((x(2, 3), x(2, 3)), np.array([0, 1])), V,
        ("'outputs'", "tuple of 2", "(logits, aux1, aux2)")),
    Bad("InceptionModule/ch1x1=0", lambda _: D("models.InceptionModule")(8, 0, 4, 4, 2, 2, 2), V,
        ("'ch1x1'", "got 0", ">= 1")),
    # ---- transforms, functional helpers, saving ----------------------------------------
    Bad("RandomShift/max_shift=-1", lambda _: D("data.RandomShift")(max_shift=-1), V,
        ("'max_shift'", "-1", ">= 0")),
    Bad("GaussianNoise/std<0", lambda _: D("data.GaussianNoise")(std=-0.1), V, ("'std'", "-0.1", "[0, inf")),
    Bad("gaussian_noise/int-batch", lambda _: D("data.gaussian_noise")(np.zeros((1, 1, 4, 4), int), 0), T,
        ("'batch'", "int64", "floating")),
    Bad("normalize/axis-out-of-range", lambda _: D("functional.normalize")(x(2, 3), axes=(2,)), V,
        ("'axes'", "(2,)", "out of range")),
    Bad("normalize/eps<0", lambda _: D("functional.normalize")(x(2, 3), axes=0, eps=-1.0), V,
        ("'eps'", "-1.0", "[0, inf")),
    Bad("im2col/kh=0", lambda _: D("functional.im2col")(x(1, 1, 4, 4), 0, 2), V, ("'kh'", "got 0", ">= 1")),
    Bad("im2col/ndim=3", lambda _: D("functional.im2col")(x(1, 4, 4), 2, 2), V,
        ("'x'", "got 3", "4 dimensions")),
    Bad("max_pool2d/fractional", lambda _: D("functional.max_pool2d")(x(1, 1, 5, 5), 2), V,
        ("stride=2", "fractional", "2.5")),
    Bad("save/model=str", lambda _: D("save")("/nonexistent/never-written.npz", "model"), T,
        ("'model'", "str", "Module")),
    Bad("load/optimizer=str", lambda _: D("load")("m.npz", D("nn.Linear")(2, 2), optimizer="adam"), T,
        ("'optimizer'", "str", "Optimizer")),
    Bad("GoogLeNet.forward/channels", lambda m: m(x(1, 1, 224, 224)), V, ("'x'", "1 channels", "3"),
        lambda: _googlenet()),
]


def _alexnet():
    m = D("models.AlexNet")(num_classes=10, rng=0)
    m.eval()
    return m


def _googlenet():
    m = D("models.GoogLeNet")(num_classes=10, rng=0)
    m.eval()
    return m


def _fit(X=None, y=None, epochs=1, batch_size=4):
    model = D("nn.Linear")(3, 2, rng=0)
    X = np.ones((8, 3), F32) if X is None else X
    y = np.zeros(8, np.int64) if y is None else y
    return D("train.fit")(model, D("nn.SoftmaxCrossEntropy")(), D("optim.SGD")(model.parameters(), lr=0.1),
                          X, y, epochs=epochs, batch_size=batch_size, rng=0, progress=False)


# -- snapshots of everything an object holds ----------------------------------------
def freeze(value):
    """A comparable, copied picture of ``value`` (arrays by dtype, shape and bytes)."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.generic):
        return ("scalar", value.dtype.str, value.tobytes())
    if isinstance(value, dlbook.nn.Parameter):
        return ("param", freeze(value.data), freeze(value.grad))
    if isinstance(value, dlbook.nn.Module):
        return ("module", type(value).__name__, id(value))     # its own state is frozen separately
    if isinstance(value, np.random.Generator):
        return ("rng", repr(value.bit_generator.state))
    if isinstance(value, dict):
        return ("dict", tuple((k, freeze(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if value is None or isinstance(value, (str, bool, numbers.Number, np.dtype, type)):
        return value
    return ("object", type(value).__name__, freeze(vars(value)) if hasattr(value, "__dict__") else repr(value))


def snapshot(obj):
    if isinstance(obj, dlbook.nn.Module):
        return {name: freeze(vars(m)) for name, m in obj.named_modules()}
    return freeze(vars(obj))


def _matches(message, fragment):
    options = fragment if isinstance(fragment, tuple) else (fragment,)
    return any(option in message for option in options)


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id, marks=r.marks) for r in ROWS])
def test_bad_call_is_rejected_with_a_clear_message(row):
    try:
        target = row.make() if row.make else None
    except Missing as missing:
        pytest.skip(f"{missing} does not exist yet")
    before = snapshot(target) if target is not None else None
    try:
        row.call(target)
    except Missing as missing:
        pytest.skip(f"{missing} does not exist yet")
    except Exception as err:  # noqa: BLE001 - the type is asserted just below
        error = err
    else:
        pytest.fail(f"{row.id}: the bad call was accepted")
    assert isinstance(error, row.exc), (
        f"{row.id}: raised {type(error).__name__}: {error}; expected {row.exc}")
    message = str(error)
    absent = [f for f in row.fragments if not _matches(message, f)]
    assert not absent, f"{row.id}: message lacks {absent}: {message!r}"
    if target is not None and not row.id.endswith("/twice"):
        assert snapshot(target) == before, f"{row.id}: the rejected call changed the object's state"


def test_the_table_is_large_enough():
    assert len(ROWS) >= 40
