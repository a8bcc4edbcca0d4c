"""Regularisation (notes 1.3): Lp norms and penalties, weight decay, early stopping.

The penalty of notes eq. (24) is written here the usual way,
:math:`\\frac{\\lambda}{p}\\|\\mathbf{w}\\|_p^p`, whose gradient for ``p = 2`` is the
:math:`\\lambda\\mathbf{w}` the notes' own weight-decay code adds (see
``docs/part1/regularization.md`` for the correction).
"""

from __future__ import annotations

import numbers

import numpy as np

from dlbook._checks import check_array, check_float, check_int

__all__ = [
    "EarlyStopping",
    "WeightDecay",
    "decayed_parameters",
    "l1_penalty",
    "l1_penalty_grad",
    "l2_penalty",
    "l2_penalty_grad",
    "lp_norm",
    "lp_penalty",
    "lp_penalty_grad",
    "penalized_least_squares",
    "soft_threshold",
]


def _check_p(p, owner):
    """``p`` must be a real number >= 1 (below 1 the 'norm' is not convex)."""
    return check_float(p, "p", low=1.0, owner=owner)


def _check_lam_p(lam, p, owner):
    """Return ``lam >= 0`` and ``p >= 1`` as floats."""
    return check_float(lam, "lam", low=0.0, owner=owner), _check_p(p, owner)


def _check_norm(w, p):
    check_array(w, "w", owner="lp_norm")
    return _check_p(p, "lp_norm")


def _check_penalty(weights, lam, p):
    """Return the list of weight arrays, ``lam`` and ``p``, all checked."""
    return (_as_list(weights, "lp_penalty"), *_check_lam_p(lam, p, "lp_penalty"))


def _check_penalty_grad(w, lam, p):
    check_array(w, "w", owner="lp_penalty_grad")
    return _check_lam_p(lam, p, "lp_penalty_grad")


def _check_threshold(w, threshold):
    check_array(w, "w", owner="soft_threshold")
    return check_float(threshold, "threshold", low=0.0, owner="soft_threshold")


def _check_least_squares(X, y, lam, p, steps, lr):
    """Check :func:`penalized_least_squares`'s arguments; return ``lam``, ``steps``, ``lr``."""
    owner = "penalized_least_squares"
    check_array(X, "X", ndim=2, layout="(n, d)", owner=owner)
    check_array(y, "y", ndim=1, layout="(n,)", owner=owner)
    if len(X) != len(y):
        raise ValueError(f"{owner}: 'X' has {len(X)} rows but 'y' has "
                         f"{len(y)} values")
    lam = check_float(lam, "lam", low=0.0, owner=owner)
    if p not in (1, 2) or isinstance(p, bool):
        raise ValueError(f"{owner}: argument 'p' must be 1 (Lasso) or 2 (Ridge), "
                         f"got {p!r}")
    steps = check_int(steps, "steps", minimum=1, owner=owner)
    if lr is not None:
        lr = check_float(lr, "lr", low=0.0, low_open=True, owner=owner)
    return lam, steps, lr


def _as_list(weights, owner):
    """One array or a list/tuple of arrays -> list of validated floating arrays."""
    arrays = list(weights) if isinstance(weights, (list, tuple)) else [weights]
    if not arrays:
        raise ValueError(f"{owner}: argument 'weights' is an empty list; expected one or "
                         f"more weight arrays")
    for i, w in enumerate(arrays):
        name = "weights" if len(arrays) == 1 else f"weights[{i}]"
        check_array(w, name, owner=owner)
    return arrays


def lp_norm(w, p):
    r"""The :math:`L_p` norm :math:`\|\mathbf{w}\|_p = (\sum_i |w_i|^p)^{1/p}` (notes eq. (25)).

    ``p = 1`` gives notes eq. (26), :math:`|x| + |y|` in two dimensions, and ``p = 2``
    gives eq. (27), :math:`\sqrt{x^2 + y^2}`.  The array is treated as one flat vector.

    Parameters
    ----------
    w : numpy.ndarray
        Weights of any shape (floating dtype).
    p : float
        Order of the norm, ``p >= 1``.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import lp_norm
    >>> w = np.array([3.0, -4.0])
    >>> lp_norm(w, 1), lp_norm(w, 2)   # |3| + |-4|  and  sqrt(9 + 16)
    (7.0, 5.0)
    """
    p = _check_norm(w, p)
    a = np.abs(w.astype(np.float64, copy=False))
    if p == 1.0:
        return float(a.sum())
    if p == 2.0:
        return float(np.sqrt(np.sum(a * a)))
    return float(np.sum(a ** p) ** (1.0 / p))


def lp_penalty(weights, lam, p):
    r"""Penalty :math:`\frac{\lambda}{p}\sum_{\mathbf{w}}\|\mathbf{w}\|_p^p` (notes eq. (24')).

    The notes write :math:`\frac{1}{p}\lambda\|\mathbf{w}\|_p` without the power ``p``;
    the usual penalty raises the norm to the ``p``-th power so that it is a plain sum
    over weights, :math:`\frac{\lambda}{p}\sum_i |w_i|^p`, and its gradient is
    :math:`\lambda\,\mathrm{sign}(w_i)|w_i|^{p-1}` (``λw`` for ``p = 2``).

    Parameters
    ----------
    weights : numpy.ndarray or list of numpy.ndarray
        One weight array or several (e.g. every layer's ``W``); their penalties add up.
    lam : float
        Regularisation strength λ >= 0.
    p : float
        Order, ``p >= 1`` (1: L1/Lasso, 2: L2/Ridge).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import lp_penalty
    >>> w = np.array([3.0, -4.0])
    >>> lp_penalty(w, lam=0.1, p=2)   # 0.1/2 * (9 + 16)
    1.25
    >>> lp_penalty([w, np.array([1.0])], lam=0.1, p=1)   # 0.1 * (3 + 4 + 1)
    0.8
    """
    arrays, lam, p = _check_penalty(weights, lam, p)
    total = sum(float(np.sum(np.abs(w.astype(np.float64)) ** p))
                for w in arrays)
    return lam * total / p


def lp_penalty_grad(w, lam, p):
    r"""Gradient of :func:`lp_penalty` for one array: :math:`\lambda\,\mathrm{sign}(w)|w|^{p-1}`.

    At :math:`w_i = 0` with ``p = 1`` the penalty has a kink; the value 0 (the
    subgradient closest to zero) is returned there.

    Parameters
    ----------
    w : numpy.ndarray
        Weights.
    lam : float
        Regularisation strength λ >= 0.
    p : float
        Order, ``p >= 1``.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import lp_penalty_grad
    >>> lp_penalty_grad(np.array([2.0, -0.5, 0.0]), lam=0.1, p=2)
    array([ 0.2 , -0.05,  0.  ])
    """
    lam, p = _check_penalty_grad(w, lam, p)
    if p == 1.0:
        g = lam * np.sign(w)
    elif p == 2.0:
        g = lam * w
    else:
        g = lam * np.sign(w) * np.abs(w) ** (p - 1.0)
    return g.astype(w.dtype, copy=False)


def l1_penalty(weights, lam):
    r"""L1 (Lasso) penalty :math:`\lambda\sum_i|w_i|`: :func:`lp_penalty` with ``p = 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import l1_penalty
    >>> l1_penalty(np.array([3.0, -4.0]), lam=0.5)   # 0.5 * (|3| + |-4|), notes eq. (26)
    3.5
    """
    return lp_penalty(weights, lam, 1)


def l2_penalty(weights, lam):
    r"""L2 (Ridge) penalty :math:`\frac{\lambda}{2}\sum_i w_i^2`: :func:`lp_penalty` with ``p = 2``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import l2_penalty
    >>> l2_penalty(np.array([3.0, -4.0]), lam=0.5)   # 0.5/2 * (9 + 16)
    6.25
    """
    return lp_penalty(weights, lam, 2)


def l1_penalty_grad(w, lam):
    r"""(Sub)gradient of :func:`l1_penalty`: :math:`\lambda\,\mathrm{sign}(w)`, 0 at 0.

    Its size does not shrink as a weight approaches 0, so a plain gradient step
    overshoots zero and makes a weight oscillate around it; :func:`soft_threshold`
    (the proximal step) lands on exact zeros instead.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import l1_penalty_grad
    >>> l1_penalty_grad(np.array([2.0, -0.001, 0.0]), lam=0.1)
    array([ 0.1, -0.1,  0. ])
    """
    return lp_penalty_grad(w, lam, 1)


def l2_penalty_grad(w, lam):
    r"""Gradient of :func:`l2_penalty`: :math:`\lambda\mathbf{w}` (what the notes' code adds to ``dW``).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import l2_penalty_grad
    >>> l2_penalty_grad(np.array([2.0, -0.5]), lam=0.1)
    array([ 0.2 , -0.05])
    """
    return lp_penalty_grad(w, lam, 2)


def soft_threshold(w, threshold):
    r"""Proximal step of the L1 penalty: :math:`\mathrm{sign}(w)\max(|w| - t, 0)`.

    After a gradient step of size ε on the data loss, ``soft_threshold(w, ε·λ)``
    minimises :math:`\frac{1}{2}\|\mathbf{v} - \mathbf{w}\|^2 + \epsilon\lambda\|\mathbf{v}\|_1`
    exactly: weights smaller than the threshold become exactly 0 (ISTA, the
    proximal-gradient method for the Lasso).

    Parameters
    ----------
    w : numpy.ndarray
        Weights.
    threshold : float
        ``t >= 0``, normally learning rate × λ.

    Returns
    -------
    numpy.ndarray
        Same shape and dtype as ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import soft_threshold
    >>> soft_threshold(np.array([0.5, -0.05, 0.1, -2.0]), 0.1)
    array([ 0.4, -0. ,  0. , -1.9])
    """
    t = _check_threshold(w, threshold)
    shrunk = np.sign(w) * np.maximum(np.abs(w) - t, 0)
    return shrunk.astype(w.dtype, copy=False)


def penalized_least_squares(X, y, lam, p, steps=2000, lr=None, *,
                            proximal=True):
    r"""Lasso (``p = 1``) or Ridge (``p = 2``) regression by gradient descent.

    Minimises :math:`\frac{1}{2n}\|X\mathbf{w} - \mathbf{y}\|^2 + \frac{\lambda}{p}\|\mathbf{w}\|_p^p`
    (no intercept).  For ``p = 1`` each step is a gradient step on the squared error
    followed by :func:`soft_threshold` (``proximal=True``, ISTA), which lands on exact
    zeros; ``proximal=False`` instead adds the subgradient :func:`l1_penalty_grad`,
    whose constant size ``λ`` makes small weights jump back and forth across 0, so
    they only get *near* zero.  For ``p = 2`` the step adds :func:`l2_penalty_grad`.

    Parameters
    ----------
    X : numpy.ndarray
        Design matrix ``(n, d)``.
    y : numpy.ndarray
        Targets ``(n,)``.
    lam : float
        Strength λ >= 0.
    p : int
        1 (Lasso) or 2 (Ridge).
    steps : int
        Number of iterations.
    lr : float, optional
        Step size; by default ``1/L`` with ``L`` the largest eigenvalue of
        :math:`X^\top X/n` (plus λ for Ridge), a step that makes the iteration converge.
    proximal : bool
        For ``p = 1``: soft-thresholding (True) or the subgradient (False).

    Returns
    -------
    numpy.ndarray
        The weights ``(d,)`` in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.regularization import penalized_least_squares
    >>> X = np.eye(2) * np.sqrt(2)        # X^T X / n = I: the solution is known in closed form
    >>> y = np.array([3.0, 0.5]) * np.sqrt(2)
    >>> penalized_least_squares(X, y, lam=1.0, p=1).round(6)    # soft_threshold([3, .5], 1)
    array([2., 0.])
    >>> penalized_least_squares(X, y, lam=1.0, p=2).round(6)    # [3, .5] / (1 + 1)
    array([1.5 , 0.25])
    """
    lam, steps, lr = _check_least_squares(X, y, lam, p, steps, lr)
    X = X.astype(np.float64)
    y = y.astype(np.float64)
    n = len(X)
    if lr is None:
        # largest curvature of the objective: the step 1/L converges
        curvature = float(np.linalg.eigvalsh(X.T @ X / n)[-1])
        if p == 2:
            curvature += lam
        lr = 1.0 / max(curvature, 1e-12)
    w = np.zeros(X.shape[1])
    for _ in range(steps):
        grad = X.T @ (X @ w - y) / n
        if p == 2:
            w = w - lr * (grad + l2_penalty_grad(w, lam))
        elif proximal:
            w = soft_threshold(w - lr * grad, lr * lam)
        else:
            w = w - lr * (grad + l1_penalty_grad(w, lam))
    return w


def decayed_parameters(model, names=("W",)):
    """``(dotted_name, Parameter)`` pairs whose own name is in ``names`` (weights, not biases).

    Examples
    --------
    >>> from dlbook.nn import Linear, ReLU, Sequential
    >>> from dlbook.regularization import decayed_parameters
    >>> net = Sequential(Linear(4, 3, rng=0), ReLU(), Linear(3, 2, rng=1))
    >>> [name for name, _ in decayed_parameters(net)]
    ['0.W', '2.W']
    """
    return [(name, p) for name, p in model.named_parameters()
            if name.rsplit(".", 1)[-1] in names]


class WeightDecay:
    r"""Add :math:`\frac{\lambda}{p}\|\mathbf{W}\|_p^p` for every weight ``W`` of a model.

    Called as ``penalty = decay(model)`` after ``model.backward`` and before
    ``optimizer.step()``: it adds the penalty's gradient (``λW`` for ``p = 2``) to each
    weight's ``.grad`` and returns the penalty, so it can be passed as
    :func:`dlbook.train.fit`'s ``regularizer``.  Biases (and ``gamma``/``beta``) are
    left alone, as the notes' code intends ("バイアスに正則化は適用しない").

    Parameters
    ----------
    lam : float
        Strength λ >= 0.
    p : int
        1 (L1) or 2 (L2, weight decay).
    names : tuple of str
        Parameter names to penalise (default only ``"W"``).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Linear
    >>> from dlbook.regularization import WeightDecay
    >>> fc = Linear(2, 1, rng=0, dtype=np.float64)
    >>> fc.W.data[:] = [[3.0, -4.0]]
    >>> fc.W.grad, fc.b.grad = np.zeros((1, 2)), np.zeros(1)
    >>> WeightDecay(0.1)(fc)   # 0.1/2 * (9 + 16)
    1.25
    >>> fc.W.grad, fc.b.grad   # λW added to the weight only
    (array([[ 0.3, -0.4]]), array([0.]))
    """

    def __init__(self, lam, p=2, names=("W",)):
        self.lam = check_float(lam, "lam", low=0.0, owner="WeightDecay")
        if p not in (1, 2) or isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise ValueError(f"WeightDecay: argument 'p' must be 1 (L1) or 2 (L2), got {p!r}")
        self.p = int(p)
        if isinstance(names, str) or not all(isinstance(n, str) for n in names):
            raise TypeError(f"WeightDecay: argument 'names' must be a tuple of parameter "
                            f"names such as ('W',), got {names!r}")
        self.names = tuple(names)

    def __repr__(self):
        return f"WeightDecay(lam={self.lam:g}, p={self.p}, names={self.names})"

    def __call__(self, model):
        params = decayed_parameters(model, self.names)
        if not params:
            names = [n for n, _ in model.named_parameters()]
            raise ValueError(f"WeightDecay: the model has no parameter named "
                             f"{self.names}; its parameters are {names}")
        penalty = lp_penalty([p.data for _, p in params], self.lam, self.p)
        for _, p in params:
            p.accumulate(lp_penalty_grad(p.data, self.lam, self.p))
        return penalty


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

    def __init__(self, patience=5, min_delta=0.0, *, restore_best=True):
        self.patience = check_int(patience, "patience", minimum=1, owner="EarlyStopping")
        self.min_delta = check_float(min_delta, "min_delta", low=0.0, owner="EarlyStopping")
        self.restore_best = bool(restore_best)
        self.best = np.inf
        self.best_epoch = 0
        self.epoch = 0
        self.best_state = None

    def __repr__(self):
        return (f"EarlyStopping(patience={self.patience}, min_delta={self.min_delta:g}, "
                f"restore_best={self.restore_best})")

    def update(self, value, model):
        """Record this epoch's ``value``; return ``True`` if training should stop."""
        value = check_float(value, "value", owner="EarlyStopping.update")
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
