"""``needs_input_grad=False``: a layer skips its input gradient, its parameters' are unchanged."""

import numpy as np
import pytest

from dlbook._engine import conv as engine_conv
from dlbook.models import LeNet5
from dlbook.nn import Conv2d, Sequential, SoftmaxCrossEntropy

F64 = np.float64

# in_channels, out_channels, kernel, stride, padding, input (N, H, W)
CASES = [
    (1, 6, 5, 1, 0, (4, 12, 12)),     # LeNet C1's shape of problem
    (3, 4, 3, 2, 1, (2, 9, 9)),       # strided and padded
    (5, 7, 1, 1, 0, (3, 6, 6)),       # 1x1: the pointwise path
    (2, 3, (3, 2), (2, 1), (1, 0), (2, 9, 7)),
]


def gradients(layer, x, dout):
    layer.zero_grad()
    layer(x)
    dx = layer.backward(dout)
    return dx, layer.W.grad.copy(), layer.b.grad.copy()


@pytest.mark.parametrize("c_in, c_out, k, stride, padding, nhw", CASES)
def test_conv_without_input_gradient_returns_none_and_the_same_parameter_gradients(
        c_in, c_out, k, stride, padding, nhw):
    rng = np.random.default_rng(0)
    n, h, w = nhw
    full = Conv2d(c_in, c_out, k, stride, padding, rng=1, dtype=F64)
    first = Conv2d(c_in, c_out, k, stride, padding, rng=1, dtype=F64, needs_input_grad=False)
    x = rng.standard_normal((n, c_in, h, w))
    dout = rng.standard_normal(full(x).shape)
    dx, dW, db = gradients(full, x, dout)
    none, dW_skip, db_skip = gradients(first, x, dout)
    assert dx.shape == x.shape and none is None
    np.testing.assert_allclose(dW_skip, dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(db_skip, db, rtol=1e-12, atol=1e-12)


def test_skipping_does_no_col2im(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("col2im ran for a layer that needs no input gradient")

    monkeypatch.setattr(engine_conv, "col2im_batch_last", refuse)
    layer = Conv2d(2, 3, 3, rng=0, needs_input_grad=False)
    x = np.ones((2, 2, 6, 6), np.float32)
    assert layer.backward(np.ones(layer(x).shape, np.float32)) is None
    layer.needs_input_grad = True                   # the attribute can be switched
    layer(x)
    with pytest.raises(AssertionError, match="col2im ran"):
        layer.backward(np.ones((2, 3, 4, 4), np.float32))


def test_model_whose_first_layer_skips_has_the_same_parameter_gradients():
    rng = np.random.default_rng(0)
    x, labels = rng.standard_normal((3, 1, 32, 32)), rng.integers(0, 10, 3)
    grads = []
    for skip in (False, True):
        model, loss = LeNet5(rng=0, dtype=F64), SoftmaxCrossEntropy()
        model.c1.needs_input_grad = not skip
        loss(model(x), labels)
        dx = model.backward(loss.backward())
        assert (dx is None) == skip
        grads.append({name: p.grad for name, p in model.named_parameters()})
    assert grads[0].keys() == grads[1].keys()
    for name in grads[0]:
        np.testing.assert_allclose(grads[1][name], grads[0][name], rtol=1e-12, atol=1e-12,
                                   err_msg=name)


def test_sequential_stops_at_the_layer_that_returns_none():
    calls = []

    class Spy(Conv2d):
        def backward(self, dout):
            calls.append(self)
            return super().backward(dout)

    before = Spy(1, 1, 1, rng=0)
    net = Sequential(before, Conv2d(1, 2, 3, rng=0, needs_input_grad=False))
    out = net(np.ones((1, 1, 5, 5), np.float32))
    assert net.backward(np.ones_like(out)) is None
    assert calls == []                          # nothing before the skipping layer ran
    assert "needs_input_grad=False" in repr(net)
