"""LeNet-5 (notes 2.2, Fig. 10): shapes, parameter counts, gradients, training, and the
points where the notes and LeCun et al. (1998) differ."""

import numpy as np
import pytest

from dlbook.data import load_digits
from dlbook.gradcheck import check_module_gradients
from dlbook.models import LeNet5
from dlbook.models.lenet import C3_TABLE_LECUN1998, cosine_learning_rate, train_lenet_on_digits
from dlbook.nn import Conv2d, Linear, SoftmaxCrossEntropy
from dlbook.train import evaluate

# (layer, output shape, parameters) written out from the notes' list and the arithmetic
# weights + biases of each layer.
EXPECTED = [
    ("c1", (6, 28, 28), 6 * (1 * 5 * 5 + 1)),          # 156
    ("s2", (6, 14, 14), 0),
    ("c3", (16, 10, 10), 16 * (6 * 5 * 5 + 1)),        # 2,416
    ("s4", (16, 5, 5), 0),
    ("c5", (120, 1, 1), 120 * (16 * 5 * 5 + 1)),       # 48,120
    ("f6", (84,), 84 * (120 + 1)),                     # 10,164
    ("output", (10,), 10 * (84 + 1)),                  # 850
]


def test_parameter_arithmetic_is_the_one_quoted():
    assert [p for _, _, p in EXPECTED] == [156, 0, 2416, 0, 48120, 10164, 850]
    assert sum(p for _, _, p in EXPECTED) == 61706


@pytest.mark.parametrize("activation,pooling", [("relu", "max"), ("tanh", "avg")])
def test_summary_shapes_and_parameter_counts(activation, pooling):
    summary = LeNet5(activation=activation, pooling=pooling, rng=0).summary((1, 32, 32))
    for name, shape, params in EXPECTED:
        row = summary.row(name)
        assert row.output_shape == shape, name
        assert row.num_parameters == params, name
    assert summary.total_parameters == 61706
    text = str(summary)
    assert "total parameters: 61,706" in text
    assert "48,120" in text


def test_layers_are_named_after_the_notes():
    net = LeNet5(rng=0)
    names = [name for name, _ in net.named_parameters()]
    assert names == ["c1.W", "c1.b", "c3.W", "c3.b", "c5.W", "c5.b", "f6.W", "f6.b",
                     "output.W", "output.b"]
    assert isinstance(net.c1, Conv2d) and isinstance(net.c5, Conv2d)
    assert net.c1.W.shape == (6, 1, 5, 5)
    assert net.c3.W.shape == (16, 6, 5, 5)
    assert net.f6.W.shape == (84, 120)


def test_options_choose_the_layers():
    net = LeNet5(num_classes=3, activation="tanh", pooling="avg", rng=0)
    assert type(net.s2).__name__ == "AvgPool2d"
    assert type(net.act1).__name__ == "Tanh"
    assert net(np.zeros((2, 1, 32, 32), np.float32)).shape == (2, 3)


def test_same_seed_same_weights():
    a, b = LeNet5(rng=7).state_dict(), LeNet5(rng=7).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["c1.W"], LeNet5(rng=8).state_dict()["c1.W"])


@pytest.mark.parametrize("activation,pooling", [("relu", "max"), ("tanh", "avg")])
def test_gradients_match_numerical_float64(activation, pooling):
    net = LeNet5(activation=activation, pooling=pooling, rng=0, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((2, 1, 32, 32))
    errors = check_module_gradients(net, x, max_checks=15, rng=2)
    assert set(errors) == {"x", *dict(net.named_parameters())}
    assert max(errors.values()) < 1e-6, errors


def test_backward_returns_input_gradient_and_fills_every_parameter():
    net = LeNet5(rng=0)
    x = np.random.default_rng(0).random((4, 1, 32, 32), dtype=np.float32)
    loss_fn = SoftmaxCrossEntropy()
    loss_fn(net(x), np.array([0, 1, 2, 3]))
    dx = net.backward(loss_fn.backward())
    assert dx.shape == x.shape and dx.dtype == np.float32
    for name, p in net.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
    with pytest.raises(RuntimeError, match="before forward"):
        net.backward(np.ones((4, 10), np.float32))


@pytest.mark.parametrize("kwargs,match", [
    ({"activation": "sigmoid"}, "activation"),
    ({"pooling": "median"}, "pooling"),
    ({"num_classes": 0}, "num_classes"),
])
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LeNet5(**kwargs)


@pytest.mark.parametrize("shape", [(2, 1, 28, 28), (2, 3, 32, 32)])
def test_wrong_input_shape_is_refused_before_computing(shape):
    net = LeNet5(rng=0)
    with pytest.raises(ValueError, match=r"argument 'x' must have shape \(N, 1, 32, 32\)"):
        net(np.zeros(shape, np.float32))
    with pytest.raises(RuntimeError, match="before forward"):  # no cache was left behind
        net.c1.backward(np.zeros((2, 6, 28, 28), np.float32))


def test_integer_input_is_refused():
    with pytest.raises(TypeError, match="floating dtype"):
        LeNet5(rng=0)(np.zeros((1, 1, 32, 32), np.int64))


# -- corrections to the notes ------------------------------------------------------

def test_c5_is_a_convolution_equal_to_a_fully_connected_layer_on_5x5_maps():
    """Notes: "C5: 全結合層".  LeCun et al. (1998): C5 is a convolutional layer; on S4's
    5×5 maps it equals Flatten + Linear(400, 120) with the kernel reshaped."""
    net = LeNet5(rng=0, dtype=np.float64)
    s4 = np.random.default_rng(3).standard_normal((2, 16, 5, 5))
    fc = Linear(400, 120, rng=0, dtype=np.float64)
    fc.W.data = net.c5.W.data.reshape(120, 400).copy()
    fc.b.data = net.c5.b.data.copy()
    np.testing.assert_allclose(net.c5(s4).reshape(2, 120), fc(s4.reshape(2, 400)),
                               rtol=1e-12, atol=1e-12)


def test_c5_slides_over_a_larger_map_where_a_fully_connected_layer_cannot():
    net = LeNet5(rng=0)
    s4_of_a_larger_image = np.zeros((1, 16, 7, 7), np.float32)  # e.g. a 40×40 input
    assert net.c5(s4_of_a_larger_image).shape == (1, 120, 3, 3)
    with pytest.raises(ValueError, match="in_features=400"):
        Linear(400, 120, rng=0)(s4_of_a_larger_image.reshape(1, -1))


def test_original_c3_connection_table_has_1516_parameters():
    """LeCun et al. (1998), Table I: each C3 map sees 3, 4 or 6 of S2's 6 maps."""
    table = np.asarray(C3_TABLE_LECUN1998)
    assert table.shape == (6, 16)
    assert list(table.sum(axis=0)) == [3] * 6 + [4] * 9 + [6]
    assert int(table.sum()) * 25 + 16 == 1516
    assert LeNet5(rng=0).c3.num_parameters() == 2416 == 1516 + 900


def test_our_pooling_layers_have_no_parameters_unlike_the_original_subsampling():
    net = LeNet5(rng=0)
    assert net.s2.num_parameters() == net.s4.num_parameters() == 0
    # The original S2/S4 had one trained coefficient and one bias per map: 12 and 32.
    s2, s4 = 2 * net.c1.out_channels, 2 * net.c3.out_channels
    assert (s2, s4) == (12, 32)
    # With C3's connection table they give the paper's 60,000 trainable parameters
    # (the RBF output layer is fixed), against our 61,706.
    c3 = int(np.asarray(C3_TABLE_LECUN1998).sum()) * 25 + net.c3.out_channels
    original = (net.c1.num_parameters() + s2 + c3 + s4 + net.c5.num_parameters()
                + net.f6.num_parameters())
    assert original == 60_000 and net.num_parameters() == 61_706


# -- training on real handwritten digits --------------------------------------------

def test_cosine_learning_rate_ends_at_zero():
    rates = [cosine_learning_rate(e, 10, 2e-3) for e in range(11)]
    assert rates[0] == 2e-3 and rates[-1] == pytest.approx(0.0, abs=1e-18)
    assert all(a > b for a, b in zip(rates, rates[1:]))


@pytest.fixture(scope="module")
def trained():
    return train_lenet_on_digits(seed=0)


def test_trains_to_98_percent_test_accuracy(trained):
    model, history = trained
    assert history.epochs == 30
    assert history.val_acc[-1] >= 0.98
    _, _, X_test, y_test = load_digits(image_size=32)
    loss, acc = evaluate(model, SoftmaxCrossEntropy(), X_test, y_test)
    assert acc >= 0.98
    assert acc == history.val_acc[-1] and loss == pytest.approx(history.val_loss[-1])
    assert not model.training
    assert history.train_loss[-1] < history.train_loss[0] / 5


def test_training_is_reproducible_from_the_seed(trained):
    _, history = trained
    _, again = train_lenet_on_digits(seed=0, epochs=2)
    _, first_two = train_lenet_on_digits(seed=0, epochs=2)
    assert again.val_acc == first_two.val_acc and again.step_loss == first_two.step_loss
    assert len(history.step_loss) == 30 * -(-1438 // 32)


def test_fit_on_epoch_end_hook_sees_each_epoch_and_can_stop():
    """The hook train_lenet_on_digits uses for its learning-rate schedule."""
    from dlbook.nn import Linear
    from dlbook.optim import SGD
    from dlbook.train import fit

    X, y, _, _ = load_digits(image_size=8, flatten=True)
    model = Linear(64, 10, rng=0)
    optimizer = SGD(model.parameters(), lr=0.1)
    seen = []

    def hook(epoch, history):
        seen.append((epoch, history.epochs, optimizer.lr))
        optimizer.lr /= 2
        return epoch == 3

    history = fit(model, SoftmaxCrossEntropy(), optimizer, X, y, epochs=10, rng=0,
                  on_epoch_end=hook)
    assert seen == [(1, 1, 0.1), (2, 2, 0.05), (3, 3, 0.025)]
    assert history.epochs == 3 and history.stopped_epoch == 3
