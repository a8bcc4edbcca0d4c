"""Softmax and cross-entropy, finite for any finite logits."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_labels


def _check_cross_entropy(logits, labels):
    check_array(logits, "logits", ndim=2, layout="(N, num_classes)", owner="cross_entropy")
    check_labels(labels, logits.shape[0], logits.shape[1], "cross_entropy")


def log_softmax(x, axis=-1):
    r"""Logarithm of the softmax, :math:`x_k - \log\sum_j e^{x_j}`, computed stably.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import log_softmax
    >>> log_softmax(np.array([[1e4, 0.0]]))
    array([[    0., -10000.]])
    """
    shifted = x - np.max(x, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(x, axis=-1):
    r"""Softmax :math:`e^{x_k} / \sum_j e^{x_j}` along ``axis``.

    Subtracting the maximum first keeps ``exp`` from overflowing.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import softmax
    >>> softmax(np.array([[0.0, 0.0], [1e4, 0.0]]))
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def cross_entropy(logits, labels):
    r"""Mean cross-entropy :math:`-\frac1N\sum_n \log \mathrm{softmax}(x_n)_{t_n}`.

    ``labels`` are integer class indices, one per row of ``logits``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.functional import cross_entropy
    >>> round(float(cross_entropy(np.zeros((2, 4)), np.array([0, 3]))), 6)  # log 4
    1.386294
    """
    _check_cross_entropy(logits, labels)
    logp = log_softmax(logits, axis=1)
    return -np.mean(logp[np.arange(len(labels)), labels])
