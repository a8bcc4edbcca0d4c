"""Regularisation (notes 1.3): penalties and early stopping."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_float, check_int


class EarlyStopping:
    """Stop when the monitored loss has not improved for ``patience`` epochs.

    ``update(value, model)`` returns ``True`` when training should stop; the best
    weights seen are kept and put back by ``restore(model)``.

    Parameters
    ----------
    patience : int
        Epochs without improvement to tolerate (>= 1).
    min_delta : float
        An improvement must lower the loss by more than this.
    restore_best : bool
        Whether ``restore`` puts back the best weights.

    Examples
    --------
    >>> from dlbook.nn import Linear
    >>> from dlbook.regularization import EarlyStopping
    >>> stopper, model = EarlyStopping(patience=2), Linear(1, 1, rng=0)
    >>> [stopper.update(v, model) for v in [1.0, 0.5, 0.6, 0.7]]
    [False, False, False, True]
    >>> stopper.best_epoch, stopper.best
    (2, 0.5)
    """

    def __init__(self, patience=5, min_delta=0.0, restore_best=True):
        self.patience = check_int(patience, "patience", minimum=1, owner="EarlyStopping")
        self.min_delta = check_float(min_delta, "min_delta", low=0.0, owner="EarlyStopping")
        self.restore_best = bool(restore_best)
        self.best = np.inf
        self.best_epoch = 0
        self.epoch = 0
        self.best_state = None

    def update(self, value, model):
        """Record this epoch's ``value``; return ``True`` if training should stop."""
        self.epoch += 1
        if value < self.best - self.min_delta:
            self.best, self.best_epoch = float(value), self.epoch
            self.best_state = model.state_dict()
            return False
        return self.epoch - self.best_epoch >= self.patience

    def restore(self, model):
        """Load the best weights into ``model`` (if ``restore_best``)."""
        if self.restore_best and self.best_state is not None:
            model.load_state_dict(self.best_state)
        return model
