"""GoogLeNet: Table 1 of Szegedy et al. (2015), the auxiliary heads, the Inception module."""

import numpy as np
import pytest

from dlbook.gradcheck import check_module_gradients
from dlbook.models import AuxiliaryClassifier, GoogLeNet, GoogLeNetLoss, InceptionModule
from dlbook.nn import (AvgPool2d, Conv2d, GlobalAvgPool2d, Linear, MaxPool2d, Module,
                       Sequential)
from dlbook.optim import SGD
from dlbook.train import fit

# Table 1: output size (C, H, W) and #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
TABLE_1 = {
    "conv1": (64, 112, 112),
    "maxpool1": (64, 56, 56),
    "conv3": (192, 56, 56),
    "maxpool2": (192, 28, 28),
    "inception3a": (256, 28, 28),
    "inception3b": (480, 28, 28),
    "maxpool3": (480, 14, 14),
    "inception4a": (512, 14, 14),
    "inception4b": (512, 14, 14),
    "inception4c": (512, 14, 14),
    "inception4d": (528, 14, 14),
    "inception4e": (832, 14, 14),
    "maxpool4": (832, 7, 7),
    "inception5a": (832, 7, 7),
    "inception5b": (1024, 7, 7),
    "avgpool": (1024,),
    "fc": (1000,),
}
WIDTHS = {
    "inception3a": (64, 96, 128, 16, 32, 32),
    "inception3b": (128, 128, 192, 32, 96, 64),
    "inception4a": (192, 96, 208, 16, 48, 64),
    "inception4b": (160, 112, 224, 24, 64, 64),
    "inception4c": (128, 128, 256, 24, 64, 64),
    "inception4d": (112, 144, 288, 32, 64, 64),
    "inception4e": (256, 160, 320, 32, 128, 128),
    "inception5a": (256, 160, 320, 32, 128, 128),
    "inception5b": (384, 192, 384, 48, 128, 128),
}


def conv_params(cin, cout, k):
    return cout * (cin * k * k + 1)


def inception_params(cin, n1, r3, n3, r5, n5, pp):
    return (conv_params(cin, n1, 1) + conv_params(cin, r3, 1) + conv_params(r3, n3, 3)
            + conv_params(cin, r5, 1) + conv_params(r5, n5, 5) + conv_params(cin, pp, 1))


def aux_params(cin, classes):
    return conv_params(cin, 128, 1) + 1024 * (2048 + 1) + classes * (1024 + 1)


@pytest.fixture(scope="module")
def net():
    return GoogLeNet(rng=0)


@pytest.fixture(scope="module")
def summary(net):
    return net.summary((3, 224, 224))


def test_output_shapes_follow_table_1(summary):
    for name, shape in TABLE_1.items():
        assert summary.row(name).output_shape == shape, name


def test_every_module_has_the_parameters_of_table_1(summary):
    cin = 192
    expected = {"conv1": conv_params(3, 64, 7), "conv2": conv_params(64, 64, 1),
                "conv3": conv_params(64, 192, 3), "fc": 1000 * (1024 + 1)}
    for name, widths in WIDTHS.items():
        expected[name] = inception_params(cin, *widths)
        cin = widths[0] + widths[2] + widths[4] + widths[5]
    assert cin == 1024
    for name, count in expected.items():
        assert summary.row(name).num_parameters == count, name
    parameterless = {r.name for r in summary.rows} - set(expected)
    assert all(summary.row(n).num_parameters == 0 for n in parameterless)


def test_total_parameter_counts(net):
    main = 6_998_552
    assert GoogLeNet(aux_logits=False, rng=0).num_parameters() == main
    assert aux_params(512, 1000) == 3_188_840 and aux_params(528, 1000) == 3_190_888
    assert net.num_parameters() == main + aux_params(512, 1000) + aux_params(528, 1000)
    assert net.num_parameters() == 13_378_280


def _longest_path(module, counted):
    """Layers of the types ``counted`` on the longest input-to-output path through ``module``.

    A Sequential chains its children (depths add up); an Inception module runs its
    branches side by side (the deepest branch counts); any other module is one layer
    if it is of a counted type.
    """
    if isinstance(module, InceptionModule):
        return max(_longest_path(b, counted) for b in module.branches)
    if isinstance(module, Sequential):
        return sum(_longest_path(m, counted) for m in module)
    return int(isinstance(module, counted))


def test_22_layers_with_parameters_on_the_longest_path(net):
    """Szegedy et al. (2015), §5: "22 layers deep when counting only layers with
    parameters (or 27 layers if we also count pooling)". Both counted on the model."""
    trunk = [getattr(net, n) for n in net._to_4a + net._to_4d + net._to_end]
    assert trunk[-1] is net.fc                     # the trunk ends at the classifier
    with_parameters = (Conv2d, Linear)
    pooling = (MaxPool2d, AvgPool2d, GlobalAvgPool2d)
    assert sum(_longest_path(m, with_parameters) for m in trunk) == 22
    assert sum(_longest_path(m, with_parameters + pooling) for m in trunk) == 27
    # Every Inception module is two layers deep (Table 1's "depth" column) ...
    assert all(_longest_path(getattr(net, n), with_parameters) == 2 for n in WIDTHS)
    # ... and the paths through the auxiliary heads are shorter than the trunk's.
    to_4a = sum(_longest_path(getattr(net, n), with_parameters) for n in net._to_4a)
    to_4d = to_4a + sum(_longest_path(getattr(net, n), with_parameters) for n in net._to_4d)
    head = _longest_path(net.aux1, with_parameters)
    assert head == _longest_path(net.aux2, with_parameters) == 3     # 1×1 conv, fc, fc
    assert to_4a + head < to_4d + head < 22


def test_paper_params_column_is_rounded_and_sometimes_off(net, summary):
    """Table 1's "params" counts weights (no biases) in units of 1024; some rows are off.

    Its "ops" column (multiply-adds = weights x output positions) agrees with the
    architecture to within 1M everywhere except conv1 and inception (5a).
    """
    def weights(name):
        _, h, w = summary.row(name).output_shape
        module = getattr(net, name)
        return sum(p.size for n, p in module.named_parameters() if n.endswith("W")), h * w

    w3a, pos = weights("inception3a")
    assert (w3a, w3a * pos) == (163_328, 128_049_152)       # paper: 159K (= 163328/1024), 128M
    w4c, pos = weights("inception4c")
    assert (w4c, w4c * pos) == (509_440, 99_850_240)        # paper: 463K (497.5K), 100M
    w5a, pos = weights("inception5a")
    assert (w5a, w5a * pos) == (1_042_432, 51_079_168)      # paper: 1072K (1018K), 54M
    w1, pos = weights("conv1")
    assert (w1, w1 * pos) == (9_408, 118_013_952)           # paper: 2.7K, 34M
    # (4a), (4d), (4e), (5b): printed values 0.8-1.8% below the architecture's.
    for name, printed_k in (("inception4a", 364), ("inception4d", 580), ("inception4e", 840),
                            ("inception5b", 1388)):
        gap = weights(name)[0] / 1024 / printed_k - 1
        assert 0.007 < gap < 0.019, (name, gap)


def test_params_column_sums_to_6798k(net):
    """googlenet.md: the column sums to 6,798K (units of 1024, ~6.96M); AlexNet / that ~ 8.8."""
    column_k = [2.7, 112, 159, 380, 364, 437, 463, 580, 840, 1072, 1388, 1000]  # Table 1
    assert sum(column_k) == pytest.approx(6797.7)
    weights = sum(column_k) * 1024
    assert weights == pytest.approx(6.96e6, rel=1e-3)
    alexnet_two_gpus = 60_965_224              # tests/test_alexnet.py, the paper's "60 million"
    assert alexnet_two_gpus / weights == pytest.approx(8.76, abs=0.01)
    main = GoogLeNet(aux_logits=False, rng=0).num_parameters()
    assert alexnet_two_gpus / main == pytest.approx(8.71, abs=0.01)   # the page's "about 8.7"


def test_full_size_forward_train_and_eval(net):
    x = np.random.default_rng(0).standard_normal((2, 3, 224, 224)).astype(np.float32)
    net.train()
    outs = net(x)
    assert isinstance(outs, tuple) and [o.shape for o in outs] == [(2, 1000)] * 3
    net.eval()
    try:
        logits = net(x)
        assert isinstance(logits, np.ndarray) and logits.shape == (2, 1000)
    finally:
        net.train()


def test_eval_mode_returns_only_main_logits_and_skips_the_heads(monkeypatch):
    net = GoogLeNet(num_classes=3, rng=1).eval()

    def fail(self, x):
        raise AssertionError("auxiliary head ran in evaluation mode")

    monkeypatch.setattr(AuxiliaryClassifier, "forward", fail)
    out = net(np.zeros((1, 3, 224, 224), np.float32))
    assert isinstance(out, np.ndarray) and out.shape == (1, 3)


def test_aux_logits_false_returns_one_array_in_training():
    net = GoogLeNet(num_classes=4, aux_logits=False, rng=0)
    assert not hasattr(net, "aux1")
    out = net.train()(np.zeros((1, 3, 96, 96), np.float32))   # any size >= 47 works
    assert out.shape == (1, 4)


def _positive_biases(module, rng):
    """Biases away from zero keep ReLU off its kink at the check's points."""
    for name, p in module.named_parameters():
        if name.endswith(".b"):
            p.data = rng.uniform(0.1, 0.5, p.shape)
    return module


def _dropout_states(model):
    return [(m, m.rng.bit_generator.state) for m in model.modules() if hasattr(m, "rng")]


def test_auxiliary_gradients_flow_into_the_trunk_and_add_up():
    """The trunk's gradient is the sum of the main path's and each head's (linearity)."""
    net = GoogLeNet(num_classes=5, rng=3)
    x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
    r = np.random.default_rng(1)
    d_main, d_aux1, d_aux2 = (r.standard_normal((1, 5)).astype(np.float32) for _ in range(3))
    states = _dropout_states(net)
    zero = np.zeros_like(d_main)

    def conv1_grad(douts):
        for m, s in states:
            m.rng.bit_generator.state = s
        net.zero_grad()
        net(x)
        net.backward(douts)
        return net.conv1.conv.W.grad.astype(np.float64)

    everything = conv1_grad((d_main, d_aux1, d_aux2))
    main_only = conv1_grad((d_main, zero, zero))
    aux_only = conv1_grad((zero, d_aux1, d_aux2))
    assert np.linalg.norm(aux_only) > 0
    assert not np.allclose(everything, main_only)
    np.testing.assert_allclose(everything, main_only + aux_only, rtol=1e-3,
                               atol=1e-4 * np.abs(everything).max())


@pytest.mark.parametrize("widths", [(3, 2, 4, 1, 2, 2), (2, 1, 1, 2, 3, 1)])
def test_inception_module_gradients(rng, widths):
    block = _positive_biases(InceptionModule(3, *widths, rng=0, dtype=np.float64), rng)
    x = rng.standard_normal((2, 3, 5, 6))
    errors = check_module_gradients(block, x)
    assert max(errors.values()) < 1e-6, errors


def test_naive_inception_module_gradients(rng):
    block = _positive_biases(InceptionModule.naive(3, 2, 3, 2, rng=0, dtype=np.float64), rng)
    assert block.out_channels == 2 + 3 + 2 + 3
    errors = check_module_gradients(block, rng.standard_normal((2, 3, 4, 5)))
    assert max(errors.values()) < 1e-6, errors


def test_concatenation_order_and_split(rng):
    block = InceptionModule(4, 1, 2, 3, 1, 2, 5, rng=0, dtype=np.float64)
    x = rng.standard_normal((1, 4, 6, 6))
    y = block(x)
    parts = [b(x) for b in block.branches]
    np.testing.assert_array_equal(y, np.concatenate(parts, axis=1))
    assert [p.shape[1] for p in parts] == [1, 3, 2, 5]


def test_auxiliary_head_gradients_with_dropout(rng):
    head = _positive_biases(AuxiliaryClassifier(3, 4, rng=0, dtype=np.float64), rng)
    x = rng.standard_normal((1, 3, 14, 14))
    errors = check_module_gradients(head, x, max_checks=12)
    assert max(errors.values()) < 1e-6, errors


def test_auxiliary_head_follows_section_5():
    head = AuxiliaryClassifier(528, 1000, rng=0)
    assert (head.pool.kernel_size, head.pool.stride) == ((5, 5), (3, 3))
    assert head.conv.conv.W.shape == (128, 528, 1, 1)
    assert head.fc1.W.shape == (1024, 2048) and head.fc2.W.shape == (1000, 1024)
    assert head.dropout.p == 0.7
    assert head.num_parameters() == aux_params(528, 1000)


def test_loss_weights_auxiliary_terms_by_0_3(rng):
    logits = [rng.standard_normal((4, 3)) for _ in range(3)]
    labels = np.array([0, 2, 1, 1])
    loss_fn = GoogLeNetLoss()
    loss, grads = loss_fn(tuple(logits), labels)
    main, a1, a2 = loss_fn.parts
    assert float(loss) == pytest.approx(main + 0.3 * (a1 + a2))
    single, g = GoogLeNetLoss()(logits[1], labels)
    assert float(single) == pytest.approx(a1)
    np.testing.assert_allclose(grads[1], 0.3 * g)


def test_loss_helper_works_with_fit(rng):
    class ThreeHeads(Module):
        def __init__(self):
            super().__init__()
            self.heads = [Linear(4, 3, rng=i, dtype=np.float64) for i in range(3)]
            self.a, self.b, self.c = self.heads

        def forward(self, x):
            outs = tuple(h(x) for h in self.heads)
            return outs if self.training else outs[0]

        def backward(self, dout):
            return sum(h.backward(d) for h, d in zip(self.heads, dout))

    model = ThreeHeads()
    X = rng.standard_normal((32, 4))
    y = (X[:, 0] > 0).astype(int)
    loss_fn = GoogLeNetLoss()
    history = fit(model, None, SGD(model.parameters(), lr=0.2), X, y, epochs=5,
                  batch_size=8, rng=0, loss_and_grad=loss_fn)
    assert history.train_loss[-1] < history.train_loss[0]
    assert len(loss_fn.parts) == 3


def test_global_average_pooling_averages_each_channel_over_positions():
    """Correction to the notes: GAP averages over H x W for every channel (not across channels)."""
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float64).reshape(2, 3, 2, 2)
    y = GlobalAvgPool2d()(x)
    assert y.shape == (2, 3)                             # one number per channel
    np.testing.assert_array_equal(y, x.mean(axis=(2, 3)))
    assert not np.array_equal(y, x.mean(axis=1).reshape(2, -1)[:, :3])
    assert GoogLeNet(num_classes=2, rng=0).fc.W.shape == (2, 1024)   # 1024 channels of 5b


def test_1x1_convolution_is_a_linear_map_over_channels(rng):
    conv = Conv2d(5, 3, 1, rng=0, dtype=np.float64)
    x = rng.standard_normal((2, 5, 4, 4))
    W = conv.W.data[:, :, 0, 0]
    expected = np.einsum("oc,nchw->nohw", W, x) + conv.b.data[:, None, None]
    np.testing.assert_allclose(conv(x), expected, rtol=1e-12)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"num_classes": 0}, ValueError, "'num_classes' must be >= 1"),
    ({"num_classes": 2.0}, TypeError, "'num_classes' must be an integer"),
    ({"aux_logits": 1}, TypeError, "'aux_logits' must be True or False"),
])
def test_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        GoogLeNet(**kwargs)


def test_bad_inputs():
    net = GoogLeNet(num_classes=2, rng=0)
    assert net.min_input_size == 47
    with pytest.raises(ValueError, match="1 channels .* expects 3"):
        net(np.zeros((1, 1, 224, 224), np.float32))
    net.eval()
    with pytest.raises(ValueError, match=r"46×46, too small.* at least 47×47"):
        net(np.zeros((1, 3, 46, 46), np.float32))
    assert net(np.zeros((1, 3, 47, 47), np.float32)).shape == (1, 2)
    net.train()
    with pytest.raises(ValueError, match=r"auxiliary classifiers.*223 to 238.*224×224"):
        net(np.zeros((1, 3, 128, 128), np.float32))
    with pytest.raises(ValueError, match="must have 4 dimensions"):
        net(np.zeros((3, 224, 224), np.float32))


def test_backward_checks_the_form_of_dout():
    net = GoogLeNet(num_classes=2, rng=0)
    with pytest.raises(RuntimeError, match="backward called before forward"):
        net.backward(np.zeros((1, 2), np.float32))
    net.eval()
    net(np.zeros((1, 3, 64, 64), np.float32))
    with pytest.raises(ValueError, match="must be one array"):
        net.backward((np.zeros((1, 2)),) * 3)


def test_inception_bad_arguments_and_input():
    with pytest.raises(ValueError, match="'ch1x1' must be >= 1"):
        InceptionModule(8, 0, 2, 2, 2, 2, 2)
    block = InceptionModule(8, 1, 2, 2, 2, 2, 2, rng=0)
    with pytest.raises(ValueError, match="has 4 channels .* in_channels=8"):
        block(np.zeros((1, 4, 5, 5), np.float32))
    with pytest.raises(ValueError, match=r"expects \(N, 16, 14, 14\)"):
        AuxiliaryClassifier(16, 3, rng=0)(np.zeros((1, 16, 12, 12), np.float32))
