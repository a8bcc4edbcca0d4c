"""``Parameter``, ``Module`` and ``Sequential``: the skeleton every layer hangs on.

A module is a small class with ``forward`` and ``backward`` (the shape of the
``common/`` layers of ゼロから作る Deep Learning), registered and named the way
``torch.nn`` does it, so that ``named_parameters()`` gives dotted names such as
``conv1.W``.
"""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array


class Parameter:
    """A trainable array and its gradient.

    ``grad`` is ``None`` until a backward pass fills it; backward passes add to it,
    and an optimiser's ``zero_grad()`` resets it.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Parameter
    >>> p = Parameter(np.zeros(3))
    >>> p.shape, p.grad is None
    ((3,), True)
    """

    def __init__(self, data):
        self.data = np.asarray(data)
        self.grad = None

    @property
    def shape(self):
        """Shape of ``data``."""
        return self.data.shape

    @property
    def size(self):
        """Number of elements of ``data``."""
        return self.data.size

    def accumulate(self, grad):
        """Add ``grad`` to ``self.grad`` (the first call stores it)."""
        self.grad = grad if self.grad is None else self.grad + grad

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class of every layer and model.

    Subclasses set parameters, buffers and sub-modules as attributes and implement
    ``forward(x)`` and ``backward(dout)``.  ``backward`` returns the gradient with
    respect to the input and adds each parameter's gradient to ``.grad``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Module, Parameter
    >>> class Scale(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.a = Parameter(np.array(2.0))
    ...     def forward(self, x):
    ...         self.x = x
    ...         return self.a.data * x
    ...     def backward(self, dout):
    ...         self.a.accumulate(np.sum(dout * self.x))
    ...         return self.a.data * dout
    >>> m = Scale()
    >>> m(np.array([1.0, 3.0]))
    array([2., 6.])
    >>> m.backward(np.ones(2)), float(m.a.grad)
    (array([2., 2.]), 4.0)
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", {})
        object.__setattr__(self, "_buffers", {})
        object.__setattr__(self, "_modules", {})
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_summary_log", None)

    def __setattr__(self, name, value):
        if "_modules" not in self.__dict__:
            raise AttributeError(
                f"{type(self).__name__}.__init__ must call super().__init__() before "
                f"assigning attributes"
            )
        # Assigning to an existing key keeps its place, so replacing a layer of a
        # Sequential keeps the layer order.
        if isinstance(value, Parameter):
            self._modules.pop(name, None)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._parameters.pop(name, None)
            self._modules[name] = value
        else:
            self._parameters.pop(name, None)
            self._modules.pop(name, None)
        object.__setattr__(self, name, value)

    def register_buffer(self, name, array):
        """Keep ``array`` as state that is saved but not trained (e.g. ``running_mean``)."""
        self._buffers[name] = None
        object.__setattr__(self, name, array)

    # -- running ---------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        self._check_input(*args, **kwargs)
        out = self.forward(*args, **kwargs)
        if self._summary_log is not None:
            self._summary_log.append((self, out))
        return out

    # A layer whose input check is "x is a float array of input_ndim dimensions (and
    # finite, unless input_finite is False)" declares it with these attributes; any
    # other check overrides _check_input.
    input_ndim = None
    input_layout = None
    input_finite = True

    def _check_input(self, *args, **kwargs):
        """Check ``forward``'s arguments; ``__call__`` runs it first.  Layers override it.

        Checking here, once per call, keeps argument checking out of every ``forward``,
        so that the code of a forward pass is only its equations.  The default checks
        ``x`` against ``input_ndim``, ``input_layout`` and ``input_finite`` when a layer
        declares them.
        """
        if self.input_ndim is not None:
            check_array(args[0], "x", ndim=self.input_ndim, layout=self.input_layout,
                        owner=type(self).__name__, finite=self.input_finite)

    def forward(self, x):
        """Compute the output; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement forward")

    def backward(self, dout):
        """Return d(loss)/d(input) given d(loss)/d(output); subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__} does not implement backward")

    def cached(self, value):
        """Return ``value``, what ``forward`` kept for ``backward``, or raise if it is missing.

        A layer's ``backward`` starts with ``x = self.cached(self._x)``: ``None`` means
        ``forward`` has not run since the last ``backward`` (each backward consumes one
        forward), which raises ``RuntimeError``.

        Examples
        --------
        >>> from dlbook.nn import ReLU
        >>> ReLU().backward(None)
        Traceback (most recent call last):
        ...
        RuntimeError: ReLU.backward called before forward: run the forward pass ... first; ...
        """
        if value is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward called before forward: run the forward "
                f"pass (in training mode) first; each backward consumes one forward"
            )
        return value

    # -- modes -----------------------------------------------------------------
    def train(self, mode=True):
        """Switch this module and all sub-modules to training mode; return ``self``."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Switch to evaluation mode (running statistics, no dropout); return ``self``."""
        return self.train(False)

    # -- introspection ---------------------------------------------------------
    def named_modules(self, prefix=""):
        """Yield ``(dotted_name, module)`` for this module and every descendant."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        """Yield this module and every descendant."""
        for _, m in self.named_modules():
            yield m

    def children(self):
        """Yield the direct sub-modules."""
        yield from self._modules.values()

    def named_parameters(self):
        """Yield ``(dotted_name, Parameter)``, e.g. ``("conv1.W", p)``."""
        for prefix, m in self.named_modules():
            for name, p in m._parameters.items():
                yield (f"{prefix}.{name}" if prefix else name), p

    def parameters(self):
        """Return the list of all parameters (what an optimiser is built from)."""
        return [p for _, p in self.named_parameters()]

    def named_buffers(self):
        """Yield ``(dotted_name, array)`` for running statistics and other buffers."""
        for prefix, m in self.named_modules():
            for name in m._buffers:
                yield (f"{prefix}.{name}" if prefix else name), getattr(m, name)

    def num_parameters(self):
        """Total number of trainable scalars."""
        return int(sum(p.size for p in self.parameters()))

    def zero_grad(self):
        """Reset every parameter's gradient to ``None``."""
        for p in self.parameters():
            p.grad = None

    def state_dict(self):
        """Return ``{dotted_name: array copy}`` for all parameters and buffers."""
        state = {name: p.data.copy() for name, p in self.named_parameters()}
        state.update({name: np.array(b, copy=True) for name, b in self.named_buffers()})
        return state

    def load_state_dict(self, state):
        """Copy arrays from ``state`` into the parameters and buffers, checking every name and shape."""
        own = self.state_dict()
        missing = sorted(set(own) - set(state))
        unexpected = sorted(set(state) - set(own))
        if missing or unexpected:
            raise ValueError(
                f"{type(self).__name__}.load_state_dict: the state does not fit this "
                f"architecture; missing {missing[:5]}{'...' if len(missing) > 5 else ''}, "
                f"unexpected {unexpected[:5]}{'...' if len(unexpected) > 5 else ''}"
            )
        for name, value in state.items():
            if np.shape(value) != own[name].shape:
                raise ValueError(
                    f"{type(self).__name__}.load_state_dict: '{name}' has shape "
                    f"{np.shape(value)} in the state but {own[name].shape} in the model"
                )
        params = dict(self.named_parameters())
        for prefix, m in self.named_modules():
            for bname in m._buffers:
                full = f"{prefix}.{bname}" if prefix else bname
                object.__setattr__(m, bname, np.array(state[full], dtype=own[full].dtype))
        for name, p in params.items():
            p.data = np.array(state[name], dtype=p.data.dtype)
        return self

    def extra_repr(self):
        """One line of constructor arguments shown by ``repr``."""
        return ""

    def __repr__(self):
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not self._modules:
            return head + ")"
        lines = [head]
        for name, child in self._modules.items():
            child_repr = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {child_repr}")
        return "\n".join(lines) + "\n)"

    def summary(self, input_shape, depth=1):
        """Run one sample through the model and tabulate each sub-module.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample, without the batch axis, e.g. ``(1, 32, 32)``.
        depth : int
            How deep to list sub-modules: 1 lists the direct children.

        Returns
        -------
        Summary
            Rows of ``(name, type, output shape, parameter count)``; ``str()`` of it
            is a table.
        """
        from dlbook.nn.summary import summarize

        return summarize(self, input_shape, depth)


class Sequential(Module):
    """Modules applied one after another; ``backward`` runs them in reverse.

    ``backward`` stops at a layer that returns ``None`` instead of an input gradient
    (a :class:`~dlbook.nn.Conv2d` with ``needs_input_grad=False``) and returns ``None``.

    Sub-modules are named ``"0"``, ``"1"``, ... or by the keys of a ``dict``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import Sequential, Linear, ReLU
    >>> net = Sequential(Linear(4, 3, rng=0), ReLU(), Linear(3, 2, rng=1))
    >>> net(np.ones((5, 4), dtype=np.float32)).shape
    (5, 2)
    >>> [name for name, _ in net.named_parameters()]
    ['0.W', '0.b', '2.W', '2.b']
    """

    def __init__(self, *modules):
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], dict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for name, m in items:
            if not isinstance(m, Module):
                raise TypeError(
                    f"Sequential: item '{name}' must be a Module, got {type(m).__name__}"
                )
            setattr(self, name, m)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        if isinstance(index, str):
            return self._modules[index]
        return list(self._modules.values())[index]

    def append(self, module):
        """Add ``module`` at the end, named by its position."""
        setattr(self, str(len(self)), module)
        return self

    def forward(self, x):
        for m in self._modules.values():
            x = m(x)
        return x

    def backward(self, dout):
        # A layer that returns None (e.g. a first Conv2d with needs_input_grad=False)
        # ends the pass: nothing before it has a gradient to receive.
        for m in reversed(list(self._modules.values())):
            dout = m.backward(dout)
            if dout is None:
                break
        return dout
