r"""Batch, layer, instance and group normalisation (notes 1.1.3, Figs. 3–6).

Every layer here is the same three steps: view the input so that the values sharing
one mean and variance lie along some axes, call :func:`dlbook.functional.normalize`
over those axes (notes eqs. (8'), (9'), (11')), then scale and shift,
:math:`y = \gamma\hat{x} + \beta` (notes eq. (12)).  Only the axes differ:

=================  ====================================  =======================
layer              statistics shared over                 one statistic per
=================  ====================================  =======================
``BatchNorm2d``    N, H, W                                channel
``LayerNorm``      the trailing ``normalized_shape`` dims  sample
``InstanceNorm2d`` H, W                                   sample and channel
``GroupNorm``      the channels of a group, and H, W      sample and group
=================  ====================================  =======================
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from dlbook import functional as F
from dlbook._checks import (check_array, check_channels, check_dtype, check_float, check_int,
                            check_same_dtype)
from dlbook.nn.module import Module, Parameter


class _Normalization(Module):
    """Per-channel ``gamma``/``beta``, the forward and backward passes shared by every layer.

    A subclass implements ``_check_shape(x)`` (what the layer expects of ``x``) and
    ``_stats_view(x)``, which returns ``(view, axes)``: a reshaped view of ``x`` and the
    axes of that view that share one mean and variance.  Batch normalisation replaces
    ``forward``, because it also keeps running statistics.
    """

    def __init__(self, param_shape, eps, affine, dtype):
        super().__init__()
        owner = type(self).__name__
        self.eps = check_float(eps, "eps", low=0.0, low_open=True, owner=owner)
        self.affine = bool(affine)
        self.dtype = check_dtype(dtype, owner=owner)
        if self.affine:
            self.gamma = Parameter(np.ones(param_shape, dtype=self.dtype))
            self.beta = Parameter(np.zeros(param_shape, dtype=self.dtype))
        else:
            self.gamma = None
            self.beta = None
        self._cache = None
        self._forward_shape = None

    def _check_input(self, x):
        """Check ``x``; remember its shape, which ``backward``'s ``dout`` must have.

        ``F.normalize`` scans ``x`` for NaN and infinity, so this check does not.
        """
        owner = type(self).__name__
        check_array(x, "x", owner=owner, finite=False)
        self._check_shape(x)
        check_same_dtype(x, self.dtype, owner=owner)
        self._forward_shape = x.shape

    def _check_backward(self, dout):
        """Return the forward pass's cache once ``dout`` is checked against its output."""
        cache = self.cached(self._cache)
        owner = type(self).__name__
        check_array(dout, "dout", owner=owner, finite=False)  # F.normalize_backward scans it
        if dout.shape != self._forward_shape:
            raise ValueError(f"{owner}.backward: argument 'dout' has shape {dout.shape} but "
                             f"the forward output had shape {self._forward_shape}")
        return cache

    def _param_shape(self, ndim):
        """Shape of ``gamma`` lined up with axis 1 (channels) of an ``ndim``-d input."""
        return (1, -1) + (1,) * (ndim - 2)

    def forward(self, x):
        view, axes = self._stats_view(x)
        x_hat, self._cache = F.normalize(view, axes, self.eps)
        return self._scale_shift(x_hat.reshape(x.shape))

    def backward(self, dout):
        cache = self._check_backward(dout)
        self._cache = None
        x_hat = cache.x_hat.reshape(dout.shape)
        dx_hat = self._scale_shift_backward(dout, x_hat)
        dx = F.normalize_backward(dx_hat.reshape(cache.x_hat.shape), cache)
        return dx.reshape(dout.shape)

    def _scale_shift(self, x_hat):
        """Eq. (12), :math:`y = \\gamma \\hat{x} + \\beta`."""
        if not self.affine:
            return x_hat
        shape = self._param_shape(x_hat.ndim)
        gamma = self.gamma.data.reshape(shape)
        beta = self.beta.data.reshape(shape)
        return gamma * x_hat + beta

    def _scale_shift_backward(self, dout, x_hat):
        """Add dL/dgamma and dL/dbeta to the gradients; return dL/dx_hat."""
        if not self.affine:
            return dout
        gamma = self.gamma.data.reshape(self._param_shape(dout.ndim))
        # sum over every axis along which gamma is broadcast
        summed = tuple(a for a, n in enumerate(gamma.shape) if n == 1)
        dgamma = (dout * x_hat).sum(axis=summed)
        self.gamma.accumulate(dgamma.reshape(self.gamma.shape))
        self.beta.accumulate(dout.sum(axis=summed).reshape(self.beta.shape))
        return dout * gamma


class _BatchNorm(_Normalization):
    """Batch normalisation over every axis but the channel axis 1."""

    _ndims = ()
    _layout = ""

    def __init__(self, num_features, eps=1e-5, momentum=0.1, *, affine=True, rng=None,
                 dtype=np.float32):
        owner = type(self).__name__
        num_features = check_int(num_features, "num_features", minimum=1, owner=owner)
        if momentum is not None:
            momentum = check_float(momentum, "momentum", low=0.0, high=1.0, owner=owner)
        super().__init__((num_features,), eps, affine, dtype)
        self.num_features = num_features
        self.momentum = momentum
        self.register_buffer("running_mean", np.zeros(num_features, dtype=self.dtype))
        self.register_buffer("running_var", np.ones(num_features, dtype=self.dtype))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def extra_repr(self):
        momentum = "None" if self.momentum is None else f"{self.momentum:g}"
        return (f"{self.num_features}, eps={self.eps:g}, momentum={momentum}, "
                f"affine={self.affine}")

    def _check_shape(self, x):
        owner = type(self).__name__
        check_array(x, "x", ndim=self._ndims, layout=self._layout, owner=owner, finite=False)
        check_channels(x, self.num_features, owner=owner,
                       wanted=f"the layer expects num_features={self.num_features}")
        per_channel = x.size // x.shape[1]
        if self.training and per_channel < 2:
            raise ValueError(
                f"{owner}: expected more than 1 value per channel when training, got input "
                f"of shape {x.shape} ({per_channel} value per channel); a batch of one "
                f"sample has no batch variance — use a larger batch or call .eval()")

    def forward(self, x):
        axes = (0,) + tuple(range(2, x.ndim))    # every axis but the channels
        if self.training:
            # the statistics of this batch, eqs. (8')-(9')
            x_hat, self._cache = F.normalize(x, axes, self.eps)
            self._update_running_stats(self._cache)
        else:
            # the running averages, used as constants
            shape = self._param_shape(x.ndim)
            mean = self.running_mean.reshape(shape)
            var = self.running_var.reshape(shape)
            x_hat, self._cache = F.normalize(x, axes, self.eps, mean, var)
        return self._scale_shift(x_hat)

    def _update_running_stats(self, cache):
        # PyTorch's convention: an exponential moving average that gives
        # weight `momentum` to the new batch, and the *unbiased* batch
        # variance m / (m - 1) * var in running_var.  momentum=None weighs the
        # k-th batch 1/k: the plain average of all batches so far.
        m = cache.x_hat.size // self.num_features
        batch_mean = cache.mean.reshape(-1)
        batch_var = cache.var.reshape(-1) * (m / (m - 1))
        self.num_batches_tracked = count = self.num_batches_tracked + 1
        mom = self.momentum if self.momentum is not None else 1.0 / count
        new_mean = (1 - mom) * self.running_mean + mom * batch_mean
        new_var = (1 - mom) * self.running_var + mom * batch_var
        self.running_mean = new_mean.astype(self.dtype)
        self.running_var = new_var.astype(self.dtype)


class BatchNorm1d(_BatchNorm):
    r"""Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs (notes eqs. (8')–(12)).

    Training mode normalises each feature ``c`` with the mean and (biased) variance of
    the mini-batch, :math:`\mu_{\mathcal{B},c}` and :math:`\sigma^2_{\mathcal{B},c}`,
    and updates the running statistics the way PyTorch does::

        running_mean = (1 - momentum) * running_mean + momentum * batch_mean
        running_var  = (1 - momentum) * running_var  + momentum * unbiased_batch_var

    With ``momentum=None`` the ``k``-th batch gets weight ``1/k`` instead, so the
    running statistics are the plain averages over every training batch seen
    (``num_batches_tracked`` counts them): the population estimates of Ioffe & Szegedy's
    Algorithm 2.  Evaluation mode (``.eval()``) normalises with ``running_mean`` and
    ``running_var`` instead of the batch's, so a prediction does not depend on the other
    samples of the batch.

    Parameters
    ----------
    num_features : int
        ``C``, the number of features (channels).
    eps : float
        Added to the variance, > 0.
    momentum : float or None
        Weight of the new batch in the running averages, in [0, 1]; ``None`` for the
        cumulative average over all batches.
    affine : bool
        Learn ``gamma`` (initialised to 1) and ``beta`` (initialised to 0).
    rng : ignored
        Accepted for a uniform constructor signature (nothing here is random).
    dtype : numpy dtype
        ``float32`` by default; ``float64`` for gradient checks.

    Examples
    --------
    Two samples of one feature, 0 and 2: the batch mean is 1, the variance 1.

    >>> import numpy as np
    >>> from dlbook.nn import BatchNorm1d
    >>> bn = BatchNorm1d(1, eps=0.0001, dtype=np.float64)
    >>> np.round(bn(np.array([[0.0], [2.0]])), 4)
    array([[-1.],
           [ 1.]])
    >>> bn.running_mean, bn.running_var  # 0.9*0 + 0.1*1, 0.9*1 + 0.1*2 (unbiased)
    (array([0.1]), array([1.1]))

    ``momentum=None``: the average of the batches' statistics (means 1 and 5 here):

    >>> avg = BatchNorm1d(1, momentum=None, dtype=np.float64)
    >>> _ = avg(np.array([[0.0], [2.0]])), avg(np.array([[4.0], [6.0]]))
    >>> avg.running_mean, avg.running_var, int(avg.num_batches_tracked)
    (array([3.]), array([2.]), 2)
    """

    _ndims = (2, 3)
    _layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    r"""Batch normalisation of ``(N, C, H, W)`` inputs: one mean and variance per channel.

    The statistics of channel ``c`` are taken over all ``N * H * W`` values of that
    channel in the mini-batch (notes Fig. 3), so ``gamma``, ``beta``,
    ``running_mean`` and ``running_var`` all have shape ``(C,)``.  Train/eval behaviour
    and the running averages are those of :class:`BatchNorm1d`.

    Parameters
    ----------
    num_features : int
        ``C``, the number of channels.
    eps : float
        Added to the variance, > 0.
    momentum : float or None
        Weight of the new batch in the running averages, in [0, 1]; ``None`` for the
        cumulative average over all batches.
    affine : bool
        Learn ``gamma`` (initialised to 1) and ``beta`` (initialised to 0).
    rng : ignored
        Accepted for a uniform constructor signature.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import BatchNorm2d
    >>> bn = BatchNorm2d(3)
    >>> x = np.random.default_rng(0).normal(5.0, 2.0, (8, 3, 4, 4)).astype(np.float32)
    >>> y = bn(x)
    >>> bool(np.allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-6))  # per channel
    True
    >>> np.round(y.std(axis=(0, 2, 3)), 3)
    array([1., 1., 1.], dtype=float32)
    >>> bn.gamma.shape, bn.running_var.shape
    ((3,), (3,))
    """

    _ndims = (4,)
    _layout = "(N, C, H, W)"


class LayerNorm(_Normalization):
    r"""Layer normalisation (Ba et al., 2016): each sample over its trailing dimensions.

    For ``normalized_shape = (C, H, W)`` and input ``(N, C, H, W)``, every sample gets
    one mean and one variance over all of its ``C * H * W`` values (notes Fig. 4).
    As in PyTorch, ``gamma`` and ``beta`` have shape ``normalized_shape``: one scale
    and shift per element, not per channel.  Training and evaluation are identical.

    Parameters
    ----------
    normalized_shape : int or tuple of int
        The trailing dimensions to normalise over, e.g. ``64`` or ``(16, 8, 8)``.
    eps : float
        Added to the variance, > 0.
    elementwise_affine : bool
        Learn ``gamma`` (ones) and ``beta`` (zeros) of shape ``normalized_shape``.
    rng : ignored
        Accepted for a uniform constructor signature.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    Each row is normalised on its own, whatever the other rows hold:

    >>> import numpy as np
    >>> from dlbook.nn import LayerNorm
    >>> ln = LayerNorm(3, eps=1e-12, dtype=np.float64)
    >>> np.round(ln(np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]])) * np.sqrt(2 / 3), 6)
    array([[-1.,  0.,  1.],
           [-1.,  0.,  1.]])
    """

    def __init__(self, normalized_shape, eps=1e-5, *, elementwise_affine=True, rng=None,
                 dtype=np.float32):
        if isinstance(normalized_shape, numbers.Integral) and not isinstance(normalized_shape, bool):
            normalized_shape = (normalized_shape,)
        if not isinstance(normalized_shape, (tuple, list)) or not normalized_shape:
            raise TypeError(f"LayerNorm: argument 'normalized_shape' must be an int or a "
                            f"non-empty tuple of ints, got {normalized_shape!r}")
        normalized_shape = tuple(check_int(n, "normalized_shape", minimum=1, owner="LayerNorm")
                                 for n in normalized_shape)
        super().__init__(normalized_shape, eps, elementwise_affine, dtype)
        self.normalized_shape = normalized_shape

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps:g}, elementwise_affine={self.affine}"

    def _check_shape(self, x):
        k = len(self.normalized_shape)
        if x.ndim < k + 1:
            raise ValueError(f"LayerNorm: argument 'x' must have at least {k + 1} dimensions "
                             f"(N, *{self.normalized_shape}), got {x.ndim} (shape {x.shape})")
        if x.shape[-k:] != self.normalized_shape:
            raise ValueError(f"LayerNorm: argument 'x' has trailing shape {x.shape[-k:]} "
                             f"(shape {x.shape}) but the layer expects "
                             f"normalized_shape={self.normalized_shape}")

    def _stats_view(self, x):
        k = len(self.normalized_shape)
        return x, tuple(range(x.ndim - k, x.ndim))

    def _param_shape(self, ndim):
        return (1,) * (ndim - len(self.normalized_shape)) + self.normalized_shape


class GroupNorm(_Normalization):
    r"""Group normalisation (Wu & He, 2018): each sample over groups of channels.

    The ``C`` channels are split into ``num_groups`` consecutive groups of
    ``C / num_groups``; each sample gets one mean and variance per group, over the
    group's channels and all positions (notes Fig. 6).  ``num_groups = 1`` is layer
    normalisation over ``(C, H, W)`` with per-channel ``gamma``; ``num_groups = C`` is
    instance normalisation.  Training and evaluation are identical.

    Parameters
    ----------
    num_groups : int
        Number of groups; must divide ``num_channels``.
    num_channels : int
        ``C``.
    eps : float
        Added to the variance, > 0.
    affine : bool
        Learn per-channel ``gamma`` (ones) and ``beta`` (zeros).
    rng : ignored
        Accepted for a uniform constructor signature.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    Four channels in two groups: channels 0–1 share statistics, as do 2–3.

    >>> import numpy as np
    >>> from dlbook.nn import GroupNorm
    >>> gn = GroupNorm(2, 4, dtype=np.float64)
    >>> x = np.array([[[0.0, 2.0], [0.0, 2.0], [5.0, 5.0], [7.0, 7.0]]])  # (N=1, C=4, L=2)
    >>> np.round(gn(x), 3)
    array([[[-1.,  1.],
            [-1.,  1.],
            [-1., -1.],
            [ 1.,  1.]]])
    """

    def __init__(self, num_groups, num_channels, eps=1e-5, *, affine=True, rng=None,
                 dtype=np.float32):
        num_groups = check_int(num_groups, "num_groups", minimum=1, owner="GroupNorm")
        num_channels = check_int(num_channels, "num_channels", minimum=1, owner="GroupNorm")
        if num_channels % num_groups:
            divisors = [d for d in range(1, num_channels + 1) if num_channels % d == 0]
            raise ValueError(f"GroupNorm: argument 'num_groups'={num_groups} must divide "
                             f"num_channels={num_channels}; valid values are {divisors}")
        super().__init__((num_channels,), eps, affine, dtype)
        self.num_groups = num_groups
        self.num_channels = num_channels

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps:g}, affine={self.affine}"

    def _check_shape(self, x):
        if x.ndim < 2:
            raise ValueError(f"GroupNorm: argument 'x' must have at least 2 dimensions "
                             f"(N, C, ...), got {x.ndim} (shape {x.shape})")
        check_channels(x, self.num_channels, owner="GroupNorm",
                       wanted=f"the layer expects num_channels={self.num_channels}")

    def _stats_view(self, x):
        n, c = x.shape[:2]
        view = x.reshape(n, self.num_groups, c // self.num_groups, -1)
        return view, (2, 3)


class InstanceNorm2d(_Normalization):
    r"""Instance normalisation (Ulyanov et al., 2016): each channel of each image alone.

    Every ``(sample, channel)`` pair of an ``(N, C, H, W)`` input gets its own mean and
    variance over the ``H * W`` positions (notes Fig. 5).  As in PyTorch the default is
    ``affine=False`` and the same statistics are used in training and evaluation.

    Parameters
    ----------
    num_features : int
        ``C``.
    eps : float
        Added to the variance, > 0.
    affine : bool
        Learn per-channel ``gamma`` (ones) and ``beta`` (zeros); off by default.
    rng : ignored
        Accepted for a uniform constructor signature.
    dtype : numpy dtype
        ``float32`` by default.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import InstanceNorm2d
    >>> inorm = InstanceNorm2d(2, dtype=np.float64)
    >>> x = np.array([[[[1.0, 3.0]], [[10.0, 10.0]]]])  # (1, 2, 1, 2)
    >>> np.round(inorm(x), 3)  # a constant channel becomes 0
    array([[[[-1.,  1.]],
    <BLANKLINE>
            [[ 0.,  0.]]]])
    """

    def __init__(self, num_features, eps=1e-5, *, affine=False, rng=None, dtype=np.float32):
        num_features = check_int(num_features, "num_features", minimum=1,
                                 owner="InstanceNorm2d")
        super().__init__((num_features,), eps, affine, dtype)
        self.num_features = num_features

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps:g}, affine={self.affine}"

    def _check_shape(self, x):
        if x.ndim != 4:
            raise ValueError(f"InstanceNorm2d: argument 'x' must have 4 dimensions "
                             f"(N, C, H, W), got {x.ndim} (shape {x.shape})")
        check_channels(x, self.num_features, owner="InstanceNorm2d",
                       wanted=f"the layer expects num_features={self.num_features}")
        if self.training and math.prod(x.shape[2:]) < 2:
            raise ValueError(f"InstanceNorm2d: expected more than 1 spatial element when "
                             f"training, got input of shape {x.shape}")

    def _stats_view(self, x):
        return x, (2, 3)
