r"""The fully connected layer as functions (notes eq. (31)): :math:`y = Wx + b` and its gradient."""

from __future__ import annotations

from dlbook._checks import check_array


def _check_linear(x, W, b):
    check_array(x, "x", ndim=2, layout="(N, in_features)", owner="linear", finite=False)
    check_array(W, "W", ndim=2, layout="(out_features, in_features)", owner="linear",
                finite=False)
    if x.shape[1] != W.shape[1]:
        raise ValueError(f"linear: argument 'x' has {x.shape[1]} features per sample "
                         f"(shape {x.shape}) but W of shape {W.shape} expects {W.shape[1]}")
    if b is not None and check_array(b, "b", owner="linear", finite=False).shape != W.shape[:1]:
        raise ValueError(f"linear: argument 'b' has shape {b.shape}; expected "
                         f"({W.shape[0]},), one value per row of W")


def linear(x, W, b=None):
    r"""Affine map of a batch of row vectors, :math:`Y = X W^\top + b` (notes eq. (31)).

    Eq. (31) is written for one column vector, :math:`\mathbf{y} = \mathbf{W}\mathbf{x} +
    \mathbf{b}`; a batch stores one sample per row, so the product is ``x @ W.T``.
    Arguments are checked for type and shape; the layer :class:`dlbook.nn.Linear`
    checks its input for NaN once.

    Parameters
    ----------
    x : numpy.ndarray
        Input of shape ``(N, in_features)``.
    W : numpy.ndarray
        Weights of shape ``(out_features, in_features)`` (PyTorch's layout).
    b : numpy.ndarray, optional
        Bias of shape ``(out_features,)``.

    Returns
    -------
    numpy.ndarray
        ``(N, out_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook import functional as F
    >>> W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    >>> F.linear(np.array([[1.0, 2.0, 3.0]]), W, np.array([0.5, -0.5]))
    array([[-1.5,  3.5]])
    """
    _check_linear(x, W, b)
    y = x @ W.T
    if b is not None:
        y += b
    return y


def linear_backward(dout, x, W):
    r"""Gradients of :func:`linear`: the chain rule's three products.

    With :math:`\delta = \partial L/\partial Y`,
    :math:`\partial L/\partial X = \delta W`,
    :math:`\partial L/\partial W = \delta^\top X` and
    :math:`\partial L/\partial b = \sum_n \delta_n`.

    Parameters
    ----------
    dout : numpy.ndarray
        :math:`\delta`, of shape ``(N, out_features)``.
    x, W : numpy.ndarray
        The input and the weights of the forward pass.

    Returns
    -------
    dx, dW, db : numpy.ndarray
        Of the shapes of ``x``, ``W`` and the bias.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook import functional as F
    >>> W = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
    >>> dx, dW, db = F.linear_backward(np.array([[1.0, 1.0]]), np.array([[1.0, 2.0, 3.0]]), W)
    >>> dx, db
    (array([[ 3.,  1., -1.]]), array([1., 1.]))
    >>> dW
    array([[1., 2., 3.],
           [1., 2., 3.]])
    """
    _check_linear_backward(dout, x, W)
    dx = dout @ W
    dW = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dW, db


def _check_linear_backward(dout, x, W):
    _check_linear(x, W, None)
    check_array(dout, "dout", ndim=2, layout="(N, out_features)", owner="linear_backward",
                finite=False)
    if dout.shape != (x.shape[0], W.shape[0]):
        raise ValueError(f"linear_backward: argument 'dout' has shape {dout.shape}; expected "
                         f"{(x.shape[0], W.shape[0])}, the shape of linear(x, W)")
