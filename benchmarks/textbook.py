"""A textbook im2col convolution network, the yardstick between dlbook and PyTorch.

This is the way the ゼロから作る Deep Learning books teach it, written here from the
idea rather than copied: im2col fills one ``(N, C, kh, kw, OH, OW)`` array with one
strided slice per kernel offset, then a transpose and reshape make the
``(N*OH*OW, C*kh*kw)`` column matrix (one big copy); the convolution is one matrix
product; col2im adds the column gradient back window offset by window offset.  Max
pooling uses the same columns.  Nothing here is tuned: it is the baseline a learner
would write after reading the lecture notes.  It is never imported by dlbook.
"""

from __future__ import annotations

import numpy as np


def out_size(size, k, stride, pad):
    return (size + 2 * pad - k) // stride + 1


def im2col(x, kh, kw, stride, pad):
    """``(N*OH*OW, C*kh*kw)`` columns of a padded NCHW input."""
    n, c, h, w = x.shape
    oh, ow = out_size(h, kh, stride, pad), out_size(w, kw, stride, pad)
    z = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))) if pad else x
    col = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for p in range(kh):
        for q in range(kw):
            col[:, :, p, q] = z[:, :, p:p + stride * oh:stride, q:q + stride * ow:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col, x_shape, kh, kw, stride, pad):
    """Adjoint of :func:`im2col`: add every column entry back onto its pixel."""
    n, c, h, w = x_shape
    oh, ow = out_size(h, kh, stride, pad), out_size(w, kw, stride, pad)
    blocks = col.reshape(n, oh, ow, c, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    dz = np.zeros((n, c, h + 2 * pad, w + 2 * pad), dtype=col.dtype)
    for p in range(kh):
        for q in range(kw):
            dz[:, :, p:p + stride * oh:stride, q:q + stride * ow:stride] += blocks[:, :, p, q]
    return dz[:, :, pad:pad + h, pad:pad + w]


class Conv:
    def __init__(self, c_in, c_out, k, stride=1, pad=0, rng=None):
        rng = np.random.default_rng(rng)
        fan_in = c_in * k * k
        self.W = (rng.standard_normal((c_out, c_in, k, k)) * np.sqrt(2 / fan_in)).astype(
            np.float32)
        self.b = np.zeros(c_out, np.float32)
        self.k, self.stride, self.pad = k, stride, pad
        self.dW = self.db = None

    def forward(self, x):
        n, _, h, w = x.shape
        k, s, p = self.k, self.stride, self.pad
        oh, ow = out_size(h, k, s, p), out_size(w, k, s, p)
        self.x_shape = x.shape
        self.col = im2col(x, k, k, s, p)
        self.w2 = self.W.reshape(len(self.W), -1).T
        out = self.col @ self.w2 + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        d2 = dout.transpose(0, 2, 3, 1).reshape(-1, len(self.W))
        self.db = d2.sum(axis=0)
        self.dW = (self.col.T @ d2).T.reshape(self.W.shape)
        dcol = d2 @ self.w2.T
        return col2im(dcol, self.x_shape, self.k, self.k, self.stride, self.pad)

    def params(self):
        return [(self.W, self.dW), (self.b, self.db)]


class MaxPool:
    def __init__(self, k):
        self.k = k

    def forward(self, x):
        n, c, h, w = x.shape
        k = self.k
        oh, ow = out_size(h, k, k, 0), out_size(w, k, k, 0)
        col = im2col(x, k, k, k, 0).reshape(-1, c, k * k)
        self.x_shape, self.arg = x.shape, col.argmax(axis=2)
        out = np.take_along_axis(col, self.arg[..., None], axis=2)[..., 0]
        return out.reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        k = self.k
        d = dout.transpose(0, 2, 3, 1).reshape(-1, dout.shape[1])
        dcol = np.zeros(d.shape + (k * k,), dtype=dout.dtype)
        np.put_along_axis(dcol, self.arg[..., None], d[..., None], axis=2)
        return col2im(dcol.reshape(len(d), -1), self.x_shape, k, k, k, 0)

    def params(self):
        return []


class ReLU:
    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0, x)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)

    def params(self):
        return []


class Affine:
    def __init__(self, n_in, n_out, rng=None):
        rng = np.random.default_rng(rng)
        self.W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(np.float32)
        self.b = np.zeros(n_out, np.float32)
        self.dW = self.db = None

    def forward(self, x):
        self.x_shape = x.shape
        self.x = x.reshape(len(x), -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW, self.db = self.x.T @ dout, dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.x_shape)

    def params(self):
        return [(self.W, self.dW), (self.b, self.db)]


def softmax_cross_entropy(logits, labels):
    """Mean loss and its gradient with respect to the logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    n = len(labels)
    loss = -np.log(p[np.arange(n), labels] + 1e-7).mean()
    p[np.arange(n), labels] -= 1
    return loss, p / n


class Adam:
    def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, 0

    def update(self, layers):
        self.t += 1
        for i, layer in enumerate(layers):
            for j, (p, g) in enumerate(layer.params()):
                key = (i, j)
                if key not in self.m:
                    self.m[key], self.v[key] = np.zeros_like(p), np.zeros_like(p)
                m, v = self.m[key], self.v[key]
                m += (1 - self.beta1) * (g - m)
                v += (1 - self.beta2) * (g * g - v)
                m_hat = m / (1 - self.beta1 ** self.t)
                v_hat = v / (1 - self.beta2 ** self.t)
                p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def lenet5(rng=0):
    """LeNet-5 as dlbook.models.LeNet5 builds it (ReLU, max pooling), textbook layers."""
    return [Conv(1, 6, 5, rng=rng), ReLU(), MaxPool(2),
            Conv(6, 16, 5, rng=rng + 1), ReLU(), MaxPool(2),
            Conv(16, 120, 5, rng=rng + 2), ReLU(),
            Affine(120, 84, rng=rng + 3), ReLU(), Affine(84, 10, rng=rng + 4)]


def train_step(layers, optimizer, x, labels):
    """Forward, loss, backward through every layer, Adam update."""
    for layer in layers:
        x = layer.forward(x)
    loss, d = softmax_cross_entropy(x, labels)
    for layer in reversed(layers):
        d = layer.backward(d)
    optimizer.update(layers)
    return loss
