"""dlbook.interop: state dicts both ways, bit-identical round trips, teaching errors."""

import numpy as np
import pytest
import torch

import torch_models
from dlbook.interop import load_torch_state_dict, to_torch_state_dict
from dlbook.models import GoogLeNet, LeNet5
from dlbook.nn import BatchNorm2d, Conv2d, Flatten, Linear, ReLU, Sequential
from torch_helpers import close, t


def small_bn_net(gen):
    return Sequential({"conv": Conv2d(1, 4, 3, rng=gen, dtype=np.float64),
                       "bn": BatchNorm2d(4, dtype=np.float64), "relu": ReLU(),
                       "flatten": Flatten(), "fc": Linear(4 * 6 * 6, 3, rng=gen,
                                                          dtype=np.float64)})


def small_bn_twin():
    from collections import OrderedDict
    from torch import nn
    return nn.Sequential(OrderedDict([("conv", nn.Conv2d(1, 4, 3)), ("bn", nn.BatchNorm2d(4)),
                                      ("relu", nn.ReLU()), ("flatten", nn.Flatten()),
                                      ("fc", nn.Linear(144, 3))]))


def test_names_and_keys_are_torchs(gen):
    net = small_bn_net(gen)
    assert list(to_torch_state_dict(net)) == list(small_bn_twin().state_dict())
    assert list(to_torch_state_dict(GoogLeNet(rng=0))) == list(
        torch_models.GoogLeNet().state_dict())


def test_round_trip_dlbook_torch_dlbook_is_bit_identical(gen):
    net = small_bn_net(gen)
    net(gen.standard_normal((5, 1, 8, 8)))            # running statistics away from 0 and 1
    twin = torch_models.load_dlbook_weights(small_bn_twin().double(), net)
    back = torch_models.load_torch_weights(small_bn_net(np.random.default_rng(7)), twin)
    for (name, ours), (_, theirs) in zip(net.state_dict().items(), back.state_dict().items()):
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name


def test_a_torch_trained_model_runs_in_dlbook(gen):
    torch.manual_seed(0)
    twin = torch_models.lenet5().double()
    x, labels = t(gen.standard_normal((8, 1, 32, 32))), t(gen.integers(0, 10, 8))
    optimizer = torch.optim.Adam(twin.parameters(), lr=1e-3)
    for _ in range(3):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(twin(x), labels).backward()
        optimizer.step()
    model = torch_models.load_torch_weights(LeNet5(dtype=np.float64), twin)
    close(model.eval()(x.numpy()), twin.eval()(x), rtol=1e-12)


def test_float32_tensors_load_into_a_float32_model(gen):
    twin = torch_models.lenet5().float()
    model = load_torch_state_dict(LeNet5(rng=0), twin.state_dict())
    assert model.c1.W.data.dtype == np.float32
    assert np.array_equal(model.c1.W.data, twin.c1.weight.detach().numpy())


def test_tensors_that_require_grad_are_accepted():
    fc = Linear(2, 1, dtype=np.float64)
    state = {"weight": torch.ones(1, 2, requires_grad=True), "bias": torch.zeros(1)}
    assert load_torch_state_dict(fc, state).W.data.tolist() == [[1.0, 1.0]]


def test_missing_and_unexpected_keys_are_named(gen):
    net = small_bn_net(gen)
    state = small_bn_twin().state_dict()
    del state["bn.running_var"]
    state["features.0.weight"] = torch.zeros(1)
    before = net.conv.W.data.copy()
    with pytest.raises(ValueError, match=r"missing keys \['bn.running_var'\]; unexpected "
                                         r"keys \['features.0.weight'\]; the PyTorch model must name"):
        load_torch_state_dict(net, state)
    assert np.array_equal(net.conv.W.data, before)          # nothing was loaded


def test_wrong_shape_and_transposed_weight(gen):
    fc = Linear(3, 2, dtype=np.float64)
    with pytest.raises(ValueError, match=r"'weight' has shape \(3, 2\).*\(2, 3\).*transpose"):
        load_torch_state_dict(fc, {"weight": np.zeros((3, 2)), "bias": np.zeros(2)})
    with pytest.raises(ValueError, match=r"'bias' has shape \(3,\) in the state but \(2,\)"):
        load_torch_state_dict(fc, {"weight": np.zeros((2, 3)), "bias": np.zeros(3)})


def test_dlbook_names_get_their_own_advice():
    with pytest.raises(ValueError, match="dlbook's own names.*model.load_state_dict"):
        load_torch_state_dict(Linear(2, 1), Linear(2, 1).state_dict())


def test_bad_arguments():
    with pytest.raises(TypeError, match="dlbook.nn.Module"):
        to_torch_state_dict(torch.nn.Linear(2, 1))
    with pytest.raises(TypeError, match="mapping"):
        load_torch_state_dict(Linear(2, 1), [("weight", np.zeros((1, 2)))])


def test_the_library_never_imports_torch():
    import subprocess
    import sys
    code = ("import sys; sys.modules['torch'] = None\n"
            "import dlbook, dlbook.interop, dlbook.models\n"
            "print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr
