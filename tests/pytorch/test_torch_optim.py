"""dlbook's optimisers against PyTorch's over several steps, with and without weight decay.

Each run starts both from the same weights and feeds both the same gradients, which
depend on the current weights (a quadratic bowl), so a difference in any step would
carry into the next.  Adam's tolerance is 1e-11 rather than 1e-12: PyTorch divides
by the bias corrections in another order (lr / (1 - beta1^t) times m, over
sqrt(h) / sqrt(1 - beta2^t) + eps), which changes the last bits.
"""

import numpy as np
import pytest
import torch

import torch_training
from dlbook import optim
from dlbook.nn import Linear, Parameter
from dlbook.regularization import WeightDecay
from torch_helpers import close, t

NAMES = ["SGD", "Momentum", "AdaGrad", "RMSProp", "Adam"]


def bowl_grad(w, A):
    """Gradient of 0.5 * w^T A w (A symmetric positive definite), applied row by row."""
    return w @ A


def run_both(name, gen, steps=8, lr=0.05):
    A = np.diag(gen.uniform(0.5, 5.0, 4))
    w0 = gen.standard_normal((3, 4))
    w = Parameter(w0.copy())
    ours = getattr(optim, name)([w], lr=lr)
    wt = t(w0, grad=True)
    theirs = torch_training.torch_optimizer(name, [wt], lr=lr)
    for _ in range(steps):
        w.grad = bowl_grad(w.data, A)
        ours.step()
        wt.grad = t(bowl_grad(wt.detach().numpy(), A))
        theirs.step()
        close(w.data, wt, rtol=1e-11, atol=1e-13)
    return ours, theirs, wt


TORCH_STATE = {"SGD": {"momentum_buffer"}, "Momentum": {"momentum_buffer"},
               "AdaGrad": {"step", "sum"}, "RMSProp": {"step", "square_avg"},
               "Adam": {"step", "exp_avg", "exp_avg_sq"}}
OURS_STATE = {"SGD": set(), "Momentum": {"v"}, "AdaGrad": {"h"}, "RMSProp": {"h"},
              "Adam": {"m", "h"}}


@pytest.mark.parametrize("name", NAMES)
def test_optimizers_take_the_same_steps(name, gen):
    ours, theirs, wt = run_both(name, gen)
    assert set(ours.state[0]) == OURS_STATE[name]
    assert set(theirs.state[wt]) <= TORCH_STATE[name] and (
        name == "SGD" or set(theirs.state[wt]) == TORCH_STATE[name])


def test_zero_grad_sets_none_in_both(gen):
    w, wt = Parameter(np.zeros(2)), t(np.zeros(2), grad=True)
    w.grad, wt.grad = np.ones(2), t(np.ones(2))
    optim.SGD([w]).zero_grad()
    torch.optim.SGD([wt]).zero_grad()
    assert w.grad is None and wt.grad is None


def test_variants_dlbook_does_not_offer_are_off_by_default():
    p = [t(np.zeros(1), grad=True)]
    assert torch.optim.Adagrad(p).defaults["initial_accumulator_value"] == 0
    assert torch.optim.Adagrad(p).defaults["lr_decay"] == 0
    rms = torch.optim.RMSprop(p).defaults
    assert rms["centered"] is False and rms["momentum"] == 0
    assert torch.optim.Adam(p).defaults["amsgrad"] is False
    sgd = torch.optim.SGD(p, momentum=0.9).defaults
    assert sgd["dampening"] == 0 and sgd["nesterov"] is False


def test_momentum_velocity_is_lr_times_torchs_buffer(gen):
    ours, theirs, wt = run_both("Momentum", gen, lr=0.05)
    buffer = theirs.state[wt]["momentum_buffer"]
    close(ours.state[0]["v"], torch_training.momentum_velocity(buffer, 0.05))


def test_momentum_differs_from_torch_when_lr_changes(gen):
    w0, g = gen.standard_normal(5), gen.standard_normal(5)
    w = Parameter(w0.copy())
    ours = optim.Momentum([w], lr=0.1, momentum=0.9)
    wt = t(w0, grad=True)
    theirs = torch.optim.SGD([wt], lr=0.1, momentum=0.9)
    for lr in (0.1, 0.01):                  # the second step with a tenth of the lr
        ours.lr = lr
        theirs.param_groups[0]["lr"] = lr
        w.grad, wt.grad = g.copy(), t(g)
        ours.step()
        theirs.step()
    # dlbook: v2 = 0.9 * 0.1 g + 0.01 g; PyTorch: 0.01 * (0.9 g + g) rescales the old part too
    close(w0 - w.data, (0.1 + 0.9 * 0.1 + 0.01) * g)
    close(w0 - wt.detach().numpy(), (0.1 + 0.01 * 1.9) * g)


def test_adagrad_default_eps_differs(gen):
    assert optim.AdaGrad([Parameter(np.zeros(1))]).eps == 1e-8
    assert torch.optim.Adagrad([t(np.zeros(1), grad=True)]).defaults["eps"] == 1e-10


TORCH_DEFAULTS = {   # dlbook name: (PyTorch class, the hyper-parameters to compare)
    "SGD": (torch.optim.SGD, {}),
    "Momentum": (torch.optim.SGD, {}),
    "AdaGrad": (torch.optim.Adagrad, {"lr": "lr"}),
    "RMSProp": (torch.optim.RMSprop, {"lr": "lr", "alpha": "alpha", "eps": "eps"}),
    "Adam": (torch.optim.Adam, {"lr": "lr", "betas": "betas", "eps": "eps"}),
}


@pytest.mark.parametrize("name", NAMES)
def test_defaults_agree_except_sgd_lr_adagrad_eps_and_momentum(name):
    ours = getattr(optim, name)([Parameter(np.zeros(1))])
    torch_cls, keys = TORCH_DEFAULTS[name]
    theirs = torch_cls([t(np.zeros(1), grad=True)]).defaults
    for ours_key, torch_key in keys.items():
        assert getattr(ours, ours_key) == theirs[torch_key]
    if name in ("SGD", "Momentum"):     # PyTorch's SGD: lr=0.001 and momentum=0 by default
        assert ours.lr == 0.01 and theirs["lr"] == 0.001 and theirs["momentum"] == 0
    if name == "Momentum":
        assert ours.momentum == 0.9


def net_and_twin(gen):
    fc = Linear(4, 3, rng=gen, dtype=np.float64)
    fc.b.data = gen.standard_normal(3)
    twin = torch.nn.Linear(4, 3)
    with torch.no_grad():
        twin.weight.copy_(t(fc.W.data))
        twin.bias.copy_(t(fc.b.data))
    return fc, twin


@pytest.mark.parametrize("name", NAMES)
def test_weight_decay_on_the_weights_only(name, gen):
    """dlbook's WeightDecay(lam) + optimiser == PyTorch's weight_decay=lam on 'weight' only."""
    lam, lr = 0.1, 0.05
    fc, twin = net_and_twin(gen)
    decay = WeightDecay(lam)
    ours = getattr(optim, name)(fc.parameters(), lr=lr)
    groups = torch_training.weight_decay_groups(twin, lam)
    theirs = torch_training.torch_optimizer(name, groups, lr=lr)
    for _ in range(5):
        x = gen.standard_normal((6, 4))
        ours.zero_grad()
        out = fc(x)
        fc.backward(out)                        # loss 0.5 * sum(out**2)
        decay(fc)
        ours.step()
        theirs.zero_grad()
        (0.5 * (twin(t(x)) ** 2).sum()).backward()
        theirs.step()
        close(fc.W.data, twin.weight, rtol=1e-11)
        close(fc.b.data, twin.bias, rtol=1e-11)


def test_adamw_is_not_adam_with_l2(gen):
    """AdamW decays the weights outside the adaptive step: w <- w (1 - lr lam), then Adam."""
    lam, lr = 0.1, 0.05
    fc, twin = net_and_twin(gen)
    w0 = fc.W.data.copy()
    ours = optim.Adam([fc.W], lr=lr)
    adamw = torch.optim.AdamW([twin.weight], lr=lr, weight_decay=lam)
    x = gen.standard_normal((6, 4))
    fc.backward(fc(x))
    (0.5 * (twin(t(x)) ** 2).sum()).backward()
    fc.W.data *= 1 - lr * lam                   # the decoupled decay, by hand
    ours.step()
    adamw.step()
    close(fc.W.data, twin.weight, rtol=1e-11)
    # Adam with the L2 gradient instead: the first step is lr * sign(.) per element
    w = Parameter(w0.copy())
    coupled = optim.Adam([w], lr=lr)
    w.grad = fc.W.grad + lam * w0
    coupled.step()
    assert not np.allclose(w.data, fc.W.data, rtol=1e-6, atol=0)
