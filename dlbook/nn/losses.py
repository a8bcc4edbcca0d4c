"""Softmax cross-entropy loss, the last layer of every classifier in the book."""

from __future__ import annotations

import numpy as np

from dlbook import functional as F
from dlbook._checks import check_array, check_labels
from dlbook.nn.module import Module


class SoftmaxCrossEntropy(Module):
    r"""Mean cross-entropy of the softmax of ``logits`` against integer ``labels``.

    ``loss_fn(logits, labels)`` returns the batch mean; ``loss_fn.backward()`` returns
    :math:`\partial L / \partial \text{logits} = (\mathrm{softmax}(x) - \text{onehot}(t)) / N`.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.nn import SoftmaxCrossEntropy
    >>> loss_fn = SoftmaxCrossEntropy()
    >>> logits = np.array([[0.0, 0.0], [0.0, 0.0]])
    >>> round(float(loss_fn(logits, np.array([0, 1]))), 6)  # log 2
    0.693147
    >>> loss_fn.backward()
    array([[-0.25,  0.25],
           [ 0.25, -0.25]])
    """

    def __init__(self):
        super().__init__()
        self._cache = None

    def _check_input(self, logits, labels):
        check_array(logits, "logits", ndim=2, layout="(N, num_classes)",
                    owner="SoftmaxCrossEntropy")
        check_labels(labels, logits.shape[0], logits.shape[1], "SoftmaxCrossEntropy")

    def forward(self, logits, labels):
        logp = F.log_softmax(logits, axis=1)
        rows = np.arange(len(labels))
        self._cache = (logp, labels)
        return -logp[rows, labels].mean()

    def backward(self, dout=1.0):
        logp, labels = self.cached(self._cache)
        self._cache = None
        grad = np.exp(logp)
        grad[np.arange(len(labels)), labels] -= 1.0
        return grad * (dout / len(labels))
