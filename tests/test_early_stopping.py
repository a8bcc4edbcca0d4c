"""EarlyStopping: patience, min_delta, best weights restored, and its use in fit."""

import numpy as np
import pytest

from dlbook.data import load_digits
from dlbook.nn import Linear, ReLU, Sequential, SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.regularization import EarlyStopping
from dlbook.train import evaluate, fit


def test_stops_after_patience_epochs_without_improvement():
    stopper, model = EarlyStopping(patience=3), Linear(1, 1, rng=0)
    flags = [stopper.update(v, model) for v in [1.0, 0.8, 0.9, 0.85, 0.81]]
    assert flags == [False, False, False, False, True]
    assert (stopper.best, stopper.best_epoch, stopper.epoch) == (0.8, 2, 5)


def test_improvement_resets_the_counter():
    stopper, model = EarlyStopping(patience=2), Linear(1, 1, rng=0)
    flags = [stopper.update(v, model) for v in [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.86]]
    assert flags == [False, False, False, False, False, False, True]
    assert stopper.best_epoch == 5


def test_min_delta_ignores_tiny_improvements():
    stopper, model = EarlyStopping(patience=2, min_delta=0.05), Linear(1, 1, rng=0)
    flags = [stopper.update(v, model) for v in [1.0, 0.97, 0.96]]
    assert flags == [False, False, True]
    assert stopper.best == 1.0


def test_restore_puts_back_the_best_weights():
    stopper, model = EarlyStopping(patience=1), Linear(2, 1, rng=0)
    model.W.data[:] = 1.0
    stopper.update(0.5, model)
    model.W.data[:] = 7.0
    assert stopper.update(0.6, model)
    stopper.restore(model)
    assert np.all(model.W.data == 1.0)
    # the saved copy is not aliased to the live weights
    model.W.data[:] = 3.0
    stopper.restore(model)
    assert np.all(model.W.data == 1.0)


def test_restore_best_false_keeps_the_last_weights():
    stopper, model = EarlyStopping(patience=1, restore_best=False), Linear(2, 1, rng=0)
    stopper.update(0.5, model)
    model.W.data[:] = 7.0
    stopper.restore(model)
    assert np.all(model.W.data == 7.0)


def test_restore_before_any_update_is_a_no_op():
    model = Linear(2, 1, rng=0)
    before = model.W.data.copy()
    EarlyStopping().restore(model)
    assert np.array_equal(model.W.data, before)


@pytest.mark.parametrize("kwargs, err", [
    (dict(patience=0), ValueError), (dict(patience=1.5), TypeError),
    (dict(min_delta=-0.1), ValueError), (dict(min_delta="0"), TypeError),
])
def test_bad_arguments_raise(kwargs, err):
    with pytest.raises(err):
        EarlyStopping(**kwargs)


def test_update_rejects_nan_without_changing_state():
    stopper, model = EarlyStopping(), Linear(1, 1, rng=0)
    with pytest.raises(ValueError, match="value"):
        stopper.update(float("nan"), model)
    assert stopper.epoch == 0


def test_fit_stops_early_and_returns_the_best_model():
    X, y, Xt, yt = load_digits(image_size=8, flatten=True)
    X, y = X[:100], y[:100]
    net = Sequential(Linear(64, 128, rng=0), ReLU(), Linear(128, 10, rng=1))
    stopper = EarlyStopping(patience=5)
    h = fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.2), X, y, epochs=300,
            batch_size=20, rng=0, validation=(Xt, yt), early_stopping=stopper)
    assert h.stopped_epoch is not None and h.epochs < 300
    assert h.stopped_epoch == stopper.best_epoch + 5
    best = int(np.argmin(h.val_loss)) + 1
    assert best == stopper.best_epoch
    loss, _ = evaluate(net, SoftmaxCrossEntropy(), Xt, yt)
    assert loss == pytest.approx(min(h.val_loss), rel=1e-5)
