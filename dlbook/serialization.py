"""Saving and loading a model (and its optimiser) as one NumPy ``.npz`` file.

A file holds every parameter and buffer (running statistics), the optimiser's
per-parameter state, the bit-generator state of every layer that draws random
numbers (dropout), and an architecture fingerprint: the model's class name and
each parameter's dotted name and shape.  :func:`load` compares the fingerprint
before touching the model, so a file saved from another architecture is refused
with a message that says where the two differ.

Writes are atomic: the file is written under a temporary name in the same
directory, flushed to disk, then renamed over ``path``, so a crash while saving
never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from dlbook.nn.module import Module

FORMAT_VERSION = 1
_META = "__dlbook__"
_MODEL = "model/"
_OPTIM = "optimizer/"


def fingerprint(model):
    """The architecture as saved in a file: class name and ``[name, shape]`` of each parameter.

    Examples
    --------
    >>> from dlbook.nn import Linear
    >>> from dlbook.serialization import fingerprint
    >>> fingerprint(Linear(3, 2, rng=0))
    {'class': 'Linear', 'parameters': [['W', [2, 3]], ['b', [2]]]}
    """
    _check_model(model, "fingerprint")
    return {"class": type(model).__name__,
            "parameters": [[name, list(p.shape)] for name, p in model.named_parameters()]}


def save(path, model, optimizer=None):
    """Write ``model`` (and ``optimizer``, if given) to the ``.npz`` file ``path``, atomically.

    Parameters
    ----------
    path : str or os.PathLike
        Destination, used exactly as given (no ``.npz`` is appended).  An existing
        file is replaced only once the new one is completely on disk.
    model : Module
        Its parameters, buffers and the states of its layers' random generators
        are saved, with its architecture fingerprint.
    optimizer : Optimizer, optional
        Its learning rate, step count and per-parameter state are saved, so that
        training can resume exactly where it stopped.

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import dlbook
    >>> from dlbook.nn import Linear
    >>> model = Linear(3, 2, rng=0)
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "linear.npz")
    >>> _ = dlbook.save(path, model)
    >>> with np.load(path) as data:
    ...     sorted(data.files)
    ['__dlbook__', 'model/W', 'model/b']
    >>> folder.cleanup()
    """
    from pathlib import Path

    path = _check_path(path, "save")
    _check_model(model, "save")
    _check_optimizer(optimizer, "save")
    arrays = {_MODEL + name: value for name, value in model.state_dict().items()}
    meta = {"format": FORMAT_VERSION, "architecture": fingerprint(model),
            "rng_states": _rng_states(model), "optimizer": None}
    if optimizer is not None:
        meta["optimizer"] = {"class": type(optimizer).__name__,
                             "num_params": len(optimizer.params),
                             "lr": float(optimizer.lr)}
        arrays.update({_OPTIM + key: value for key, value in optimizer.state_dict().items()})
    arrays[_META] = np.array(json.dumps(meta))
    _write_atomically(path, arrays)
    return Path(path)


def load(path, model, optimizer=None):
    """Load a file written by :func:`save` into ``model`` (and ``optimizer``); return ``model``.

    ``model`` must have the architecture the file was saved from (same class,
    same parameter names and shapes); everything is checked before anything is
    changed, so a refused file leaves ``model`` and ``optimizer`` as they were.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by :func:`save`.
    model : Module
        Receives the parameters, buffers and random-generator states.
    optimizer : Optimizer, optional
        Receives the learning rate, step count and per-parameter state; the file
        must have been saved with an optimiser of the same class.

    Returns
    -------
    Module
        ``model``, for chaining.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> import dlbook
    >>> from dlbook.nn import Linear
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = os.path.join(folder.name, "linear.npz")
    >>> _ = dlbook.save(path, Linear(3, 2, rng=0))
    >>> restored = dlbook.load(path, Linear(3, 2, rng=1))
    >>> bool(np.array_equal(restored.W.data, Linear(3, 2, rng=0).W.data))
    True
    >>> dlbook.load(path, Linear(4, 2, rng=0))
    Traceback (most recent call last):
    ...
    ValueError: load: ... parameter 'W' has shape (2, 3) in the file but (2, 4) in the model...
    >>> folder.cleanup()
    """
    path = _check_path(path, "load")
    _check_model(model, "load")
    _check_optimizer(optimizer, "load")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"load: argument 'path' is {str(path)!r}, which is not a file")
    with np.load(path, allow_pickle=False) as data:
        files = {key: data[key] for key in data.files}
    if _META not in files:
        raise ValueError(f"load: {str(path)!r} is not a dlbook file (it has no '{_META}' "
                         f"entry); expected a file written by dlbook.save")
    meta = json.loads(str(files[_META]))
    if meta.get("format") != FORMAT_VERSION:
        raise ValueError(f"load: {str(path)!r} has format version {meta.get('format')!r}; "
                         f"this dlbook reads version {FORMAT_VERSION}")
    _check_architecture(meta["architecture"], fingerprint(model), path)
    state = {k[len(_MODEL):]: v for k, v in files.items() if k.startswith(_MODEL)}
    optim_state = {k[len(_OPTIM):]: v for k, v in files.items() if k.startswith(_OPTIM)}
    if optimizer is not None:
        _check_optimizer_meta(meta["optimizer"], optimizer, path)
    _check_rng_states(meta["rng_states"], model, path)
    model.load_state_dict(state)
    for name, m in model.named_modules():
        if name in meta["rng_states"]:
            m.rng.bit_generator.state = meta["rng_states"][name]
    if optimizer is not None:
        optimizer.load_state_dict(optim_state)
        optimizer.lr = meta["optimizer"]["lr"]
    return model


# -- checks ------------------------------------------------------------------
def _check_path(path, owner):
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{owner}: argument 'path' must be a str or os.PathLike, got "
                        f"{type(path).__name__}")
    return os.fspath(path)


def _check_model(model, owner):
    if not isinstance(model, Module):
        raise TypeError(f"{owner}: argument 'model' must be a dlbook.nn.Module, got "
                        f"{type(model).__name__}")


def _check_optimizer(optimizer, owner):
    from dlbook.optim import Optimizer

    if optimizer is not None and not isinstance(optimizer, Optimizer):
        raise TypeError(f"{owner}: argument 'optimizer' must be a dlbook.optim.Optimizer or "
                        f"None, got {type(optimizer).__name__}")


def _check_architecture(saved, own, path):
    where = f"load: {str(path)!r} was saved from a {saved['class']}"
    if saved["class"] != own["class"]:
        raise ValueError(f"{where} but argument 'model' is a {own['class']}; build the "
                         f"same architecture before loading")
    saved_params = {name: tuple(shape) for name, shape in saved["parameters"]}
    own_params = {name: tuple(shape) for name, shape in own["parameters"]}
    missing = [n for n in own_params if n not in saved_params]
    extra = [n for n in saved_params if n not in own_params]
    if missing or extra:
        raise ValueError(f"{where} whose parameters differ from argument 'model': the file "
                         f"lacks {missing[:5]} and has unexpected {extra[:5]}")
    for name, shape in own_params.items():
        if saved_params[name] != shape:
            raise ValueError(f"{where} whose parameter '{name}' has shape "
                             f"{saved_params[name]} in the file but {shape} in the model; "
                             f"build the model with the same sizes")


def _check_optimizer_meta(saved, optimizer, path):
    name = type(optimizer).__name__
    if saved is None:
        raise ValueError(f"load: {str(path)!r} holds no optimiser state but argument "
                         f"'optimizer' is a {name}; save with dlbook.save(path, model, optimizer)")
    if saved["class"] != name or saved["num_params"] != len(optimizer.params):
        raise ValueError(f"load: {str(path)!r} holds the state of a {saved['class']} over "
                         f"{saved['num_params']} parameters but argument 'optimizer' is a "
                         f"{name} over {len(optimizer.params)}")


def _check_rng_states(saved, model, path):
    own = _rng_states(model)
    if sorted(saved) != sorted(own):
        raise ValueError(f"load: {str(path)!r} has random-generator states for layers "
                         f"{sorted(saved)} but the model's random layers are {sorted(own)}")


def _rng_states(model):
    """``{dotted_name: bit_generator.state}`` of every sub-module owning a Generator ``rng``."""
    return {name: m.rng.bit_generator.state for name, m in model.named_modules()
            if isinstance(getattr(m, "rng", None), np.random.Generator)}


# -- atomic write ------------------------------------------------------------
def _write_atomically(path, arrays):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.",
                               suffix=".tmp")
    try:
        os.chmod(tmp, _file_mode(path))
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _file_mode(path):
    """Keep the mode of the file being replaced; a new file gets the usual umask'd 0o666."""
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory):
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
