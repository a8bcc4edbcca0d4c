"""Module, Parameter, Sequential, summary: the skeleton every layer hangs on."""

import numpy as np
import pytest

from dlbook.gradcheck import check_module_gradients
from dlbook.models import MLP
from dlbook.nn import Linear, Module, Parameter, ReLU, Sequential, Sigmoid


def test_named_parameters_are_dotted_and_ordered():
    net = Sequential({"fc1": Linear(3, 4, rng=0), "act": ReLU(), "fc2": Linear(4, 2, rng=0)})
    assert [n for n, _ in net.named_parameters()] == ["fc1.W", "fc1.b", "fc2.W", "fc2.b"]
    assert net.num_parameters() == 3 * 4 + 4 + 4 * 2 + 2


def test_nested_names():
    outer = Sequential(Sequential(Linear(2, 2, rng=0)), Linear(2, 1, rng=0))
    assert [n for n, _ in outer.named_parameters()] == ["0.0.W", "0.0.b", "1.W", "1.b"]


def test_train_eval_propagate():
    net = MLP(4, [3], 2, rng=0)
    net.eval()
    assert all(not m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_parameters_accumulate_until_zeroed():
    fc = Linear(2, 1, rng=0, dtype=np.float64)
    x = np.ones((1, 2))
    for _ in range(2):
        fc(x)
        fc.backward(np.ones((1, 1)))
    assert np.allclose(fc.W.grad, [[2.0, 2.0]])
    fc.zero_grad()
    assert fc.W.grad is None


def test_backward_before_forward_is_refused():
    with pytest.raises(RuntimeError, match="backward called before forward"):
        Linear(2, 2, rng=0).backward(np.ones((1, 2), np.float32))


def test_backward_frees_its_cache():
    fc = Linear(2, 2, rng=0)
    fc(np.ones((1, 2), np.float32))
    fc.backward(np.ones((1, 2), np.float32))
    with pytest.raises(RuntimeError):
        fc.backward(np.ones((1, 2), np.float32))


def test_state_dict_round_trip_and_architecture_check():
    a, b = MLP(4, [3], 2, rng=0), MLP(4, [3], 2, rng=1)
    b.load_state_dict(a.state_dict())
    x = np.ones((1, 4), np.float32)
    assert np.array_equal(a(x), b(x))
    with pytest.raises(ValueError, match="does not fit this architecture"):
        MLP(4, [3, 3], 2, rng=0).load_state_dict(a.state_dict())
    with pytest.raises(ValueError, match=r"'0.W' has shape \(3, 4\) in the state but \(5, 4\)"):
        MLP(4, [5], 2, rng=0).load_state_dict(a.state_dict())


def test_subclass_must_call_super_init():
    class Bad(Module):
        def __init__(self):
            self.w = Parameter(np.zeros(1))

    with pytest.raises(AttributeError, match="super"):
        Bad()


def test_sequential_rejects_non_modules():
    with pytest.raises(TypeError, match="item '1' must be a Module"):
        Sequential(ReLU(), np.zeros(3))


def test_summary_lists_children_with_shapes_and_counts():
    net = MLP(64, [32], 10, rng=0)
    s = net.summary((64,))
    assert [r.output_shape for r in s.rows] == [(32,), (32,), (10,)]
    assert [r.num_parameters for r in s.rows] == [64 * 32 + 32, 0, 32 * 10 + 10]
    assert s.total_parameters == net.num_parameters()
    assert "total parameters: 2,410" in str(s)


def test_whole_network_gradient_check(rng):
    net = MLP(5, [6, 4], 3, activation="tanh", rng=0, dtype=np.float64)
    errors = check_module_gradients(net, rng.standard_normal((4, 5)))
    assert max(errors.values()) < 1e-6


def test_sequential_indexing_and_append():
    net = Sequential(Linear(2, 2, rng=0))
    net.append(Sigmoid())
    assert len(net) == 2 and isinstance(net[1], Sigmoid) and isinstance(net["0"], Linear)
    assert "Sigmoid" in repr(net)


def test_replacing_a_layer_keeps_its_position():
    net = Sequential(Linear(2, 3, rng=0), Sigmoid(), Linear(3, 1, rng=0))
    setattr(net, "1", ReLU())
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear"]
