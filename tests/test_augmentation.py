"""Data augmentation transforms for (N, C, H, W) batches."""

import numpy as np
import pytest

from dlbook.data import (
    Compose,
    GaussianNoise,
    RandomFlip,
    RandomShift,
    gaussian_noise,
    load_digits,
    random_flip,
    random_shift,
)
from dlbook.nn import Flatten, Linear, Sequential, SoftmaxCrossEntropy
from dlbook.optim import SGD
from dlbook.train import fit


def _batch(n=6, c=2, h=5, w=7, dtype=np.float32):
    return np.random.default_rng(0).random((n, c, h, w)).astype(dtype)


def test_flip_mirrors_exactly_the_chosen_images():
    x = _batch()
    y = random_flip(x, np.random.default_rng(1), p=0.5)
    flipped = np.random.default_rng(1).random(len(x)) < 0.5
    for i in range(len(x)):
        expected = x[i, :, :, ::-1] if flipped[i] else x[i]
        assert np.array_equal(y[i], expected)
    assert 0 < flipped.sum() < len(x)


def test_flip_probability():
    x = np.zeros((4000, 1, 1, 2)); x[..., 0] = 1.0
    y = random_flip(x, 0, p=0.3)
    assert abs(float(np.mean(y[:, 0, 0, 1] == 1.0)) - 0.3) < 5 * np.sqrt(0.3 * 0.7 / 4000)


def test_shift_moves_each_image_by_its_own_offset():
    x = _batch(n=50, h=8, w=8)
    m = 2
    y = random_shift(x, np.random.default_rng(3), max_shift=m)
    dy, dx = np.random.default_rng(3).integers(-m, m + 1, size=(2, 50))
    for i in range(50):
        padded = np.pad(x[i], ((0, 0), (m, m), (m, m)))
        expected = padded[:, m - dy[i]:m - dy[i] + 8, m - dx[i]:m - dx[i] + 8]
        assert np.array_equal(y[i], expected)
    assert len(set(zip(dy.tolist(), dx.tolist()))) > 10


def test_shift_direction_and_fill():
    x = np.zeros((1, 1, 3, 3)); x[0, 0, 1, 1] = 1.0
    ys = [random_shift(x, seed, max_shift=1, fill=-1.0) for seed in range(30)]
    for y in ys:
        assert np.sum(y == 1.0) == 1 and y.shape == x.shape
    assert any(np.sum(y == -1.0) > 0 for y in ys)


def test_shift_zero_is_identity_copy():
    x = _batch()
    y = random_shift(x, 0, max_shift=0)
    assert np.array_equal(x, y) and y is not x


def test_noise_statistics_and_clip():
    x = np.full((500, 1, 8, 8), 0.5, np.float32)
    y = gaussian_noise(x, 0, std=0.1, clip=None)
    assert y.dtype == np.float32
    assert abs(float(y.mean()) - 0.5) < 5 * 0.1 / np.sqrt(y.size)
    assert abs(float(y.std()) - 0.1) < 0.005
    z = gaussian_noise(x, 0, std=2.0)
    assert z.min() >= 0.0 and z.max() <= 1.0


@pytest.mark.parametrize("fn", [random_flip, random_shift, gaussian_noise])
def test_input_not_modified_shape_dtype_kept_and_seeded(fn):
    x = _batch(dtype=np.float64)
    before = x.copy()
    a, b = fn(x, np.random.default_rng(5)), fn(x, np.random.default_rng(5))
    assert np.array_equal(x, before)
    assert a.shape == x.shape and a.dtype == x.dtype
    assert np.array_equal(a, b)


@pytest.mark.parametrize("fn", [random_flip, random_shift, gaussian_noise])
def test_bad_batches_raise(fn):
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        fn(np.zeros((4, 8, 8)), 0)
    with pytest.raises(TypeError, match="batch"):
        fn(np.zeros((1, 1, 8, 8), np.int64), 0)
    with pytest.raises(TypeError, match="batch"):
        fn([[[[0.0]]]], 0)


def test_bad_settings_raise():
    x = _batch(h=5, w=5)
    with pytest.raises(ValueError, match="max_shift"):
        random_shift(x, 0, max_shift=5)
    with pytest.raises(ValueError, match="max_shift"):
        RandomShift(max_shift=-1)
    with pytest.raises(ValueError, match="'p'"):
        RandomFlip(p=1.5)
    with pytest.raises(ValueError, match="std"):
        GaussianNoise(std=-1.0)
    with pytest.raises(ValueError, match="clip"):
        gaussian_noise(x, 0, clip=(1.0, 0.0))
    with pytest.raises(TypeError, match="item 1"):
        Compose([RandomFlip(), 3])
    with pytest.raises(TypeError, match="transforms"):
        Compose(RandomFlip())


def test_classes_equal_functions_and_compose_chains():
    x = _batch()
    assert np.array_equal(RandomShift(1)(x, np.random.default_rng(2)),
                          random_shift(x, np.random.default_rng(2), max_shift=1))
    rng1, rng2 = np.random.default_rng(4), np.random.default_rng(4)
    composed = Compose([RandomShift(1), RandomFlip(1.0), GaussianNoise(0.1)])(x, rng1)
    manual = gaussian_noise(random_flip(random_shift(x, rng2, max_shift=1), rng2, p=1.0),
                            rng2, std=0.1)
    assert np.array_equal(composed, manual)


def test_transforms_plug_into_fit():
    X, y, _, _ = load_digits(image_size=8)
    net = Sequential(Flatten(), Linear(64, 10, rng=0))
    seen = []

    def spy(batch, rng):
        out = Compose([RandomShift(1), GaussianNoise(0.05)])(batch, rng)
        seen.append(out.shape)
        return out

    fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.1), X[:64], y[:64], epochs=1,
        batch_size=32, rng=0, transform=spy)
    fit(net, SoftmaxCrossEntropy(), SGD(net.parameters(), lr=0.1), X[:64], y[:64], epochs=1,
        batch_size=32, rng=0, transform=random_flip)
    assert seen == [(32, 1, 8, 8), (32, 1, 8, 8)]


def test_shift_is_vectorised_fast_enough():
    import time
    x = np.zeros((2000, 1, 32, 32), np.float32)
    start = time.perf_counter()
    random_shift(x, 0, max_shift=3)
    assert time.perf_counter() - start < 1.0
