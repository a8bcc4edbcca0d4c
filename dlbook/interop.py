"""Weights to and from PyTorch: a model's state under the names PyTorch gives it.

dlbook already stores every array in PyTorch's layout (Linear ``W`` is
``(out, in)``, Conv2d ``W`` is ``(out, in, kh, kw)``, data is NCHW), so converting
a model is a matter of *names*: the parameters are named after the symbols of the
equations here and after their role in PyTorch.

==========================================================  ====================
dlbook                                                      PyTorch
==========================================================  ====================
``W``, ``b`` (Linear, Conv2d)                               ``weight``, ``bias``
``gamma``, ``beta`` (the normalisations)                    ``weight``, ``bias``
``running_mean``, ``running_var``, ``num_batches_tracked``  the same names
==========================================================  ====================

Module names are kept as they are (``conv1.W`` becomes ``conv1.weight``), so the
PyTorch twin of a model must name its sub-modules as the dlbook model does; the
book's twins of LeNet-5, AlexNet and GoogLeNet do.  This module never imports
PyTorch: :func:`to_torch_state_dict` returns NumPy arrays (``torch.from_numpy``
turns each into a tensor), and :func:`load_torch_state_dict` accepts tensors by
what they can do (``.detach().cpu().numpy()``), not by their type.
"""

from __future__ import annotations

import numpy as np

from dlbook.nn.module import Module

__all__ = ["TORCH_NAMES", "load_torch_state_dict", "to_torch_state_dict", "torch_name"]

TORCH_NAMES = {"W": "weight", "b": "bias", "gamma": "weight", "beta": "bias"}
"""dlbook's parameter names and PyTorch's names for the same parameters."""


def torch_name(name):
    """PyTorch's name for the dlbook parameter or buffer ``name`` (a dotted path).

    Only the last part changes; module names stay.

    Examples
    --------
    >>> from dlbook.interop import torch_name
    >>> torch_name("conv1.W"), torch_name("bn.gamma"), torch_name("bn.running_var")
    ('conv1.weight', 'bn.weight', 'bn.running_var')
    """
    module, _, leaf = name.rpartition(".")
    leaf = TORCH_NAMES.get(leaf, leaf)
    return f"{module}.{leaf}" if module else leaf


def to_torch_state_dict(model):
    """``model``'s parameters and buffers under PyTorch's names, as NumPy arrays.

    Parameters
    ----------
    model : Module
        Any dlbook model or layer.

    Returns
    -------
    dict of str to numpy.ndarray
        Copies, in the order PyTorch uses (module by module).  For a PyTorch module whose
        sub-modules have the same names,
        ``torch_model.load_state_dict({k: torch.from_numpy(v) for k, v in
        to_torch_state_dict(model).items()})`` loads it.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.interop import to_torch_state_dict
    >>> from dlbook.nn import BatchNorm1d, Linear, Sequential
    >>> net = Sequential({"fc": Linear(3, 2, rng=0), "bn": BatchNorm1d(2)})
    >>> state = to_torch_state_dict(net)
    >>> list(state)
    ['fc.weight', 'fc.bias', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var',
     'bn.num_batches_tracked']
    >>> state["fc.weight"].shape          # (out_features, in_features), as in PyTorch
    (2, 3)
    >>> bool(np.array_equal(state["fc.weight"], net.fc.W.data))
    True
    """
    _check_model(model, "to_torch_state_dict")
    state = model.state_dict()
    return {torch_name(name): state[name] for name in _torch_order(model)}


def _torch_order(model):
    """State names in PyTorch's order: module by module, its parameters then its buffers."""
    for prefix, module in model.named_modules():
        for name in [*module._parameters, *module._buffers]:
            yield f"{prefix}.{name}" if prefix else name


def load_torch_state_dict(model, state_dict):
    """Load a PyTorch ``state_dict`` (tensors or NumPy arrays) into the dlbook ``model``.

    Every key and shape is checked before anything is copied, so a refused state
    leaves ``model`` as it was.  Values are converted to the dtype of the model's
    own arrays.

    Parameters
    ----------
    model : Module
        Receives the parameters and buffers.
    state_dict : dict
        PyTorch names (``conv1.weight``) to ``torch.Tensor`` (read through
        ``.detach().cpu().numpy()``) or anything ``numpy.asarray`` accepts.

    Returns
    -------
    Module
        ``model``, for chaining.

    Raises
    ------
    ValueError
        If a key of the model is missing, a key is unexpected, or a shape differs.
    TypeError
        If ``model`` is not a dlbook module or ``state_dict`` is not a mapping.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.interop import load_torch_state_dict
    >>> from dlbook.nn import Linear
    >>> fc = Linear(2, 1, dtype=np.float64)
    >>> state = {"weight": np.array([[3.0, -1.0]]), "bias": np.array([0.5])}
    >>> load_torch_state_dict(fc, state).W.data
    array([[ 3., -1.]])
    >>> load_torch_state_dict(fc, {"W": np.zeros((1, 2)), "b": np.zeros(1)})
    Traceback (most recent call last):
    ...
    ValueError: load_torch_state_dict: the state does not fit Linear: missing keys ['bias', 'weight']; unexpected keys ['W', 'b']; these are dlbook's own names ...
    """
    owner = "load_torch_state_dict"
    _check_model(model, owner)
    if not hasattr(state_dict, "items"):
        raise TypeError(f"{owner}: argument 'state_dict' must be a mapping of names to "
                        f"tensors or arrays (torch_model.state_dict()), got "
                        f"{type(state_dict).__name__}")
    own = model.state_dict()
    ours = {torch_name(name): name for name in own}
    missing = sorted(set(ours) - set(state_dict))
    unexpected = sorted(set(state_dict) - set(ours))
    if missing or unexpected:
        if unexpected and all(torch_name(key) in ours for key in unexpected):
            advice = ("these are dlbook's own names (W, b, gamma, beta): load a dlbook "
                      "state with model.load_state_dict")
        else:
            advice = (f"the PyTorch model must name its sub-modules as the dlbook model "
                      f"does (here: {_few(list(ours))}), e.g. with "
                      f"nn.Sequential(OrderedDict(...))")
        raise ValueError(
            f"{owner}: the state does not fit {type(model).__name__}: missing keys "
            f"{_few(missing)}; unexpected keys {_few(unexpected)}; {advice}")
    arrays = {}
    for key, value in state_dict.items():
        array = _as_numpy(value)
        want = own[ours[key]].shape
        if array.shape != want:
            hint = ""
            if array.ndim == 2 and array.shape[::-1] == want:
                hint = (" (the transpose: a weight stored as (in, out) must be "
                        "transposed to PyTorch's (out_features, in_features))")
            raise ValueError(f"{owner}: {key!r} has shape {array.shape} in the state but "
                             f"{want} in the model{hint}; build the model with the same "
                             f"sizes")
        arrays[ours[key]] = array
    return model.load_state_dict(arrays)


def _as_numpy(value):
    """A NumPy array from a tensor (via ``detach().cpu().numpy()``) or an array-like."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _few(names, limit=6):
    return f"{names[:limit]}{' ...' if len(names) > limit else ''}"


def _check_model(model, owner):
    if not isinstance(model, Module):
        raise TypeError(f"{owner}: argument 'model' must be a dlbook.nn.Module, got "
                        f"{type(model).__name__}")
