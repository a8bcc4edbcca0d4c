"""dlbook's losses against PyTorch's: values and gradients with respect to the logits."""

import numpy as np
import pytest
from torch import nn

from dlbook import functional as F
from dlbook.models import GoogLeNetLoss
from dlbook.nn import SoftmaxCrossEntropy
from torch_helpers import close, t
from torch_models import googlenet_loss


@pytest.mark.parametrize("scale", [1.0, 30.0, 1e3])      # extreme logits stay exact
def test_softmax_cross_entropy_is_cross_entropy_loss(scale, gen):
    logits, labels = gen.standard_normal((6, 5)) * scale, gen.integers(0, 5, 6)
    loss_fn = SoftmaxCrossEntropy()
    zt = t(logits, grad=True)
    loss_t = nn.CrossEntropyLoss()(zt, t(labels))        # mean over the batch, as dlbook
    close(loss_fn(logits, labels), loss_t)
    loss_t.backward()
    close(loss_fn.backward(), zt.grad)


def test_functional_softmax_family(gen):
    logits, labels = gen.standard_normal((4, 3)) * 5, gen.integers(0, 3, 4)
    close(F.softmax(logits, axis=1), nn.functional.softmax(t(logits), dim=1))
    close(F.log_softmax(logits, axis=1), nn.functional.log_softmax(t(logits), dim=1))
    close(F.cross_entropy(logits, labels), nn.functional.cross_entropy(t(logits), t(labels)))


@pytest.mark.parametrize("with_aux", [True, False])
def test_googlenet_loss(with_aux, gen):
    labels = gen.integers(0, 4, 3)
    outputs = tuple(gen.standard_normal((3, 4)) for _ in range(3 if with_aux else 1))
    tensors = tuple(t(o, grad=True) for o in outputs)
    loss_t = googlenet_loss(tensors if with_aux else tensors[0], t(labels))
    loss, grads = GoogLeNetLoss()(outputs if with_aux else outputs[0], labels)
    close(loss, loss_t)
    loss_t.backward()
    for grad, tensor in zip(grads if with_aux else (grads,), tensors):
        close(grad, tensor.grad)
