"""Optimisers (notes 1.2).  Each takes the parameters at construction.

``step()`` updates every parameter from its ``.grad``; ``zero_grad()`` clears the
gradients.  Per-parameter state (velocities, squared-gradient sums, moments) lives
in ``optimizer.state``, one dict per parameter, so it can be saved and restored.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_float
from dlbook.nn.module import Parameter


class Optimizer:
    """Base class: holds the parameters, the learning rate and per-parameter state."""

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
        """Apply one update to every parameter (checks that each has a gradient)."""
        for i, p in enumerate(self.params):
            if p.grad is None:
                raise ValueError(
                    f"{type(self).__name__}.step: parameter {i} (shape {p.shape}) has no "
                    f"gradient; call loss_fn.backward() and model.backward(...) before step()"
                )
        self.t += 1
        for p, state in zip(self.params, self.state):
            self.update(p, p.grad, state)

    def update(self, p, grad, state):
        """Update one parameter in place; subclasses implement it."""
        raise NotImplementedError

    def state_dict(self):
        """Return ``{"t": ..., "0.velocity": array, ...}`` (copies) for saving."""
        out = {"t": np.array(self.t)}
        for i, state in enumerate(self.state):
            out.update({f"{i}.{k}": np.array(v, copy=True) for k, v in state.items()})
        return out

    def load_state_dict(self, state):
        """Restore what :meth:`state_dict` returned."""
        self.t = int(state["t"])
        self.state = [{} for _ in self.params]
        for key, value in state.items():
            if key == "t":
                continue
            index, name = key.split(".", 1)
            if int(index) >= len(self.params):
                raise ValueError(f"{type(self).__name__}.load_state_dict: state for "
                                 f"parameter {index} but only {len(self.params)} parameters")
            self.state[int(index)][name] = np.array(value)
        return self


class SGD(Optimizer):
    r"""Plain gradient descent, :math:`w \leftarrow w - \epsilon\,\partial E/\partial w`.

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
