"""Training in PyTorch as dlbook trains: optimisers, initialisers, aids.

Shown by the "In PyTorch" sections of the Part 1 pages; run against dlbook
by tests/pytorch/test_torch_optim.py, test_torch_init.py,
test_torch_regularization.py and test_torch_training.py.
"""

import copy
import math

import torch
from torch import nn


# -- optimisers (docs/part1/optimizers.md ... adam.md) -----------------------
def torch_optimizer(name, params, lr):
    """The PyTorch optimiser that steps as ``dlbook.optim.<name>`` does.

    Every other hyper-parameter is dlbook's default; AdaGrad's ``eps`` must
    be given, because PyTorch's default is 1e-10.
    """
    if name == "SGD":
        return torch.optim.SGD(params, lr=lr)
    if name == "Momentum":
        return torch.optim.SGD(params, lr=lr, momentum=0.9)
    if name == "AdaGrad":
        return torch.optim.Adagrad(params, lr=lr, eps=1e-8)
    if name == "RMSProp":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    if name == "Adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    raise ValueError(f"no PyTorch twin for {name!r}")


def training_step(model, loss_fn, optimizer, x, labels):
    """One step: dlbook's forward, backward and ``step()`` in PyTorch."""
    optimizer.zero_grad()          # every .grad to None, as in dlbook
    loss = loss_fn(model(x), labels)
    loss.backward()                # autograd fills every .grad
    optimizer.step()
    return loss.item()


def gradient_norms(model, x, labels):
    """||dL/dW|| of each weight: ``dlbook.diagnostics.gradient_norms``."""
    model.zero_grad()
    nn.functional.cross_entropy(model(x), labels).backward()
    return {name: p.grad.norm().item()
            for name, p in model.named_parameters()
            if name.endswith("weight")}


def evaluate(model, x, labels):
    """Mean loss and accuracy in eval mode, as ``dlbook.train.evaluate``."""
    was_training = model.training
    model.eval()
    with torch.no_grad():          # no graph: nothing will be differentiated
        logits = model(x)
    loss = nn.functional.cross_entropy(logits, labels).item()
    accuracy = (logits.argmax(dim=1) == labels).double().mean().item()
    model.train(was_training)
    return loss, accuracy


def momentum_velocity(buffer, lr):
    """dlbook's velocity v from PyTorch's momentum buffer b (constant lr)."""
    return lr * buffer


# -- initialisers (docs/part1/initialization.md) -----------------------------
def initializers():
    """dlbook.init's initialisers as in-place ``torch.nn.init`` calls."""
    init = nn.init
    return {
        "he_normal": lambda w: init.kaiming_normal_(
            w, mode="fan_in", nonlinearity="relu"),
        "he_uniform": lambda w: init.kaiming_uniform_(
            w, mode="fan_in", nonlinearity="relu"),
        "xavier_normal": lambda w: init.xavier_normal_(w),
        "xavier_uniform": lambda w: init.xavier_uniform_(w),
        "xavier_simple": lambda w: init.kaiming_normal_(
            w, nonlinearity="linear"),           # std 1/sqrt(fan_in)
        "zeros": lambda w: init.zeros_(w),
    }


def init_like_dlbook(model):
    """Re-initialise ``model`` as dlbook's layers start: He, zero bias."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model


# -- regularisation (docs/part1/regularization.md) ---------------------------
def l2_penalty(weights, lam):
    """(lam / 2) * sum of w**2 over all weights: dlbook's ``l2_penalty``."""
    return lam / 2 * sum((w ** 2).sum() for w in weights)


def l1_penalty(weights, lam):
    """lam * sum of |w|: dlbook's ``l1_penalty``; gradient lam * sign(w)."""
    return lam * sum(w.abs().sum() for w in weights)


def weight_decay_groups(model, lam):
    """Parameter groups that decay the weights only, as ``WeightDecay(lam)``.

    ``weight_decay`` applies to every parameter of its group; dlbook's
    ``WeightDecay`` decays the ``W`` of each layer, not biases, gamma, beta.
    """
    decay, keep = [], []
    for name, p in model.named_parameters():
        is_weight = name.endswith("weight") and p.ndim > 1   # not a gamma
        (decay if is_weight else keep).append(p)
    return [{"params": decay, "weight_decay": lam},
            {"params": keep, "weight_decay": 0.0}]


# -- early stopping (docs/part1/early-stopping.md) ---------------------------
def fit_with_early_stopping(model, train_step, val_loss, max_epochs,
                            patience):
    """Train until the validation loss has not improved for ``patience``.

    ``dlbook.regularization.EarlyStopping(patience)`` written out
    (min_delta=0, restore_best=True); PyTorch has none of its own.
    """
    best, best_epoch, best_state = math.inf, 0, None
    for epoch in range(1, max_epochs + 1):
        train_step()
        loss = val_loss()
        if loss < best:
            best, best_epoch = loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= patience:
            break
    model.load_state_dict(best_state)
    return best_epoch, best


# -- augmentation (docs/part1/augmentation.md) -------------------------------
def random_flip(batch, generator, p=0.5):
    """Mirror each image of (N, C, H, W) left-right with probability p."""
    flip = torch.rand(len(batch), generator=generator) < p
    return torch.where(flip[:, None, None, None], batch.flip(-1), batch)


def random_shift(batch, generator, max_shift=2):
    """Shift each image by up to ``max_shift`` pixels, zeros shifted in."""
    n, _, h, w = batch.shape
    m = max_shift
    padded = nn.functional.pad(batch, (m, m, m, m))
    shifts = torch.randint(-m, m + 1, (n, 2), generator=generator)
    out = torch.empty_like(batch)
    for i, (dy, dx) in enumerate(shifts.tolist()):
        top, left = m - dy, m - dx
        out[i] = padded[i, :, top:top + h, left:left + w]
    return out
