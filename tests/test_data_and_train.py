"""The bundled digits and the training loop."""

import numpy as np
import pytest

from dlbook.data import load_digits, resize_images, train_test_split
from dlbook.models import MLP
from dlbook.nn import SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.regularization import EarlyStopping
from dlbook.train import TrainingDiverged, evaluate, fit, iterate_minibatches


def test_digits_split_is_deterministic_stratified_and_disjoint():
    a = load_digits(rng=0)
    b = load_digits(rng=0)
    for u, v in zip(a, b):
        assert np.array_equal(u, v)
    X_train, y_train, X_test, y_test = a
    assert X_train.shape[1:] == (1, 32, 32) and len(X_train) + len(X_test) == 1797
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    assert set(np.unique(y_test)) == set(range(10))
    counts = np.bincount(y_test) / len(y_test)
    assert counts.min() > 0.08 and counts.max() < 0.12
    assert np.all(X_train[:, :, :2, :] == 0)  # the 2-pixel frame of LeNet's input


def test_resize_preserves_constant_images():
    assert np.allclose(resize_images(np.full((3, 8, 8), 0.4), 20), 0.4)


def test_split_indices_partition():
    train, test = train_test_split(100, 0.25, rng=3)
    assert len(set(train) | set(test)) == 100 and not set(train) & set(test)


def test_minibatches_cover_everything_once():
    batches = list(iterate_minibatches(103, 10, rng=0))
    assert sorted(np.concatenate(batches)) == list(range(103))


def test_fit_learns_digits_and_records_history():
    X, y, Xt, yt = load_digits(image_size=8, flatten=True)
    model = MLP(64, [32], 10, rng=0)
    h = fit(model, SoftmaxCrossEntropy(), SGD(model.parameters(), lr=0.5), X, y, epochs=8,
            rng=0, validation=(Xt, yt))
    assert h.epochs == 8 and len(h.val_acc) == 8 and len(h.step_loss) == 8 * 23
    assert h.val_acc[-1] > 0.9
    assert h.train_loss[-1] < h.train_loss[0]
    assert evaluate(model, SoftmaxCrossEntropy(), Xt, yt)[1] == pytest.approx(h.val_acc[-1])


def test_fit_stops_on_divergence_naming_epoch_and_step():
    X, y, _, _ = load_digits(image_size=8, flatten=True)
    model = MLP(64, [32], 10, rng=0)
    with pytest.raises(TrainingDiverged, match=r"epoch 1, step \d+"):
        with np.errstate(all="ignore"):
            fit(model, SoftmaxCrossEntropy(), SGD(model.parameters(), lr=1e30), X, y,
                epochs=2, rng=0)


def test_early_stopping_restores_best_weights():
    X, y, Xt, yt = load_digits(image_size=8, flatten=True)
    model = MLP(64, [128], 10, rng=0)
    stopper = EarlyStopping(patience=2)
    h = fit(model, SoftmaxCrossEntropy(), SGD(model.parameters(), lr=2.0), X[:100], y[:100],
            epochs=60, rng=0, validation=(Xt, yt), early_stopping=stopper)
    assert h.stopped_epoch is not None and h.stopped_epoch < 60
    best_loss = min(h.val_loss)
    assert evaluate(model, SoftmaxCrossEntropy(), Xt, yt)[0] == pytest.approx(best_loss, rel=1e-5)
