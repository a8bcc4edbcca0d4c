"""dlbook.save / dlbook.load: exact round trips, exact resumption, refusals, atomic writes."""

import os

import numpy as np
import pytest

import dlbook
from dlbook import optim
from dlbook.models import MLP
from dlbook.nn import Linear, SoftmaxCrossEntropy


def _optimizer_class():
    """The optimiser with the most state that exists (Adam > Momentum > SGD)."""
    for name in ("Adam", "Momentum", "SGD"):
        if hasattr(optim, name):
            return getattr(optim, name)


def _mlp(seed):
    """A model with parameters, buffers (batch norm) and a random layer (dropout)."""
    kwargs = {}
    if hasattr(dlbook.nn, "BatchNorm1d"):
        kwargs["batch_norm"] = True
    if hasattr(dlbook.nn, "Dropout"):
        kwargs["dropout"] = 0.2
    return MLP(16, [12, 8], 4, rng=seed, **kwargs)


def _data():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((64, 16)).astype(np.float32)
    y = rng.integers(0, 4, size=64)
    return X, y


def _train(model, opt, X, y, steps, start):
    """``steps`` mini-batch steps; batch ``k`` is always the same slice of the data."""
    loss_fn = SoftmaxCrossEntropy()
    model.train()
    losses = []
    for k in range(start, start + steps):
        idx = slice((k * 16) % 64, (k * 16) % 64 + 16)
        losses.append(float(loss_fn(model(X[idx]), y[idx])))
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
    return losses


def _state(model):
    return model.state_dict()


def _assert_same_state(a, b):
    assert sorted(a) == sorted(b)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        assert a[key].dtype == b[key].dtype, key


def test_round_trip_gives_bit_identical_outputs(tmp_path):
    X, y = _data()
    model = _mlp(0)
    _train(model, optim.SGD(model.parameters(), lr=0.1), X, y, 3, 0)
    path = tmp_path / "model.npz"
    assert dlbook.save(path, model) == path
    fresh = dlbook.load(path, _mlp(1))
    _assert_same_state(_state(model), _state(fresh))
    model.eval(), fresh.eval()
    assert np.array_equal(model(X), fresh(X))


def test_file_holds_parameters_buffers_optimizer_state_and_fingerprint(tmp_path):
    import json

    model = _mlp(0)
    X, y = _data()
    opt = _optimizer_class()(model.parameters(), lr=0.01)
    _train(model, opt, X, y, 1, 0)
    dlbook.save(tmp_path / "m.npz", model, opt)
    with np.load(tmp_path / "m.npz", allow_pickle=False) as data:
        keys = set(data.files)
        meta = json.loads(str(data["__dlbook__"]))
    assert {f"model/{name}" for name in model.state_dict()} <= keys
    assert {f"optimizer/{name}" for name in opt.state_dict()} <= keys
    if hasattr(dlbook.nn, "BatchNorm1d"):
        assert any(k.endswith("running_mean") for k in keys)
        assert any(k.endswith("running_var") for k in keys)
    assert meta["architecture"] == {"class": "MLP", "parameters": [
        [name, list(p.shape)] for name, p in model.named_parameters()]}
    assert meta["optimizer"]["class"] == type(opt).__name__


def test_training_resumes_exactly_where_it_stopped(tmp_path):
    """k steps, save, load into fresh objects, more steps == one uninterrupted run."""
    X, y = _data()
    Opt = _optimizer_class()
    model = _mlp(0)
    opt = Opt(model.parameters(), lr=0.01)
    straight = _train(model, opt, X, y, 8, 0)

    first = _mlp(0)
    first_opt = Opt(first.parameters(), lr=0.01)
    resumed = _train(first, first_opt, X, y, 3, 0)
    dlbook.save(tmp_path / "ckpt.npz", first, first_opt)
    second = _mlp(99)                      # different initial weights and dropout stream
    second_opt = Opt(second.parameters(), lr=0.5)   # and a different learning rate
    dlbook.load(tmp_path / "ckpt.npz", second, second_opt)
    assert second_opt.lr == 0.01 and second_opt.t == 3
    resumed += _train(second, second_opt, X, y, 5, 3)

    assert resumed == straight
    _assert_same_state(_state(model), _state(second))
    _assert_same_state(opt.state_dict(), second_opt.state_dict())


def test_dropout_generator_state_is_restored(tmp_path):
    if not hasattr(dlbook.nn, "Dropout"):
        pytest.skip("dlbook.nn.Dropout does not exist yet")
    model = _mlp(0)
    model(np.ones((4, 16), np.float32))      # advance the dropout stream
    dlbook.save(tmp_path / "m.npz", model)
    fresh = dlbook.load(tmp_path / "m.npz", _mlp(5))
    x = np.ones((4, 16), np.float32)
    assert np.array_equal(model(x), fresh(x))


@pytest.mark.parametrize("other, fragment", [
    (lambda: MLP(16, [12, 8], 5, rng=0), "parameter '"),              # a different size
    (lambda: MLP(16, [12], 4, rng=0), "the file lacks"),               # a layer fewer
    (lambda: Linear(16, 4, rng=0), "saved from a MLP but argument 'model' is a Linear"),
])
def test_other_architecture_is_refused_and_model_left_unchanged(tmp_path, other, fragment):
    dlbook.save(tmp_path / "m.npz", MLP(16, [12, 8], 4, rng=0))
    target = other()
    before = target.state_dict()
    with pytest.raises(ValueError, match="load: ") as info:
        dlbook.load(tmp_path / "m.npz", target)
    assert fragment in str(info.value)
    _assert_same_state(before, target.state_dict())


def test_shape_mismatch_message_names_parameter_and_both_shapes(tmp_path):
    dlbook.save(tmp_path / "m.npz", Linear(3, 2, rng=0))
    with pytest.raises(ValueError) as info:
        dlbook.load(tmp_path / "m.npz", Linear(4, 2, rng=0))
    msg = str(info.value)
    assert "'W'" in msg and "(2, 3)" in msg and "(2, 4)" in msg


def test_optimizer_mismatches_are_refused(tmp_path):
    model = Linear(3, 2, rng=0)
    dlbook.save(tmp_path / "plain.npz", model)
    with pytest.raises(ValueError, match="holds no optimiser state"):
        dlbook.load(tmp_path / "plain.npz", model, optim.SGD(model.parameters(), lr=0.1))
    if not hasattr(optim, "Momentum"):
        pytest.skip("dlbook.optim.Momentum does not exist yet")
    dlbook.save(tmp_path / "sgd.npz", model, optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(ValueError, match="SGD over 2 parameters but argument 'optimizer' "
                                         "is a Momentum"):
        dlbook.load(tmp_path / "sgd.npz", model, optim.Momentum(model.parameters(), lr=0.1))


@pytest.mark.parametrize("call, exc, fragment", [
    (lambda p: dlbook.save(p, "model"), TypeError, "argument 'model' must be a dlbook.nn.Module, got str"),
    (lambda p: dlbook.save(p, Linear(2, 2), optimizer="adam"), TypeError, "argument 'optimizer'"),
    (lambda p: dlbook.save(3, Linear(2, 2)), TypeError, "argument 'path' must be a str"),
    (lambda p: dlbook.load(p, None), TypeError, "argument 'model'"),
    (lambda p: dlbook.load(p.parent / "missing.npz", Linear(2, 2)), FileNotFoundError, "missing.npz"),
])
def test_bad_arguments(tmp_path, call, exc, fragment):
    with pytest.raises(exc) as info:
        call(tmp_path / "m.npz")
    assert fragment in str(info.value)
    assert not (tmp_path / "m.npz").exists()


def test_a_foreign_npz_is_refused(tmp_path):
    np.savez(tmp_path / "foreign.npz", W=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="is not a dlbook file"):
        dlbook.load(tmp_path / "foreign.npz", Linear(2, 2, rng=0))


def test_crash_while_writing_keeps_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.npz"
    dlbook.save(path, Linear(3, 2, rng=0))
    good = path.read_bytes()
    real_savez = np.savez

    def crash_midway(file, **arrays):
        file.write(b"PK\x03\x04 half a zip file")    # some bytes reach the disk...
        raise OSError("disk full (simulated)")      # ...then the write dies

    monkeypatch.setattr(np, "savez", crash_midway)
    with pytest.raises(OSError, match="simulated"):
        dlbook.save(path, Linear(3, 2, rng=1))
    monkeypatch.setattr(np, "savez", real_savez)
    assert path.read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == ["model.npz"]
    assert np.array_equal(dlbook.load(path, Linear(3, 2, rng=5)).W.data,
                          Linear(3, 2, rng=0).W.data)


def test_interrupt_during_first_save_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(file, **arrays):
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        dlbook.save(tmp_path / "new.npz", Linear(3, 2, rng=0))
    assert os.listdir(tmp_path) == []


def test_saved_file_gets_normal_permissions(tmp_path):
    path = dlbook.save(tmp_path / "m.npz", Linear(3, 2, rng=0))
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("name", ["LeNet5", "GoogLeNet"])
def test_cnn_models_round_trip(tmp_path, name):
    Model = getattr(dlbook.models, name, None)
    if Model is None:
        pytest.skip(f"dlbook.models.{name} does not exist yet")
    kwargs = {"num_classes": 10}
    model = Model(rng=0, **kwargs)
    dlbook.save(tmp_path / "m.npz", model)
    fresh = dlbook.load(tmp_path / "m.npz", Model(rng=1, **kwargs))
    _assert_same_state(model.state_dict(), fresh.state_dict())
