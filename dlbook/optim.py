"""Optimisers (notes 1.2): SGD, Momentum, AdaGrad, RMSProp, Adam.

Each takes the parameters at construction.  ``step()`` updates every parameter in
place from its ``.grad``; ``zero_grad()`` clears the gradients.  Per-parameter state
lives in ``optimizer.state``, one dict per parameter, keyed by the symbol of the notes'
equations (``"v"`` for the momentum velocity, ``"h"`` for squared-gradient
statistics, ``"m"`` for Adam's first moment), so :meth:`Optimizer.state_dict` and
:meth:`Optimizer.load_state_dict` can save and restore a run.

The update rules are the corrected forms of notes eqs. (13)–(23): the momentum
velocity accumulates, and every division by a root of squared gradients carries an
explicit stability constant ``eps`` added *outside* the square root, as in the
primary sources and in PyTorch.
"""

from __future__ import annotations

import numbers

import numpy as np

from dlbook._checks import check_float, check_int
from dlbook.nn.module import Parameter

__all__ = ["Optimizer", "SGD", "Momentum", "AdaGrad", "RMSProp", "Adam", "trajectory"]


def _check_decay(value, name, owner):
    """A decay rate (momentum, alpha, beta) must lie in [0, 1)."""
    return check_float(value, name, low=0.0, high=1.0, high_open=True, owner=owner)


def _check_eps(value, owner):
    return check_float(value, "eps", low=0.0, low_open=True, owner=owner)


class Optimizer:
    """Base class: holds the parameters, the learning rate and per-parameter state.

    Subclasses implement :meth:`update` for one parameter and name the arrays it keeps
    per parameter in ``state_names``.  :meth:`step` checks that every parameter has a
    gradient of its own shape, advances the step counter ``t``, creates those arrays as
    zeros of the parameter's shape on the first step, and calls ``update`` for each
    parameter with its state dict ``self.state[i]``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import Momentum
    >>> w = Parameter(np.array([1.0, 2.0]))
    >>> opt = Momentum([w], lr=0.1, momentum=0.9)
    >>> w.grad = np.array([1.0, 1.0])
    >>> opt.step()
    >>> saved = opt.state_dict()
    >>> sorted(saved), saved["0.v"]
    (['0.v', 't'], array([0.1, 0.1]))
    >>> fresh = Momentum([w], lr=0.1, momentum=0.9).load_state_dict(saved)
    >>> fresh.t, fresh.state[0]["v"]
    (1, array([0.1, 0.1]))
    """

    state_names = ()

    def __init__(self, params, lr):
        name = type(self).__name__
        if isinstance(params, Parameter) or not hasattr(params, "__iter__"):
            raise TypeError(f"{name}: argument 'params' must be a list of Parameters "
                            f"(e.g. model.parameters()), got {type(params).__name__}")
        params = list(params)
        if not params:
            raise ValueError(f"{name}: argument 'params' is empty; expected the model's "
                             f"parameters, e.g. model.parameters()")
        for i, p in enumerate(params):
            if not isinstance(p, Parameter):
                raise TypeError(f"{name}: argument 'params' item {i} must be a Parameter, "
                                f"got {type(p).__name__}; pass model.parameters()")
        self.params = params
        self.lr = check_float(lr, "lr", low=0.0, low_open=True, owner=name)
        self.state = [{} for _ in params]
        self.t = 0

    def zero_grad(self):
        """Reset every parameter's gradient to ``None``."""
        for p in self.params:
            p.grad = None

    def step(self):
        """Apply one update to every parameter (checks every gradient first)."""
        self._check_grads()
        self.t += 1
        for p, state in zip(self.params, self.state):
            if len(state) < len(self.state_names):
                # first step: every state array (v, h or m) starts at 0
                for name in self.state_names:
                    state[name] = np.zeros_like(p.data)
            self.update(p, p.grad, state)

    def _check_grads(self):
        name = type(self).__name__
        for i, p in enumerate(self.params):
            if p.grad is None:
                raise ValueError(
                    f"{name}.step: parameter {i} (shape {p.shape}) has no "
                    f"gradient; call loss_fn.backward() and model.backward(...) before step()"
                )
            if np.shape(p.grad) != p.shape:
                raise ValueError(
                    f"{name}.step: parameter {i} has shape {p.shape} but its gradient has "
                    f"shape {np.shape(p.grad)}; expected a gradient of the parameter's shape"
                )

    def update(self, p, grad, state):
        """Update one parameter in place; subclasses implement it."""
        raise NotImplementedError

    def state_dict(self):
        """Return ``{"t": ..., "0.v": array, ...}`` (copies) for saving."""
        out = {"t": np.array(self.t)}
        for i, state in enumerate(self.state):
            out.update({f"{i}.{k}": np.array(v, copy=True) for k, v in state.items()})
        return out

    def load_state_dict(self, state):
        """Restore what :meth:`state_dict` returned (checked before anything changes)."""
        name = type(self).__name__
        if "t" not in state:
            raise ValueError(f"{name}.load_state_dict: argument 'state' has no step "
                             f"counter 't'; expected the output of state_dict()")
        restored = [{} for _ in self.params]
        for key, value in state.items():
            if key == "t":
                continue
            index, _, field = key.partition(".")
            if not index.isdigit() or not field:
                raise ValueError(f"{name}.load_state_dict: key {key!r} is not of the form "
                                 f"'<parameter index>.<name>', e.g. '0.v'")
            i = int(index)
            if i >= len(self.params):
                raise ValueError(f"{name}.load_state_dict: state for parameter {i} but "
                                 f"only {len(self.params)} parameters")
            value = np.array(value, copy=True)
            if value.shape != self.params[i].shape:
                raise ValueError(f"{name}.load_state_dict: {key!r} has shape {value.shape} "
                                 f"but parameter {i} has shape {self.params[i].shape}")
            restored[i][field] = value
        self.t = int(state["t"])
        self.state = restored
        return self


class SGD(Optimizer):
    r"""Plain gradient descent, :math:`w \leftarrow w - \epsilon\,\partial E/\partial w`.

    Parameters
    ----------
    params : iterable of Parameter
        Usually ``model.parameters()``.
    lr : float
        Learning rate :math:`\epsilon > 0`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import SGD
    >>> w = Parameter(np.array([1.0, 2.0]))
    >>> w.grad = np.array([0.5, -1.0])
    >>> SGD([w], lr=0.1).step()
    >>> w.data
    array([0.95, 2.1 ])
    """

    def __init__(self, params, lr=0.01):
        super().__init__(params, lr)

    def update(self, p, grad, state):
        p.data -= self.lr * grad


class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball) momentum, corrected notes eqs. (13)–(14).

    .. math::
        v \leftarrow \mu v + \epsilon\,\frac{\partial E}{\partial w}, \qquad
        w \leftarrow w - v

    The velocity ``v`` (``state["v"]``, zero at the start) accumulates past steps, so
    under a constant gradient the step grows towards :math:`\epsilon g / (1 - \mu)`.
    PyTorch's ``SGD(momentum=μ)`` stores :math:`b = \mu b + g` and steps
    :math:`w \leftarrow w - \epsilon b`; for a constant learning rate
    :math:`v = \epsilon b`, so the two give the same weights.

    Parameters
    ----------
    params : iterable of Parameter
        Usually ``model.parameters()``.
    lr : float
        Learning rate :math:`\epsilon > 0`.
    momentum : float
        Momentum coefficient :math:`\mu \in [0, 1)`; 0 gives plain SGD.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import Momentum
    >>> w = Parameter(np.array([0.0]))
    >>> opt = Momentum([w], lr=0.1, momentum=0.5)
    >>> for _ in range(3):
    ...     w.grad = np.array([1.0])
    ...     opt.step()
    ...     print(round(float(opt.state[0]["v"][0]), 4), round(float(w.data[0]), 4))
    0.1 -0.1
    0.15 -0.25
    0.175 -0.425
    """

    state_names = ("v",)

    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = _check_decay(momentum, "momentum", "Momentum")

    def update(self, p, grad, state):
        v = state["v"]
        v *= self.momentum
        v += self.lr * grad      # v <- mu v + eps g: the velocity accumulates
        p.data -= v              # w <- w - v


class AdaGrad(Optimizer):
    r"""AdaGrad (Duchi et al. 2011), corrected notes eqs. (15)–(16).

    .. math::
        h \leftarrow h + \left(\frac{\partial E}{\partial w}\right)^2, \qquad
        w \leftarrow w - \frac{\epsilon}{\sqrt{h} + \delta}\,\frac{\partial E}{\partial w}

    ``h`` (``state["h"]``) is the running sum of squared gradients per element;
    ``eps`` is the stability constant :math:`\delta` (outside the root, as in the paper
    and PyTorch), which keeps a weight whose gradients have all been zero at
    0/δ = 0 instead of 0/0 = NaN.

    Parameters
    ----------
    params : iterable of Parameter
        Usually ``model.parameters()``.
    lr : float
        Learning rate :math:`\epsilon > 0`.
    eps : float
        Stability constant :math:`\delta > 0` (PyTorch's default is 1e-10).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import AdaGrad
    >>> w = Parameter(np.array([1.0, 1.0, 1.0]))
    >>> opt = AdaGrad([w], lr=0.1)
    >>> w.grad = np.array([3.0, -0.01, 0.0])   # each moves by lr * sign, or not at all
    >>> opt.step()
    >>> w.data.round(6), opt.state[0]["h"]
    (array([0.9, 1.1, 1. ]), array([9.e+00, 1.e-04, 0.e+00]))
    """

    state_names = ("h",)

    def __init__(self, params, lr=0.01, eps=1e-8):
        super().__init__(params, lr)
        self.eps = _check_eps(eps, "AdaGrad")

    def update(self, p, grad, state):
        h = state["h"]
        h += grad * grad
        p.data -= self.lr * grad / (np.sqrt(h) + self.eps)


class RMSProp(Optimizer):
    r"""RMSProp (Tieleman & Hinton 2012), corrected notes eqs. (17)–(18).

    .. math::
        h \leftarrow \alpha h + (1 - \alpha)\left(\frac{\partial E}{\partial w}\right)^2,
        \qquad
        w \leftarrow w - \frac{\epsilon}{\sqrt{h} + \delta}\,\frac{\partial E}{\partial w}

    ``h`` (``state["h"]``, zero at the start) is an exponential moving average of the
    squared gradient.  There is no bias correction, so the first step is
    :math:`\epsilon/\sqrt{1-\alpha}` per element (10 ε for α = 0.99); Adam corrects
    this.  Same update and defaults as PyTorch's ``RMSprop``.

    Parameters
    ----------
    params : iterable of Parameter
        Usually ``model.parameters()``.
    lr : float
        Learning rate :math:`\epsilon > 0`.
    alpha : float
        Decay rate :math:`\alpha \in [0, 1)` of the moving average.
    eps : float
        Stability constant :math:`\delta > 0`, added outside the square root.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import RMSProp
    >>> w = Parameter(np.array([0.0]))
    >>> opt = RMSProp([w], lr=0.01, alpha=0.99)
    >>> w.grad = np.array([2.0])
    >>> opt.step()                 # h = 0.01 * 4 = 0.04, step = 0.01 * 2 / 0.2
    >>> round(float(opt.state[0]["h"][0]), 6), round(float(w.data[0]), 6)
    (0.04, -0.1)
    """

    state_names = ("h",)

    def __init__(self, params, lr=0.01, alpha=0.99, eps=1e-8):
        super().__init__(params, lr)
        self.alpha = _check_decay(alpha, "alpha", "RMSProp")
        self.eps = _check_eps(eps, "RMSProp")

    def update(self, p, grad, state):
        h = state["h"]
        h *= self.alpha
        h += (1.0 - self.alpha) * grad * grad
        p.data -= self.lr * grad / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015, Algorithm 1), corrected notes eqs. (19)–(23).

    .. math::
        m &\leftarrow \beta_1 m + (1-\beta_1)\,g, \qquad
        h \leftarrow \beta_2 h + (1-\beta_2)\,g^2, \\
        \hat m &= \frac{m}{1-\beta_1^{\,t}}, \qquad
        \hat h = \frac{h}{1-\beta_2^{\,t}}, \qquad
        w \leftarrow w - \frac{\alpha\,\hat m}{\sqrt{\hat h} + \epsilon}

    with :math:`g = \partial E/\partial w`, :math:`t` the step number (1 on the first
    step; ``self.t``) and :math:`\beta^t` a *power*.  ``state["m"]`` and ``state["h"]``
    hold the moments.  The learning rate α and the stability constant ε are separate.
    The first step is :math:`\alpha\,g/(|g| + \epsilon)`, about α per element whatever
    the gradient's scale.  Same update and defaults as PyTorch's ``Adam``.

    Parameters
    ----------
    params : iterable of Parameter
        Usually ``model.parameters()``.
    lr : float
        Step size :math:`\alpha > 0`.
    betas : pair of float
        Decay rates :math:`(\beta_1, \beta_2)`, each in [0, 1).
    eps : float
        Stability constant :math:`\epsilon > 0`, added outside the square root.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> from dlbook.optim import Adam
    >>> w = Parameter(np.array([0.0, 0.0]))
    >>> opt = Adam([w], lr=0.1)
    >>> w.grad = np.array([1e-3, -50.0])    # very different scales ...
    >>> opt.step()
    >>> w.data.round(4)                     # ... the same first step, lr per element
    array([-0.1,  0.1])
    """

    state_names = ("m", "h")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        if isinstance(betas, (str, bytes)) or not hasattr(betas, "__len__") \
                or len(betas) != 2 or not all(isinstance(b, numbers.Real) for b in betas):
            raise TypeError(f"Adam: argument 'betas' must be a pair of floats "
                            f"(beta1, beta2), got {betas!r}")
        self.betas = (_check_decay(betas[0], "betas[0]", "Adam"),
                      _check_decay(betas[1], "betas[1]", "Adam"))
        self.eps = _check_eps(eps, "Adam")

    def update(self, p, grad, state):
        beta1, beta2 = self.betas
        m = state["m"]
        h = state["h"]
        m *= beta1
        m += (1.0 - beta1) * grad
        h *= beta2
        h += (1.0 - beta2) * grad * grad
        m_hat = m / (1.0 - beta1 ** self.t)      # a power of beta
        h_hat = h / (1.0 - beta2 ** self.t)
        p.data -= self.lr * m_hat / (np.sqrt(h_hat) + self.eps)


def trajectory(grad_fn, start, optimizer_class, steps, **hyper):
    """Points visited by ``optimizer_class`` descending a function from ``start``.

    The function is given by its gradient ``grad_fn(w) -> array``; the weights are one
    :class:`~dlbook.nn.Parameter` updated by the real optimiser.  Used by the pages'
    figures (paths on a valley) and tests.

    Parameters
    ----------
    grad_fn : callable
        Gradient of the objective at a point, an array of the point's shape.
    start : array_like
        Starting point (copied; float64).
    optimizer_class : type
        :class:`SGD`, :class:`Momentum`, :class:`AdaGrad`, :class:`RMSProp` or
        :class:`Adam` (any :class:`Optimizer` subclass).
    steps : int
        Number of updates.
    **hyper
        Hyper-parameters passed to ``optimizer_class`` (``lr=...`` etc.).

    Returns
    -------
    numpy.ndarray
        ``steps + 1`` points, the first being ``start``.

    Examples
    --------
    >>> from dlbook.optim import SGD, trajectory
    >>> trajectory(lambda w: 2 * w, [1.0, -2.0], SGD, steps=2, lr=0.25)  # f = |w|^2
    array([[ 1.  , -2.  ],
           [ 0.5 , -1.  ],
           [ 0.25, -0.5 ]])
    """
    if not (isinstance(optimizer_class, type) and issubclass(optimizer_class, Optimizer)):
        raise TypeError(f"trajectory: argument 'optimizer_class' must be an Optimizer "
                        f"subclass such as Adam, got {optimizer_class!r}")
    steps = check_int(steps, "steps", minimum=0, owner="trajectory")
    w = Parameter(np.array(start, dtype=np.float64))
    optimizer = optimizer_class([w], **hyper)
    points = [w.data.copy()]
    for _ in range(steps):
        w.grad = np.asarray(grad_fn(w.data.copy()), dtype=np.float64)
        optimizer.step()
        points.append(w.data.copy())
    return np.array(points)
