"""Determinism: a seed fixes everything, and nothing reads NumPy's global random state."""

import re
from pathlib import Path

import numpy as np
import pytest

import dlbook
from dlbook.data import load_digits
from dlbook.nn import SoftmaxCrossEntropy

ROOT = Path(__file__).resolve().parent.parent

# Everything in numpy.random that is allowed: the Generator API and its parts.
ALLOWED = {"default_rng", "Generator", "BitGenerator", "SeedSequence", "PCG64", "PCG64DXSM",
           "Philox", "SFC64", "MT19937"}


def _model_factories():
    """``{name: factory(seed)}`` for each model that exists, with small settings where possible."""
    factories = {"MLP": lambda seed: dlbook.models.MLP(64, [32, 16], 10, rng=seed,
                                                        **_mlp_extras())}
    if hasattr(dlbook.models, "LeNet5"):
        factories["LeNet5"] = lambda seed: dlbook.models.LeNet5(rng=seed)
    if hasattr(dlbook.models, "GoogLeNet"):
        factories["GoogLeNet"] = lambda seed: dlbook.models.GoogLeNet(num_classes=10, rng=seed)
    if hasattr(dlbook.models, "AlexNet"):
        factories["AlexNet"] = lambda seed: dlbook.models.AlexNet(num_classes=10, rng=seed)
    return factories


def _mlp_extras():
    extras = {}
    if hasattr(dlbook.nn, "BatchNorm1d"):
        extras["batch_norm"] = True
    if hasattr(dlbook.nn, "Dropout"):
        extras["dropout"] = 0.3
    return extras


def _digest(model):
    """The exact bytes of every parameter and buffer, by name."""
    return {name: (a.dtype.str, a.shape, a.tobytes()) for name, a in model.state_dict().items()}


@pytest.mark.parametrize("name", sorted(_model_factories()))
def test_same_seed_gives_bit_identical_weights(name):
    make = _model_factories()[name]
    a = make(3)
    assert _digest(a) == _digest(make(3))
    if name == "AlexNet":
        return                                   # 60M weights: two builds are enough
    b = make(4)
    assert any(not np.array_equal(a.state_dict()[k], b.state_dict()[k])
               for k in a.state_dict() if k.endswith(".W")), "the seed has no effect"


def _augmentation():
    """A random transform using only the rng that fit passes in."""
    if hasattr(dlbook.data, "RandomShift"):
        return dlbook.data.Compose([dlbook.data.RandomShift(max_shift=1),
                                    dlbook.data.GaussianNoise(std=0.05)])

    def jitter(batch, rng):
        return batch + rng.normal(0, 0.05, batch.shape).astype(batch.dtype)
    return jitter


def test_same_seed_gives_identical_training():
    m1, h1, p1 = _train_mlp_flat(0)
    m2, h2, p2 = _train_mlp_flat(0)
    assert h1.step_loss == h2.step_loss
    assert (h1.train_loss, h1.train_acc, h1.val_loss, h1.val_acc) == \
        (h2.train_loss, h2.train_acc, h2.val_loss, h2.val_acc)
    assert _digest(m1) == _digest(m2)
    assert p1.tobytes() == p2.tobytes()
    _, h3, _ = _train_mlp_flat(1)
    assert h3.step_loss != h1.step_loss


def _train_mlp_flat(seed):
    """As ``_train_mlp`` but with the images flattened before fit (the model is an MLP)."""
    X, y, X_val, y_val = load_digits(image_size=8, rng=seed)
    model = dlbook.models.MLP(64, [32], 10, rng=seed, **_mlp_extras())
    augment = _augmentation()
    opt_class = getattr(dlbook.optim, "Adam", dlbook.optim.SGD)

    def transform(batch, rng):
        return augment(batch.reshape(-1, 1, 8, 8), rng).reshape(len(batch), -1)

    history = dlbook.train.fit(
        model, SoftmaxCrossEntropy(), opt_class(model.parameters(), lr=0.01),
        X[:512].reshape(512, -1), y[:512], epochs=2, batch_size=64, rng=seed,
        transform=transform, validation=(X_val.reshape(len(X_val), -1), y_val),
        progress=False)
    return model, history, dlbook.train.predict(model, X_val.reshape(len(X_val), -1))


def test_same_seed_gives_identical_cnn_training():
    if not hasattr(dlbook.models, "LeNet5"):
        pytest.skip("dlbook.models.LeNet5 does not exist yet")

    def run():
        X, y, _, _ = load_digits(image_size=32, rng=0)
        model = dlbook.models.LeNet5(rng=0)
        history = dlbook.train.fit(model, SoftmaxCrossEntropy(),
                                   dlbook.optim.SGD(model.parameters(), lr=0.05),
                                   X[:128], y[:128], epochs=1, batch_size=32, rng=0,
                                   transform=_augmentation(), progress=False)
        return history.step_loss, _digest(model)

    assert run() == run()


def _legacy_names():
    """Every public callable of numpy.random that uses or touches the global state."""
    return sorted(name for name in dir(np.random)
                  if not name.startswith("_") and name not in ALLOWED
                  and name[0].islower() and callable(getattr(np.random, name)))


def test_the_legacy_list_covers_the_usual_suspects():
    names = set(_legacy_names())
    assert {"rand", "randn", "random", "seed", "shuffle", "permutation", "choice", "normal",
            "uniform", "randint", "binomial", "get_state", "set_state"} <= names


def test_nothing_uses_numpy_global_random_state(monkeypatch):
    """Build, train (dropout, augmentation, shuffling), check gradients and load data
    while every legacy np.random function raises."""
    def forbidden(name):
        def raiser(*args, **kwargs):
            raise AssertionError(f"np.random.{name} (global random state) was called")
        return raiser

    for name in _legacy_names():
        monkeypatch.setattr(np.random, name, forbidden(name))

    for make in _model_factories().values():
        make(None)                               # unseeded: fresh entropy, still no globals
    _train_mlp_flat(0)
    dlbook.data.train_test_split(20, 0.25, rng=None)
    for init in ("xavier_normal", "xavier_uniform", "he_normal", "he_uniform"):
        if hasattr(dlbook.init, init):
            getattr(dlbook.init, init)((4, 3, 3, 3), rng=None)
    if hasattr(dlbook.nn, "Dropout"):
        drop = dlbook.nn.Dropout(0.5)
        dlbook.gradcheck.check_module_gradients(
            dlbook.nn.Sequential(dlbook.nn.Linear(3, 2, dtype=np.float64), drop),
            np.ones((2, 3)), rng=None)
    if hasattr(dlbook.models, "LeNet5"):
        X, y, _, _ = load_digits(image_size=32)
        model = dlbook.models.LeNet5()
        dlbook.train.fit(model, SoftmaxCrossEntropy(), dlbook.optim.SGD(model.parameters(), lr=0.01),
                         X[:64], y[:64], epochs=1, batch_size=32, transform=_augmentation(),
                         progress=False)


LEGACY_USE = re.compile(r"\b(?:np|numpy)\.random\.(\w+)")
FORBIDDEN_IMPORTS = re.compile(r"^\s*(?:from numpy\.random import|import random\b|from random import)",
                               re.MULTILINE)


def _sources(folder, pattern):
    return sorted(p for p in (ROOT / folder).rglob(pattern)
                  if "_build" not in p.parts and ".ipynb_checkpoints" not in p.parts)


@pytest.mark.parametrize("folder, pattern", [("dlbook", "*.py"), ("docs", "*.md"),
                                             ("benchmarks", "*.py")])
def test_source_uses_only_the_generator_api(folder, pattern):
    """grep: np.random.<x> only for default_rng/Generator & co; no stdlib random."""
    offences = []
    for path in _sources(folder, pattern):
        text = path.read_text(encoding="utf-8")
        for lineno, line in enumerate(text.splitlines(), 1):
            for name in LEGACY_USE.findall(line):
                if name not in ALLOWED:
                    offences.append(f"{path.relative_to(ROOT)}:{lineno}: np.random.{name}")
        for match in FORBIDDEN_IMPORTS.finditer(text):
            lineno = text.count("\n", 0, match.start()) + 1
            offences.append(f"{path.relative_to(ROOT)}:{lineno}: {match.group().strip()}")
    assert not offences, "global random state used:\n" + "\n".join(offences)
