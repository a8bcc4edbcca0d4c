"""Lp norms and penalties (notes eqs. (24)-(27)), weight decay, and the notes' snippet."""

import numpy as np
import pytest

from dlbook.gradcheck import numerical_gradient, relative_error
from dlbook.nn import Linear, ReLU, Sequential, SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.regularization import (
    WeightDecay,
    decayed_parameters,
    l1_penalty,
    l1_penalty_grad,
    l2_penalty,
    l2_penalty_grad,
    lp_norm,
    lp_penalty,
    lp_penalty_grad,
    soft_threshold,
)
from dlbook.train import fit


def test_lp_norm_matches_eqs_25_to_27():
    w = np.array([3.0, -4.0])
    assert lp_norm(w, 1) == 7.0          # eq. (26): |x| + |y|
    assert lp_norm(w, 2) == 5.0          # eq. (27): sqrt(x^2 + y^2)
    assert lp_norm(w, 3) == pytest.approx((27 + 64) ** (1 / 3))
    assert lp_norm(np.ones((2, 2)), 2) == 2.0       # treated as one flat vector


@pytest.mark.parametrize("p", [1, 1.5, 2, 3])
def test_lp_norm_agrees_with_numpy(rng, p):
    w = rng.standard_normal(20)
    assert lp_norm(w, p) == pytest.approx(np.linalg.norm(w, ord=p))


def test_penalty_is_lambda_over_p_times_norm_to_the_p():
    """Correction to eq. (24): the penalty is (λ/p)·||w||_p^p, not (λ/p)·||w||_p."""
    w = np.array([3.0, -4.0])
    lam = 0.1
    assert lp_penalty(w, lam, 2) == pytest.approx(lam / 2 * lp_norm(w, 2) ** 2)   # 1.25
    assert lp_penalty(w, lam, 2) != pytest.approx(lam / 2 * lp_norm(w, 2))       # 0.25
    assert l1_penalty(w, lam) == pytest.approx(lam * 7.0)
    assert l2_penalty(w, lam) == pytest.approx(lam / 2 * 25.0)


def test_l2_gradient_is_lambda_w_as_in_the_notes_code(rng):
    """The notes' code adds λW to dW: that is the gradient of (λ/2)||W||², not of (λ/2)||W||."""
    w = rng.standard_normal((3, 4))
    lam = 0.3
    numeric_squared = numerical_gradient(lambda: l2_penalty(w, lam), w)
    assert relative_error(l2_penalty_grad(w, lam), numeric_squared) < 1e-8
    assert np.allclose(l2_penalty_grad(w, lam), lam * w)
    # the unsquared norm of eq. (24) as printed has gradient (λ/2)·w/||w||: different
    numeric_unsquared = numerical_gradient(lambda: lam / 2 * lp_norm(w, 2), w)
    assert np.allclose(numeric_unsquared, lam / 2 * w / np.linalg.norm(w), atol=1e-7)
    assert not np.allclose(numeric_unsquared, lam * w, atol=1e-3)


@pytest.mark.parametrize("p", [1, 1.5, 2, 3])
def test_penalty_gradient_matches_numerical(rng, p):
    w = rng.standard_normal((4, 5))
    w[np.abs(w) < 0.05] = 0.5            # stay away from the kink of |w| at 0
    numeric = numerical_gradient(lambda: lp_penalty(w, 0.7, p), w)
    assert relative_error(lp_penalty_grad(w, 0.7, p), numeric) < 1e-7


def test_penalty_of_several_arrays_adds_up(rng):
    a, b = rng.standard_normal(3), rng.standard_normal((2, 2))
    assert lp_penalty([a, b], 0.2, 2) == pytest.approx(lp_penalty(a, 0.2, 2) + lp_penalty(b, 0.2, 2))


def test_l1_subgradient_is_zero_at_zero_and_keeps_dtype():
    g = l1_penalty_grad(np.array([-2.0, 0.0, 1e-9], np.float32), 0.5)
    assert g.dtype == np.float32
    assert g.tolist() == [-0.5, 0.0, 0.5]
    assert l2_penalty_grad(np.ones(2, np.float32), 0.5).dtype == np.float32


def test_soft_threshold_gives_exact_zeros_and_is_the_l1_prox(rng):
    w = rng.standard_normal(50)
    t = 0.4
    v = soft_threshold(w, t)
    assert np.all(v[np.abs(w) <= t] == 0)
    assert np.allclose(np.abs(v[np.abs(w) > t]), np.abs(w[np.abs(w) > t]) - t)
    # prox property: v minimises 0.5||v - w||^2 + t||v||_1 (check against perturbations)
    def objective(u):
        return 0.5 * np.sum((u - w) ** 2) + t * np.sum(np.abs(u))
    for _ in range(20):
        assert objective(v) <= objective(v + 0.01 * rng.standard_normal(50)) + 1e-12


@pytest.mark.parametrize("bad, err", [
    (dict(w=[1.0, 2.0], p=2), TypeError),
    (dict(w=np.array([1, 2]), p=2), TypeError),
    (dict(w=np.array([1.0, np.nan]), p=2), ValueError),
    (dict(w=np.array([1.0]), p=0.5), ValueError),
    (dict(w=np.array([1.0]), p="2"), TypeError),
])
def test_lp_norm_rejects_bad_input(bad, err):
    with pytest.raises(err):
        lp_norm(**bad)


def test_penalty_rejects_bad_arguments():
    with pytest.raises(ValueError, match="lam"):
        lp_penalty(np.ones(2), -0.1, 2)
    with pytest.raises(ValueError, match="empty"):
        lp_penalty([], 0.1, 2)
    with pytest.raises(TypeError, match=r"weights\[1\]"):
        lp_penalty([np.ones(2), [1.0]], 0.1, 2)
    with pytest.raises(ValueError, match="threshold"):
        soft_threshold(np.ones(2), -1.0)


def _net():
    return Sequential(Linear(4, 3, rng=0, dtype=np.float64), ReLU(),
                      Linear(3, 2, rng=1, dtype=np.float64))


def test_weight_decay_penalises_weights_not_biases():
    net = _net()
    for p in net.parameters():
        p.grad = np.zeros_like(p.data)
    penalty = WeightDecay(0.5)(net)
    assert penalty == pytest.approx(0.25 * sum(np.sum(p.data ** 2) for _, p in decayed_parameters(net)))
    assert np.allclose(net[0].W.grad, 0.5 * net[0].W.data)
    assert np.allclose(net[2].W.grad, 0.5 * net[2].W.data)
    assert np.all(net[0].b.grad == 0) and np.all(net[2].b.grad == 0)


def test_weight_decay_l1_adds_sign():
    net = _net()
    WeightDecay(0.1, p=1)(net)
    assert np.allclose(net[0].W.grad, 0.1 * np.sign(net[0].W.data))
    assert net[0].b.grad is None


def test_weight_decay_rejects_bad_arguments():
    with pytest.raises(ValueError, match="'p'"):
        WeightDecay(0.1, p=3)
    with pytest.raises(ValueError, match="lam"):
        WeightDecay(-1.0)
    with pytest.raises(TypeError, match="names"):
        WeightDecay(0.1, names="W")
    with pytest.raises(ValueError, match="no parameter named"):
        WeightDecay(0.1, names=("gamma",))(_net())


def test_fit_with_regularizer_reports_penalty_and_shrinks_weights(rng):
    X = rng.standard_normal((64, 4))
    y = (X[:, 0] > 0).astype(np.int64)
    norms, losses = {}, {}
    for lam in (0.0, 0.1):
        net = _net()
        h = fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.1), X, y, epochs=30,
                rng=0, regularizer=WeightDecay(lam))
        norms[lam] = sum(np.sum(p.data ** 2) for _, p in decayed_parameters(net))
        losses[lam] = h.train_loss[-1]
    assert norms[0.1] < 0.75 * norms[0.0]
    # the reported loss includes the penalty
    net = _net()
    before = WeightDecay(0.1)(net)
    h = fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=1e-12), X, y, epochs=1,
            batch_size=64, rng=0, regularizer=WeightDecay(0.1))
    from dlbook.train import evaluate
    assert h.train_loss[0] == pytest.approx(evaluate(net, SoftmaxCrossEntropy(), X, y)[0] + before,
                                            rel=1e-6)


# -- the notes' weight-decay snippet ----------------------------------------------------

def notes_snippet_update(model, lam, lr, as_printed):
    """The notes' L2 update, run against a dlbook network (``affine[idx]`` is its idx-th Linear).

    ``as_printed=True`` keeps the notes' indentation: the bias update sits after the
    loop, so it only runs once, for the last ``idx`` of the loop.
    """
    affine = {i + 1: m for i, m in enumerate(m for m in model if isinstance(m, Linear))}
    for idx in range(1, len(affine) + 1):
        grad_w = affine[idx].W.grad + lam * affine[idx].W.data
        affine[idx].W.data -= lr * grad_w
        if not as_printed:
            affine[idx].b.data -= lr * affine[idx].b.grad
    if as_printed:
        affine[idx].b.data -= lr * affine[idx].b.grad


def _one_step(as_printed):
    rng = np.random.default_rng(0)
    net = Sequential(Linear(4, 5, rng=0, dtype=np.float64), ReLU(),
                     Linear(5, 5, rng=1, dtype=np.float64), ReLU(),
                     Linear(5, 3, rng=2, dtype=np.float64))
    before = [m.b.data.copy() for m in net if isinstance(m, Linear)]
    loss_fn = SoftmaxCrossEntropy()
    loss_fn(net(rng.standard_normal((8, 4))), rng.integers(0, 3, 8))
    net.backward(loss_fn.backward())
    notes_snippet_update(net, lam=0.1, lr=0.5, as_printed=as_printed)
    return [not np.allclose(b, m.b.data) for b, m in
            zip(before, [m for m in net if isinstance(m, Linear)])]


def test_notes_snippet_as_printed_trains_only_the_last_bias():
    """Correction: the bias update is outside the loop in the notes, so only one bias moves."""
    assert _one_step(as_printed=True) == [False, False, True]


def test_notes_snippet_corrected_trains_every_bias():
    assert _one_step(as_printed=False) == [True, True, True]


def test_weight_decay_equals_the_corrected_snippet(rng):
    """WeightDecay + SGD does exactly the corrected snippet's update."""
    X, y = rng.standard_normal((8, 4)), rng.integers(0, 2, 8)
    nets = [_net(), _net()]
    loss_fn = SoftmaxCrossEntropy()
    for net in nets:
        loss_fn(net(X), y)
        net.backward(loss_fn.backward())
    notes_snippet_update(nets[0], lam=0.1, lr=0.5, as_printed=False)
    WeightDecay(0.1)(nets[1])
    SGD(nets[1].parameters(), lr=0.5).step()
    for (_, a), (_, b) in zip(nets[0].named_parameters(), nets[1].named_parameters()):
        assert np.allclose(a.data, b.data)


def test_large_weights_alone_do_not_mean_overfitting():
    """Clarification (notes 1.3): rescaling a ReLU layer by 100 and the next by 1/100 makes the
    weights 100x larger but leaves the function, hence train and test error, unchanged."""
    from dlbook.data import load_digits
    from dlbook.train import evaluate

    X, y, Xt, yt = load_digits(image_size=8, flatten=True)
    X, Xt = X.astype(np.float64), Xt.astype(np.float64)
    net = Sequential(Linear(64, 32, rng=0, dtype=np.float64), ReLU(),
                     Linear(32, 10, rng=1, dtype=np.float64))
    fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.1), X[:200], y[:200],
        epochs=20, rng=0)
    before = [evaluate(net, SoftmaxCrossEntropy(), *data) for data in ((X[:200], y[:200]), (Xt, yt))]
    norm_before = np.abs(net[0].W.data).max()
    net[0].W.data *= 100.0
    net[0].b.data *= 100.0
    net[2].W.data /= 100.0
    after = [evaluate(net, SoftmaxCrossEntropy(), *data) for data in ((X[:200], y[:200]), (Xt, yt))]
    assert np.abs(net[0].W.data).max() == pytest.approx(100 * norm_before)
    assert np.allclose(before, after)
