"""A small training loop: mini-batches, shuffling, history, early stopping, progress."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field

import numpy as np

from dlbook._checks import NonFiniteError, check_array, check_int
from dlbook._random import as_generator


class TrainingDiverged(FloatingPointError):
    """Raised when the loss becomes NaN or infinite."""


@dataclass
class History:
    """Per-epoch metrics of :func:`fit` (lists of floats) and the loss of every step."""

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    seconds: float = 0.0
    stopped_epoch: int | None = None

    @property
    def epochs(self):
        """Number of epochs run."""
        return len(self.train_loss)


def iterate_minibatches(n, batch_size, rng=None, *, shuffle=True):
    """Yield index arrays covering ``range(n)`` in batches, shuffled by ``rng``.

    Examples
    --------
    >>> from dlbook.train import iterate_minibatches
    >>> [len(b) for b in iterate_minibatches(10, 4, rng=0)]
    [4, 4, 2]
    """
    order = as_generator(rng).permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def predict(model, X, batch_size=256):
    """Outputs of ``model`` in evaluation mode, computed in batches.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Linear
    >>> from dlbook.train import predict
    >>> predict(Linear(3, 2, rng=0), np.zeros((5, 3), np.float32)).shape
    (5, 2)
    """
    was_training = model.training
    model.eval()
    try:
        return np.concatenate([_main_output(model(X[i:i + batch_size]))
                               for i in range(0, len(X), batch_size)])
    finally:
        model.train(was_training)


def _main_output(out):
    """Models with auxiliary heads return a tuple in training; the first is the main output."""
    return out[0] if isinstance(out, tuple) else out


def evaluate(model, loss_fn, X, y, batch_size=256):
    """Return ``(mean loss, accuracy)`` of ``model`` on ``(X, y)`` in evaluation mode.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Linear, SoftmaxCrossEntropy
    >>> from dlbook.train import evaluate
    >>> model = Linear(2, 2, rng=0)
    >>> model.W.data[:] = [[1, 0], [0, 1]]
    >>> X = np.array([[1, 0], [0, 1]], np.float32)
    >>> loss, acc = evaluate(model, SoftmaxCrossEntropy(), X, np.array([0, 1]))
    >>> acc
    1.0
    """
    logits = predict(model, X, batch_size)
    loss = float(loss_fn(logits, y))
    loss_fn._cache = None
    return loss, float(np.mean(logits.argmax(axis=1) == y))


def _progress(epoch, epochs, step, steps, loss, stream):
    width = 24
    done = int(width * step / steps)
    stream.write(f"\repoch {epoch}/{epochs} [{'=' * done}{'.' * (width - done)}] "
                 f"loss {loss:.4f}")
    stream.flush()


def fit(model, loss_fn, optimizer, X, y, *, epochs, batch_size=64, rng=None,
        validation=None, early_stopping=None, transform=None, progress=None,
        loss_and_grad=None, regularizer=None, on_epoch_end=None):
    """Train ``model`` with mini-batch gradient descent; return a :class:`History`.

    Parameters
    ----------
    model : Module
        Trained in training mode, evaluated in evaluation mode after each epoch.
    loss_fn : Module
        e.g. :class:`~dlbook.nn.SoftmaxCrossEntropy`.
    optimizer : Optimizer
        Built from ``model.parameters()``.
    X, y : numpy.ndarray
        Training inputs and integer labels.
    epochs, batch_size : int
        Number of passes over the data and samples per step.
    rng : int or numpy.random.Generator
        Shuffling order (and the augmentation ``transform``'s randomness).
    validation : tuple of two arrays, optional
        ``(X_val, y_val)``, evaluated after every epoch into ``val_loss``/``val_acc``.
    early_stopping : EarlyStopping, optional
        Asked after each epoch with the validation loss; may stop training and
        restore the best weights.
    transform : callable, optional
        ``transform(batch, rng) -> batch`` applied to each training batch.
    progress : bool, optional
        Print a progress bar to stderr; by default only when stderr is a terminal.
    loss_and_grad : callable, optional
        ``loss_and_grad(output, labels) -> (loss, dout)`` for models whose output is
        not a single array (e.g. GoogLeNet's auxiliary heads).
    regularizer : callable, optional
        ``regularizer(model) -> penalty``, called after ``model.backward`` and before
        ``optimizer.step()``; it adds the penalty's gradient to the parameters' ``.grad``
        (e.g. :class:`~dlbook.regularization.WeightDecay`).  The penalty is added to
        the reported training loss.
    on_epoch_end : callable, optional
        ``on_epoch_end(epoch, history)`` is called after each epoch's metrics are
        recorded (e.g. to lower ``optimizer.lr``); returning ``True`` stops training.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import load_digits
    >>> from dlbook.nn import Linear, ReLU, Sequential, SoftmaxCrossEntropy
    >>> from dlbook.optim import SGD
    >>> from dlbook.train import fit
    >>> X, y, X_test, y_test = load_digits(image_size=8, flatten=True)
    >>> model = Sequential(Linear(64, 32, rng=0), ReLU(), Linear(32, 10, rng=1))
    >>> history = fit(model, SoftmaxCrossEntropy(), SGD(model.parameters(), lr=0.5),
    ...               X, y, epochs=10, rng=0, validation=(X_test, y_test))
    >>> history.val_acc[-1] > 0.9
    True
    """
    check_array(X, "X", owner="fit")
    if len(X) != len(y):
        raise ValueError(f"fit: 'X' has {len(X)} samples but 'y' has {len(y)}")
    epochs = check_int(epochs, "epochs", minimum=1, owner="fit")
    batch_size = check_int(batch_size, "batch_size", minimum=1, owner="fit")
    rng = as_generator(rng)
    stream = sys.stderr
    if progress is None:
        progress = stream.isatty()
    if loss_and_grad is None:
        def loss_and_grad(out, labels):
            loss = loss_fn(out, labels)
            return loss, loss_fn.backward()
    history = History()
    start = time.perf_counter()
    steps = -(-len(X) // batch_size)
    for epoch in range(1, epochs + 1):
        model.train()
        total, correct, seen = 0.0, 0, 0
        for step, idx in enumerate(iterate_minibatches(len(X), batch_size, rng), 1):
            xb, yb = X[idx], y[idx]
            if transform is not None:
                xb = transform(xb, rng)
            try:
                # Overflow is divergence: raise it here rather than warn deep inside.
                with np.errstate(over="raise", invalid="raise", divide="raise"):
                    out = model(xb)
                    loss, dout = loss_and_grad(out, yb)
            except (NonFiniteError, FloatingPointError) as err:
                if not np.isfinite(np.sum(xb)):
                    raise
                loss, cause = np.nan, err
            else:
                loss, cause = float(loss), None
            if not np.isfinite(loss):
                raise TrainingDiverged(
                    f"fit: the loss became {loss} at epoch {epoch}, step {step} (the weights "
                    f"or activations overflowed); lower the learning rate "
                    f"(lr={getattr(optimizer, 'lr', '?')}) or check the data"
                ) from cause
            optimizer.zero_grad()
            model.backward(dout)
            if regularizer is not None:
                loss += float(regularizer(model))
            optimizer.step()
            history.step_loss.append(loss)
            main = out[0] if isinstance(out, tuple) else out
            total += loss * len(idx)
            correct += int(np.sum(main.argmax(axis=1) == yb))
            seen += len(idx)
            if progress:
                _progress(epoch, epochs, step, steps, loss, stream)
        history.train_loss.append(total / seen)
        history.train_acc.append(correct / seen)
        if validation is not None:
            val_loss, val_acc = evaluate(model, loss_fn, *validation)
            history.val_loss.append(val_loss)
            history.val_acc.append(val_acc)
            if early_stopping is not None and early_stopping.update(val_loss, model):
                history.stopped_epoch = epoch
                break
        if on_epoch_end is not None and on_epoch_end(epoch, history):
            history.stopped_epoch = epoch
            break
    if progress:
        stream.write("\n")
    if early_stopping is not None:
        early_stopping.restore(model)
    history.seconds = time.perf_counter() - start
    return history
