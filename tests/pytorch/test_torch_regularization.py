"""dlbook.regularization and the training aids against their PyTorch forms."""

import numpy as np
import pytest
import torch

import torch_training
from dlbook import regularization as R
from dlbook.data import random_flip
from dlbook.nn import Linear
from torch_helpers import close, t


@pytest.mark.parametrize("p", [1, 2])
def test_penalties_and_their_gradients(p, gen):
    weights = [gen.standard_normal((3, 4)), gen.standard_normal(5)]
    weights[0][0, 0] = 0.0                     # the kink of |w|: both give gradient 0
    lam = 0.3
    tensors = [t(w, grad=True) for w in weights]
    torch_penalty = (torch_training.l1_penalty if p == 1 else torch_training.l2_penalty)(tensors, lam)
    close(R.l1_penalty(weights, lam) if p == 1 else R.l2_penalty(weights, lam), torch_penalty)
    torch_penalty.backward()
    grad = R.l1_penalty_grad if p == 1 else R.l2_penalty_grad
    for w, tensor in zip(weights, tensors):
        close(grad(w, lam), tensor.grad)


def test_soft_threshold_is_softshrink(gen):
    w = gen.standard_normal(50) * 0.3
    close(R.soft_threshold(w, 0.1), torch.nn.functional.softshrink(t(w), 0.1))


def test_weight_decay_groups_pick_the_weights():
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    decay, keep = torch_training.weight_decay_groups(model, 0.1)
    assert [p.shape for p in decay["params"]] == [(2, 3)]
    assert len(keep["params"]) == 3 and keep["weight_decay"] == 0.0


def test_early_stopping_loop_stops_where_dlbook_does(gen):
    losses = [1.0, 0.6, 0.5, 0.55, 0.52, 0.7, 0.4]
    model = torch.nn.Linear(1, 1)
    seen = iter(losses)
    weights_at = {}

    def train_step():
        with torch.no_grad():
            model.weight.fill_(len(weights_at) + 1.0)
        weights_at[len(weights_at) + 1] = model.weight.detach().item()

    best_epoch, best = torch_training.fit_with_early_stopping(
        model, train_step, lambda: next(seen), max_epochs=len(losses), patience=3)
    stopper, dl_model = R.EarlyStopping(patience=3), Linear(1, 1, rng=0)
    for epoch, loss in enumerate(losses, start=1):
        if stopper.update(loss, dl_model):
            break
    assert (best_epoch, best) == (stopper.best_epoch, stopper.best) == (3, 0.5)
    assert epoch == len(weights_at) == 6
    assert model.weight.detach().item() == weights_at[3]          # the best weights were put back


def test_random_flip_is_dlbooks(gen):
    x = gen.standard_normal((64, 1, 4, 5))
    ours = random_flip(x, rng=gen, p=0.5)
    theirs = torch_training.random_flip(t(x), torch.Generator().manual_seed(0)).numpy()
    for out in (ours, theirs):
        flipped = np.all(out == x[..., ::-1], axis=(1, 2, 3))
        kept = np.all(out == x, axis=(1, 2, 3))
        assert np.all(flipped ^ kept) and 16 < flipped.sum() < 48


def shifted(image, dy, dx):
    """``image`` (C, H, W) moved down by dy and right by dx, zeros shifted in."""
    out = np.zeros_like(image)
    h, w = image.shape[1:]
    out[:, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[:, max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def test_random_shift_moves_each_image_as_dlbook_does(gen):
    from dlbook.data import random_shift
    x = gen.uniform(0.1, 1.0, (32, 1, 6, 6))
    for out in (random_shift(x, rng=gen, max_shift=2),
                torch_training.random_shift(t(x), torch.Generator().manual_seed(0), 2).numpy()):
        found = set()
        for image, result in zip(x, out):
            matches = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)
                       if np.array_equal(shifted(image, dy, dx), result)]
            assert len(matches) == 1
            found.add(matches[0])
        assert len(found) > 10                      # many different shifts were drawn


def test_gaussian_noise_has_the_same_spread(gen):
    from dlbook.data import gaussian_noise
    batch, std = np.full((50, 1, 20, 20), 0.5), 0.1
    ours = gaussian_noise(batch, rng=gen, std=std)
    torch.manual_seed(0)
    theirs = (t(batch) + std * torch.randn_like(t(batch))).clamp(0, 1).numpy()
    for noisy in (ours, theirs):              # 20,000 draws: within 2 % of sigma
        assert noisy.min() >= 0 and noisy.max() <= 1
        assert abs(noisy.mean() - 0.5) < 0.002 and abs(noisy.std() - std) < 0.002
