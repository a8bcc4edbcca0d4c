"""Helpers of the PyTorch comparisons: tensors from arrays, float64 comparisons."""

import numpy as np
import torch

from dlbook.interop import torch_name
from torch_models import load_dlbook_weights


def t(array, grad=False):
    """A tensor holding a copy of ``array`` (float64 stays float64, labels int64)."""
    return torch.tensor(np.asarray(array)).requires_grad_(grad)


def close(actual, expected, rtol=1e-12, atol=1e-12):
    """Assert a tensor or array equals ``expected`` within float64 round-off."""
    if hasattr(actual, "detach"):
        actual = actual.detach().numpy()
    if hasattr(expected, "detach"):
        expected = expected.detach().numpy()
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def compare_layer(layer, module, x, gen, rtol=1e-12, atol=1e-12):
    """Same weights in ``layer`` (dlbook) and ``module`` (PyTorch); compare everything.

    The output, the gradient with respect to the input (for a random upstream
    gradient) and every parameter's gradient must agree; returns the dlbook output.
    """
    module = load_dlbook_weights(module.double(), layer)
    xt = t(x, grad=True)
    out_t = module(xt)
    out = layer(x)
    close(out, out_t, rtol, atol)
    dout = gen.standard_normal(out.shape)
    out_t.backward(t(dout))
    close(layer.backward(dout), xt.grad, rtol, atol)
    torch_params = dict(module.named_parameters())
    for name, p in layer.named_parameters():
        close(p.grad, torch_params[torch_name(name)].grad, rtol, atol)
    return out
