"""LeNet-5, AlexNet and GoogLeNet: dlbook and the PyTorch twins of docs/pytorch/torch_models.py.

Same weights (moved by dlbook.interop) -> the same logits, the same gradient with
respect to the input, the same gradient of every parameter, and the same weights
after a few optimiser steps.  float64, batch 2 (AlexNet 1: its 58 million
fully connected weights dominate the time), at the input sizes the architectures
require (32, 227, 224).  Dropout is set to p = 0 on both sides so that training mode
(GoogLeNet's auxiliary heads) is deterministic; dropout itself is compared with one
mask in test_torch_layers.py.  Tolerances are 1e-10 to 1e-9 rather than the layers'
1e-12: each logit sums millions of products, which the two libraries add in a
different order, and the rounding differences grow through 8 to 22 layers.
"""

import numpy as np
import pytest
import torch

import torch_models
import torch_training
from dlbook import optim
from dlbook.interop import torch_name
from dlbook.models import AlexNet, GoogLeNet, GoogLeNetLoss, LeNet5
from dlbook.nn import Dropout, SoftmaxCrossEntropy
from torch_helpers import close, t

F64 = np.float64


def no_dropout(dl_model, torch_model):
    for m in dl_model.modules():
        if isinstance(m, Dropout):
            m.p = 0.0
    for m in torch_model.modules():
        if isinstance(m, torch.nn.Dropout):
            m.p = 0.0


def dlbook_step(model, loss_fn, optimizer, x, labels):
    """dlbook's training step, the one the pages show (loss, backward, step)."""
    optimizer.zero_grad()
    out = model(x)
    if isinstance(loss_fn, GoogLeNetLoss):
        loss, grad = loss_fn(out, labels)
    else:
        loss = loss_fn(out, labels)
        grad = loss_fn.backward()
    model.backward(grad)
    optimizer.step()
    return float(loss)


def compare_models(dl_model, torch_model, x, labels, loss_fn, torch_loss, rtol, steps):
    torch_model = torch_models.load_dlbook_weights(torch_model.double(), dl_model)
    no_dropout(dl_model, torch_model)
    # one forward/backward: logits, input gradient, every parameter gradient
    xt = t(x, grad=True)
    out_t = torch_model(xt)
    out = dl_model(x)
    for ours, theirs in zip(out if isinstance(out, tuple) else (out,),
                            out_t if isinstance(out_t, tuple) else (out_t,)):
        close(ours, theirs, rtol=rtol, atol=1e-13)
    if isinstance(loss_fn, GoogLeNetLoss):
        _, grad = loss_fn(out, labels)
    else:
        loss_fn(out, labels)
        grad = loss_fn.backward()
    torch_loss(out_t, t(labels)).backward()
    close(dl_model.backward(grad), xt.grad, rtol=rtol, atol=1e-13)
    torch_params = dict(torch_model.named_parameters())
    assert len(torch_params) == len(dl_model.parameters())
    for name, p in dl_model.named_parameters():
        close(p.grad, torch_params[torch_name(name)].grad, rtol=rtol, atol=1e-13)
    # a few optimiser steps
    ours = optim.Momentum(dl_model.parameters(), lr=0.01, momentum=0.9)
    theirs = torch_training.torch_optimizer("Momentum", torch_model.parameters(), lr=0.01)
    for _ in range(steps):
        loss = dlbook_step(dl_model, loss_fn, ours, x, labels)
        loss_t = torch_training.training_step(torch_model, torch_loss, theirs, t(x), t(labels))
        assert loss == pytest.approx(loss_t, rel=rtol)
    for name, p in dl_model.named_parameters():
        close(p.data, torch_params[torch_name(name)], rtol=rtol, atol=1e-13)


def test_lenet5(gen):
    x, labels = gen.standard_normal((2, 1, 32, 32)), gen.integers(0, 10, 2)
    compare_models(LeNet5(rng=gen, dtype=F64), torch_models.lenet5(), x, labels,
                   SoftmaxCrossEntropy(), torch.nn.functional.cross_entropy,
                   rtol=1e-10, steps=3)


def test_alexnet(gen):
    x, labels = gen.standard_normal((1, 3, 227, 227)), gen.integers(0, 10, 1)
    compare_models(AlexNet(num_classes=10, rng=gen, dtype=F64), torch_models.alexnet(10), x,
                   labels, SoftmaxCrossEntropy(), torch.nn.functional.cross_entropy,
                   rtol=1e-9, steps=2)


def test_googlenet_with_both_auxiliary_heads(gen):
    model = GoogLeNet(num_classes=10, rng=gen, dtype=F64)
    x, labels = gen.standard_normal((2, 3, 224, 224)), gen.integers(0, 10, 2)
    compare_models(model, torch_models.GoogLeNet(10), x, labels, GoogLeNetLoss(),
                   torch_models.googlenet_loss, rtol=1e-9, steps=2)
    model.eval()
    twin = torch_models.load_dlbook_weights(torch_models.GoogLeNet(10).double(), model).eval()
    close(model(x), twin(t(x)), rtol=1e-9, atol=1e-13)


def test_same_parameter_counts():
    for dl_model, twin in ((LeNet5(rng=0), torch_models.lenet5()),
                           (AlexNet(rng=0), torch_models.alexnet()),
                           (GoogLeNet(rng=0), torch_models.GoogLeNet())):
        assert dl_model.num_parameters() == sum(p.numel() for p in twin.parameters())
