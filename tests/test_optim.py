"""Optimisers of notes 1.2 (eqs. (13)-(23)), checked against independent references.

The reference functions below are written from the primary sources, in their own
notation, as plain loops over a list of arrays; they share no code with dlbook.optim.
The notes' formulas *as printed* are also written out (``notes_*``) to show where
they differ from the corrected ones.
"""

import numpy as np
import pytest

from dlbook.data import load_digits
from dlbook.models import MLP
from dlbook.nn import Parameter, SoftmaxCrossEntropy
from dlbook.optim import SGD, AdaGrad, Adam, Momentum, Optimizer, RMSProp, trajectory
from dlbook.train import fit

SHAPES = [(3,), (2, 4), (2, 1, 3, 3)]
STEPS = 7


# --- independent references (primary-source notation) --------------------------------

def ref_sgd(ws, grads, lr):
    return [w - lr * g for w, g in zip(ws, grads)], None


def ref_momentum_sutskever(ws, grads, lr, mu, state):
    """Sutskever et al. (2013) eq. (1)-(2): v = mu v - lr g; w = w + v (opposite sign of v)."""
    new_vs = [mu * v - lr * g for v, g in zip(state, grads)]
    return [w + v for w, v in zip(ws, new_vs)], new_vs


def ref_momentum_torch(ws, grads, lr, mu, state):
    """torch.optim.SGD(momentum=mu, dampening=0): b = mu b + g; w = w - lr b."""
    new_bufs = [mu * b + g for b, g in zip(state, grads)]
    return [w - lr * b for w, b in zip(ws, new_bufs)], new_bufs


def ref_adagrad(ws, grads, lr, delta, state):
    """Duchi et al. (2011), diagonal form: G += g^2; w -= lr g / (delta + sqrt(G))."""
    new = []
    new_sums = []
    for w, g, s in zip(ws, grads, state):
        s = s + g ** 2
        new.append(w - lr * g / (delta + np.sqrt(s)))
        new_sums.append(s)
    return new, new_sums


def ref_rmsprop(ws, grads, lr, decay, eps, state):
    """Tieleman & Hinton (2012): MeanSquare = decay MS + (1-decay) g^2; divide by its root."""
    new, new_ms = [], []
    for w, g, ms in zip(ws, grads, state):
        ms = decay * ms + (1 - decay) * g ** 2
        new.append(w - lr * g / (np.sqrt(ms) + eps))
        new_ms.append(ms)
    return new, new_ms


def ref_adam(ws, grads, alpha, beta1, beta2, eps, moments, t):
    """Kingma & Ba (2015), Algorithm 1, with t = 1 on the first step."""
    new, new_moments = [], []
    for w, g, (m, v) in zip(ws, grads, moments):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        new.append(w - alpha * m_hat / (np.sqrt(v_hat) + eps))
        new_moments.append((m, v))
    return new, new_moments


# --- the notes' formulas as printed --------------------------------------------------

def notes_momentum_steps(g, lr, mu, steps):
    """Notes eqs. (13)-(14): v = lr g - mu v; w = w - v.  Returns the step sizes v."""
    v, out = 0.0, []
    for _ in range(steps):
        v = lr * g - mu * v
        out.append(v)
    return np.array(out)


def notes_adam_first_step(g, lr, beta1=0.9, beta2=0.999):
    """Notes eq. (23): w - lr / sqrt(h_hat + lr) * m_hat (lr doubling as epsilon)."""
    m_hat = (1 - beta1) * g / (1 - beta1)
    h_hat = (1 - beta2) * g * g / (1 - beta2)
    return lr / np.sqrt(h_hat + lr) * m_hat


# --- helpers -------------------------------------------------------------------------

def make_problem(seed=0):
    """Start weights of several shapes and a gradient that depends on the weights."""
    rng = np.random.default_rng(seed)
    start = [rng.normal(size=s) for s in SHAPES]
    scales = [rng.uniform(0.1, 5.0, size=s) for s in SHAPES]
    noise = [[rng.normal(scale=0.3, size=s) for s in SHAPES] for _ in range(STEPS)]

    def gradient(ws, step):
        return [c * w + n for w, c, n in zip(ws, scales, noise[step])]

    return start, gradient


def run_dlbook(opt_cls, start, gradient, steps=STEPS, **kwargs):
    params = [Parameter(w.copy()) for w in start]
    opt = opt_cls(params, **kwargs)
    for step in range(steps):
        for p, g in zip(params, gradient([p.data for p in params], step)):
            p.grad = g
        opt.step()
    return [p.data for p in params], opt


def run_reference(step_fn, start, gradient, state, steps=STEPS, **kwargs):
    """Run a reference step function; ``state`` is its own state (None for SGD)."""
    ws = [w.copy() for w in start]
    for step in range(steps):
        grads = gradient(ws, step)
        if step_fn is ref_sgd:
            ws, _ = step_fn(ws, grads, **kwargs)
        elif step_fn is ref_adam:
            ws, state = step_fn(ws, grads, moments=state, t=step + 1, **kwargs)
        else:
            ws, state = step_fn(ws, grads, state=state, **kwargs)
    return ws


def zeros_like_all(arrays):
    return [np.zeros_like(a) for a in arrays]


def assert_all_close(got, expected):
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-12, atol=1e-14)


# --- multi-step trajectories against the references ----------------------------------

def test_sgd_trajectory_matches_reference():
    start, gradient = make_problem()
    got, _ = run_dlbook(SGD, start, gradient, lr=0.05)
    assert_all_close(got, run_reference(ref_sgd, start, gradient, None, lr=0.05))


@pytest.mark.parametrize("mu", [0.0, 0.5, 0.9])
def test_momentum_matches_sutskever(mu):
    start, gradient = make_problem(1)
    got, _ = run_dlbook(Momentum, start, gradient, lr=0.05, momentum=mu)
    expected = run_reference(ref_momentum_sutskever, start, gradient, zeros_like_all(start),
                             lr=0.05, mu=mu)
    assert_all_close(got, expected)


def test_momentum_equals_pytorch_convention():
    start, gradient = make_problem(2)
    got, opt = run_dlbook(Momentum, start, gradient, lr=0.05, momentum=0.9)
    expected = run_reference(ref_momentum_torch, start, gradient, zeros_like_all(start),
                             lr=0.05, mu=0.9)
    assert_all_close(got, expected)


@pytest.mark.parametrize("eps", [1e-8, 1e-10, 0.5])
def test_adagrad_matches_duchi(eps):
    start, gradient = make_problem(3)
    got, _ = run_dlbook(AdaGrad, start, gradient, lr=0.1, eps=eps)
    expected = run_reference(ref_adagrad, start, gradient, zeros_like_all(start),
                             lr=0.1, delta=eps)
    assert_all_close(got, expected)


@pytest.mark.parametrize("alpha", [0.0, 0.9, 0.99])
def test_rmsprop_matches_tieleman_hinton(alpha):
    start, gradient = make_problem(4)
    got, _ = run_dlbook(RMSProp, start, gradient, lr=0.01, alpha=alpha, eps=1e-8)
    expected = run_reference(ref_rmsprop, start, gradient, zeros_like_all(start),
                             lr=0.01, decay=alpha, eps=1e-8)
    assert_all_close(got, expected)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9), (0.0, 0.0)])
def test_adam_matches_kingma_ba_algorithm_1(betas):
    start, gradient = make_problem(5)
    got, _ = run_dlbook(Adam, start, gradient, lr=0.01, betas=betas, eps=1e-8)
    moments = [(np.zeros_like(w), np.zeros_like(w)) for w in start]
    expected = run_reference(ref_adam, start, gradient, moments, alpha=0.01,
                             beta1=betas[0], beta2=betas[1], eps=1e-8)
    assert_all_close(got, expected)


# --- hand-computed single steps ------------------------------------------------------

def one_step(opt_cls, w, g, **kwargs):
    p = Parameter(np.array(w, dtype=float))
    p.grad = np.array(g, dtype=float)
    opt = opt_cls([p], **kwargs)
    opt.step()
    return p.data, opt


def test_momentum_two_steps_by_hand():
    p = Parameter(np.array([1.0]))
    opt = Momentum([p], lr=0.1, momentum=0.9)
    p.grad = np.array([2.0])
    opt.step()                                  # v = 0.2, w = 0.8
    p.grad = np.array([2.0])
    opt.step()                                  # v = 0.9*0.2 + 0.2 = 0.38, w = 0.42
    assert opt.state[0]["v"][0] == pytest.approx(0.38)
    assert p.data[0] == pytest.approx(0.42)


def test_adagrad_two_steps_by_hand():
    p = Parameter(np.array([1.0]))
    opt = AdaGrad([p], lr=0.5, eps=1e-8)
    p.grad = np.array([3.0])
    opt.step()                                  # h = 9, w = 1 - 0.5*3/3 = 0.5
    p.grad = np.array([4.0])
    opt.step()                                  # h = 25, w = 0.5 - 0.5*4/5 = 0.1
    assert opt.state[0]["h"][0] == 25.0
    assert p.data[0] == pytest.approx(0.1)


def test_rmsprop_two_steps_by_hand():
    p = Parameter(np.array([0.0]))
    opt = RMSProp([p], lr=0.1, alpha=0.5, eps=1e-8)
    p.grad = np.array([2.0])
    opt.step()                                  # h = 0.5*4 = 2, w = -0.1*2/sqrt(2)
    p.grad = np.array([-2.0])
    opt.step()                                  # h = 1 + 2 = 3, w += 0.1*2/sqrt(3)
    assert opt.state[0]["h"][0] == pytest.approx(3.0)
    assert p.data[0] == pytest.approx(-0.2 / np.sqrt(2) + 0.2 / np.sqrt(3))


def test_adam_two_steps_by_hand():
    p = Parameter(np.array([0.0]))
    opt = Adam([p], lr=0.1, betas=(0.5, 0.75), eps=1e-8)
    p.grad = np.array([2.0])
    opt.step()            # m = 1, h = 1; m_hat = 2, h_hat = 4; w = -0.1*2/2 = -0.1
    assert p.data[0] == pytest.approx(-0.1)
    p.grad = np.array([0.0])
    opt.step()            # m = .5, h = .75; m_hat = .5/(1-.5**2), h_hat = .75/(1-.75**2)
    assert opt.state[0]["m"][0] == 0.5 and opt.state[0]["h"][0] == 0.75
    assert p.data[0] == pytest.approx(-0.1 - 0.1 * (0.5 / 0.75) / np.sqrt(0.75 / 0.4375))


# --- corrections to the notes, each pinned -------------------------------------------

def test_momentum_step_grows_to_lr_g_over_1_minus_mu():
    """Correction to eq. (13): under a constant gradient the step grows to eps g/(1-mu)."""
    lr, mu, g = 0.1, 0.9, 1.0
    p = Parameter(np.array([0.0]))
    opt = Momentum([p], lr=lr, momentum=mu)
    steps = []
    for _ in range(200):
        before = p.data.copy()
        p.grad = np.array([g])
        opt.step()
        steps.append(float(before[0] - p.data[0]))
    steps = np.array(steps)
    assert np.all(np.diff(steps) > 0)                      # it speeds up, monotonically
    assert steps[-1] == pytest.approx(lr * g / (1 - mu), rel=1e-6)   # 10x plain SGD
    notes = notes_momentum_steps(g, lr, mu, 200)           # the notes' eq. (13) as printed
    assert notes[-1] == pytest.approx(lr * g / (1 + mu), rel=1e-6)  # slower than SGD
    assert np.any(np.diff(notes) < 0)                      # and it oscillates


def test_adagrad_zero_gradient_gives_no_nan():
    """Correction to eq. (16): eps keeps 0 / sqrt(0) from producing NaN."""
    p = Parameter(np.array([1.0, 2.0]))
    opt = AdaGrad([p], lr=0.1)
    for _ in range(3):
        p.grad = np.array([0.0, 1.0])
        opt.step()
    assert np.all(np.isfinite(p.data)) and p.data[0] == 1.0
    with np.errstate(invalid="ignore"):                    # the notes' formula: 0/0
        assert np.isnan(0.1 * 0.0 / np.sqrt(np.float64(0.0)))


def test_rmsprop_zero_gradient_gives_no_nan():
    """Correction to eq. (18): same stability constant."""
    p = Parameter(np.zeros((2, 2)))
    opt = RMSProp([p])
    p.grad = np.zeros((2, 2))
    opt.step()
    assert np.array_equal(p.data, np.zeros((2, 2)))


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_adagrad_step_t_is_lr_over_sqrt_t(scale):
    """Clarification of the notes' reason: the rate decays because h only grows, not because
    gradients are large -- under a constant gradient step t is lr / sqrt(t) for any scale."""
    lr = 0.1
    p = Parameter(np.array([0.0]))
    opt = AdaGrad([p], lr=lr, eps=1e-12)
    for t in range(1, 101):
        before = float(p.data[0])
        p.grad = np.array([scale])
        opt.step()
        assert before - float(p.data[0]) == pytest.approx(lr / np.sqrt(t), rel=1e-6)


def test_rmsprop_step_does_not_decay_like_adagrad():
    lr = 0.01
    p_ada, p_rms = Parameter(np.array([0.0])), Parameter(np.array([0.0]))
    ada, rms = AdaGrad([p_ada], lr=lr), RMSProp([p_rms], lr=lr, alpha=0.9)
    for _ in range(400):
        a0, r0 = float(p_ada.data[0]), float(p_rms.data[0])
        p_ada.grad = p_rms.grad = np.array([0.5])
        ada.step()
        rms.step()
    assert a0 - p_ada.data[0] == pytest.approx(lr / 20, rel=1e-6)      # lr / sqrt(400)
    assert r0 - p_rms.data[0] == pytest.approx(lr, rel=1e-6)           # h -> g^2


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_rmsprop_first_step_is_too_large(scale):
    """Without bias correction RMSProp's early steps are too large (Kingma & Ba 2015, sec. 5)."""
    w, _ = one_step(RMSProp, [0.0], [scale], lr=0.01, alpha=0.99, eps=1e-12)
    assert -w[0] == pytest.approx(0.01 / np.sqrt(1 - 0.99), rel=1e-6)  # 10 x lr


@pytest.mark.parametrize("scale", [1e-4, 1.0, 1e4])
def test_adam_first_step_is_lr_at_any_scale(scale):
    """Correction to eq. (23): w - lr m_hat / (sqrt(h_hat) + eps) -- the first step is lr."""
    w, _ = one_step(Adam, [0.0], [scale], lr=1e-3)
    assert -w[0] == pytest.approx(1e-3, rel=1e-3)


def test_notes_eq23_shrinks_small_gradients_instead():
    """Eq. (23) as printed puts the learning rate under the root: for small gradients
    the step becomes sqrt(lr) * g instead of lr (here 300 times too small)."""
    notes = notes_adam_first_step(1e-4, lr=1e-3)
    assert notes == pytest.approx(np.sqrt(1e-3) * 1e-4, rel=1e-4)
    assert notes < 1e-3 / 300
    w, _ = one_step(Adam, [0.0], [1e-4], lr=1e-3)
    assert -w[0] == pytest.approx(1e-3, rel=1e-3)


def test_adam_bias_correction_uses_powers_of_beta():
    """Correction to the notes' remark on eqs. (21)-(22): beta^t is a power.  With a
    constant gradient m_hat = g and h_hat = g^2 at every step, so every step is lr."""
    beta1, beta2, g = 0.9, 0.999, 0.3
    p = Parameter(np.array([0.0]))
    opt = Adam([p], lr=0.01, betas=(beta1, beta2), eps=1e-12)
    for t in range(1, 31):
        before = float(p.data[0])
        p.grad = np.array([g])
        opt.step()
        assert opt.state[0]["m"][0] == pytest.approx((1 - beta1 ** t) * g, rel=1e-12)
        assert before - float(p.data[0]) == pytest.approx(0.01, rel=1e-9)
    # read as multiplication, 1 - beta1 * t is negative from t = 2: nonsense.
    assert 1 - beta1 * 2 < 0


# --- PyTorch conventions -------------------------------------------------------------

def test_defaults_follow_the_papers_and_pytorch():
    p = [Parameter(np.zeros(1))]
    adam, rms, ada, mom = Adam(p), RMSProp(p), AdaGrad(p), Momentum(p)
    assert (adam.lr, adam.betas, adam.eps) == (1e-3, (0.9, 0.999), 1e-8)   # Kingma & Ba
    assert (rms.lr, rms.alpha, rms.eps) == (0.01, 0.99, 1e-8)              # torch RMSprop
    assert (ada.lr, ada.eps) == (0.01, 1e-8)
    assert (mom.lr, mom.momentum) == (0.01, 0.9)


# --- API behaviour: state, save/load, in place, dtype ---------------------------------

ALL = [(SGD, {"lr": 0.05}), (Momentum, {"lr": 0.05}), (AdaGrad, {"lr": 0.1}),
       (RMSProp, {"lr": 0.01}), (Adam, {"lr": 0.01})]


@pytest.mark.parametrize("opt_cls,kwargs", ALL, ids=[c.__name__ for c, _ in ALL])
def test_save_and_load_continues_the_same_run(opt_cls, kwargs):
    start, gradient = make_problem(6)
    straight, _ = run_dlbook(opt_cls, start, gradient, steps=STEPS, **kwargs)

    params = [Parameter(w.copy()) for w in start]
    first = opt_cls(params, **kwargs)
    for step in range(3):
        for p, g in zip(params, gradient([p.data for p in params], step)):
            p.grad = g
        first.step()
    saved = first.state_dict()
    resumed = opt_cls(params, **kwargs).load_state_dict(saved)
    assert resumed.t == 3
    for step in range(3, STEPS):
        for p, g in zip(params, gradient([p.data for p in params], step)):
            p.grad = g
        resumed.step()
    assert_all_close([p.data for p in params], straight)


@pytest.mark.parametrize("opt_cls,kwargs", ALL, ids=[c.__name__ for c, _ in ALL])
def test_updates_in_place_and_keeps_dtype(opt_cls, kwargs):
    p = Parameter(np.ones((2, 3), np.float32))
    data = p.data
    opt = opt_cls([p], **kwargs)
    p.grad = np.full((2, 3), 0.5, np.float32)
    opt.step()
    assert p.data is data and p.data.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[0].values())
    assert np.all(p.data < 1)


def test_state_is_per_parameter():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros((3, 1)))
    opt = Adam([a, b])
    a.grad, b.grad = np.ones(2), np.ones((3, 1))
    opt.step()
    assert opt.state[0]["m"].shape == (2,) and opt.state[1]["h"].shape == (3, 1)
    assert sorted(opt.state_dict()) == ["0.h", "0.m", "1.h", "1.m", "t"]


def test_zero_grad_clears_every_gradient():
    a, b = Parameter(np.zeros(2)), Parameter(np.zeros(3))
    a.grad, b.grad = np.ones(2), np.ones(3)
    RMSProp([a, b]).zero_grad()
    assert a.grad is None and b.grad is None


@pytest.mark.parametrize("opt_cls,kwargs", ALL, ids=[c.__name__ for c, _ in ALL])
def test_every_optimiser_trains_an_mlp_on_digits(opt_cls, kwargs):
    X, y, X_test, y_test = load_digits(image_size=8, flatten=True)
    model = MLP(64, [32], 10, rng=0)
    loss_fn = SoftmaxCrossEntropy()
    before = loss_fn(model(X_test), y_test)
    lr = {"SGD": 0.5, "Momentum": 0.05}.get(opt_cls.__name__, kwargs["lr"])
    history = fit(model, loss_fn, opt_cls(model.parameters(), lr=lr), X, y, epochs=2,
                  rng=0, validation=(X_test, y_test))
    assert history.val_loss[-1] < 0.5 * float(before)


# --- validation ----------------------------------------------------------------------

@pytest.mark.parametrize("opt_cls,kwargs,match", [
    (SGD, {"lr": 0.0}, r"SGD: argument 'lr' must lie in \(0, inf\], got 0.0"),
    (Adam, {"lr": -1e-3}, r"Adam: argument 'lr'"),
    (Momentum, {"momentum": 1.0}, r"Momentum: argument 'momentum' must lie in \[0, 1\), got 1.0"),
    (Momentum, {"momentum": -0.1}, r"argument 'momentum'"),
    (RMSProp, {"alpha": 1.0}, r"RMSProp: argument 'alpha' must lie in \[0, 1\)"),
    (RMSProp, {"eps": 0.0}, r"RMSProp: argument 'eps' must lie in \(0, inf\]"),
    (AdaGrad, {"eps": -1e-8}, r"AdaGrad: argument 'eps'"),
    (Adam, {"betas": (0.9, 1.0)}, r"Adam: argument 'betas\[1\]' must lie in \[0, 1\), got 1.0"),
    (Adam, {"betas": (-0.1, 0.999)}, r"argument 'betas\[0\]'"),
    (Adam, {"eps": 0.0}, r"Adam: argument 'eps'"),
    (AdaGrad, {"lr": float("nan")}, r"argument 'lr'"),
])
def test_bad_hyper_parameters_are_rejected(opt_cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        opt_cls([Parameter(np.zeros(2))], **kwargs)


@pytest.mark.parametrize("betas", [0.9, (0.9,), (0.9, 0.99, 0.999), "ab", (0.9, "x")])
def test_adam_betas_must_be_a_pair(betas):
    with pytest.raises(TypeError, match=r"Adam: argument 'betas' must be a pair"):
        Adam([Parameter(np.zeros(2))], betas=betas)


def test_hyper_parameter_types_are_checked():
    with pytest.raises(TypeError, match=r"Momentum: argument 'momentum' must be a real number"):
        Momentum([Parameter(np.zeros(2))], momentum="0.9")


@pytest.mark.parametrize("opt_cls", [SGD, Momentum, AdaGrad, RMSProp, Adam])
def test_bad_params_are_rejected(opt_cls):
    with pytest.raises(ValueError, match=rf"{opt_cls.__name__}: argument 'params' is empty"):
        opt_cls([])
    with pytest.raises(TypeError, match=r"must be a list of Parameters"):
        opt_cls(Parameter(np.zeros(2)))
    with pytest.raises(TypeError, match=r"item 1 must be a Parameter, got ndarray"):
        opt_cls([Parameter(np.zeros(2)), np.zeros(2)])


@pytest.mark.parametrize("opt_cls", [SGD, Momentum, AdaGrad, RMSProp, Adam])
def test_step_without_gradient_raises_and_changes_nothing(opt_cls):
    a, b = Parameter(np.ones(2)), Parameter(np.ones(3))
    opt = opt_cls([a, b])
    a.grad = np.ones(2)
    with pytest.raises(ValueError, match=rf"{opt_cls.__name__}.step: parameter 1 \(shape \(3,\)\) "
                                         r"has no gradient"):
        opt.step()
    assert opt.t == 0 and opt.state == [{}, {}] and np.all(a.data == 1)


def test_step_with_wrong_gradient_shape_raises():
    p = Parameter(np.ones((2, 3)))
    opt = Adam([p])
    p.grad = np.ones((3, 2))
    with pytest.raises(ValueError, match=r"Adam.step: parameter 0 has shape \(2, 3\) but its "
                                         r"gradient has shape \(3, 2\)"):
        opt.step()
    assert opt.t == 0 and np.all(p.data == 1)


def test_load_state_dict_checks_before_changing_anything():
    p = Parameter(np.zeros(2))
    opt = Momentum([p])
    p.grad = np.ones(2)
    opt.step()
    good = opt.state_dict()
    with pytest.raises(ValueError,
                       match=r"'0.v' has shape \(3,\) but parameter 0 has shape \(2,\)"):
        opt.load_state_dict({"t": np.array(5), "0.v": np.zeros(3)})
    with pytest.raises(ValueError, match=r"state for parameter 4 but only 1 parameters"):
        opt.load_state_dict({"t": np.array(5), "4.v": np.zeros(2)})
    with pytest.raises(ValueError, match=r"key 'v' is not of the form"):
        opt.load_state_dict({"t": np.array(5), "v": np.zeros(2)})
    with pytest.raises(ValueError, match=r"no step counter 't'"):
        opt.load_state_dict({"0.v": np.zeros(2)})
    assert opt.t == 1 and np.array_equal(opt.state[0]["v"], good["0.v"])


def test_base_class_update_is_abstract():
    p = Parameter(np.zeros(1))
    p.grad = np.zeros(1)
    with pytest.raises(NotImplementedError):
        Optimizer([p], lr=0.1).step()


def test_momentum_differs_from_pytorch_if_lr_changes():
    """v = lr * b holds while lr is constant; changing lr mid-run rescales torch's
    whole buffer at once but only the new contributions of ours."""
    p = Parameter(np.array([0.0]))
    opt = Momentum([p], lr=0.1, momentum=0.9)
    b, w_torch = 0.0, 0.0
    for lr in [0.1, 0.1, 0.01]:
        opt.lr = lr
        p.grad = np.array([1.0])
        opt.step()
        b = 0.9 * b + 1.0
        w_torch -= lr * b
        if lr == 0.1:
            assert p.data[0] == pytest.approx(w_torch)
    assert p.data[0] != pytest.approx(w_torch)


def test_momentum_is_not_drawn_to_the_global_minimum():
    """Correction to §1.2.1 ("大域的最適解に向かって"): momentum is a local method.
    Started in the global minimum's basin of a double well, mu = 0.9 overshoots into
    the worse local minimum while plain gradient descent stays."""
    def grad(w):
        return 4 * w * (w ** 2 - 1) + 0.3              # f = (w^2 - 1)^2 + 0.3 w

    plain = trajectory(grad, [-2.0], Momentum, 300, lr=0.01, momentum=0.0)[-1, 0]
    heavy = trajectory(grad, [-2.0], Momentum, 300, lr=0.01, momentum=0.9)[-1, 0]
    assert plain == pytest.approx(-1.0356, abs=1e-3)     # global minimum
    assert heavy == pytest.approx(0.9601, abs=1e-3)      # local minimum


def test_trajectory_runs_the_real_optimiser():
    path = trajectory(lambda w: np.array([w[0] / 10, 2 * w[1]]), [-7.0, 2.0], Adam, 5, lr=0.3)
    assert path.shape == (6, 2) and np.array_equal(path[0], [-7.0, 2.0])
    np.testing.assert_allclose(path[1], [-6.7, 1.7])     # Adam's first step: lr per element


def test_trajectory_validates_its_arguments():
    with pytest.raises(TypeError, match=r"trajectory: argument 'optimizer_class' must be an "
                                        r"Optimizer subclass"):
        trajectory(lambda w: w, [1.0], "Adam", 3)
    with pytest.raises(ValueError, match=r"trajectory: argument 'steps' must be >= 0"):
        trajectory(lambda w: w, [1.0], SGD, -1, lr=0.1)
    with pytest.raises(ValueError, match=r"SGD: argument 'lr'"):
        trajectory(lambda w: w, [1.0], SGD, 3, lr=-0.1)


def test_adagrad_digits_zero_pixels_stay_finite():
    """The digits have pixels that are 0 in every image: their first-layer weights get
    zero gradients, where eq. (16) as printed divides 0 by 0."""
    X, y, _, _ = load_digits(image_size=8, flatten=True)
    assert (X == 0).all(axis=0).sum() >= 1
    model = MLP(64, [16], 10, rng=0)
    loss_fn = SoftmaxCrossEntropy()
    opt = AdaGrad(model.parameters(), lr=0.01)
    W = model.linear_layers()[0].W
    for start in range(0, 256, 64):
        loss_fn(model(X[start:start + 64]), y[start:start + 64])
        opt.zero_grad()
        model.backward(loss_fn.backward())
        opt.step()
    assert np.any(opt.state[0]["h"] == 0) and np.all(np.isfinite(W.data))


def test_every_test_named_on_the_optimiser_pages_exists():
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parent.parent / "docs" / "part1"
    named = set()
    for page in ["optimizers", "momentum", "adagrad", "rmsprop", "adam"]:
        text = (docs / f"{page}.md").read_text("utf8")
        named |= set(re.findall(r"tests/test_optim\.py::(\w+)", text))
    assert len(named) >= 10
    assert not sorted(n for n in named if n not in globals())
