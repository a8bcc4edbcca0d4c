"""Confirmation quiz of notes 1.3.1 (Quiz 3): which graph of Fig. 9 is L1 regularisation?

Answer: the one whose constraint region is a diamond (|w1| + |w2| <= t, notes eq. (26)),
panel (a) of the book's redrawn Fig. 9.  Its corners lie on the axes, so the loss
contours usually first touch it at a corner, where one weight is exactly 0: a sparse
solution.  The circle of L2 (eq. (27)) has no corners and gives a solution with both
weights non-zero.  The test below solves the very problem drawn in Fig. 9.
"""

import numpy as np

from dlbook.regularization import lp_norm, penalized_least_squares

# The loss of Fig. 9: E(w) = 1/2 (w - w_star)^T A (w - w_star), written as least squares
# (1/2n)||Xw - y||^2 with X^T X / n = A and y = X w_star (docs/part1/regularization.md).
FIG9_A = np.array([[1.0, 0.5], [0.5, 1.0]])
FIG9_W_STAR = np.array([2.0, 0.6])
FIG9_LAM = 1.2


def fig9_problem():
    n = 2
    X = np.sqrt(n) * np.linalg.cholesky(FIG9_A).T
    return X, X @ FIG9_W_STAR


def test_fig9_problem_has_the_intended_loss():
    X, y = fig9_problem()
    assert np.allclose(X.T @ X / len(X), FIG9_A)
    assert np.allclose(np.linalg.solve(X.T @ X, X.T @ y), FIG9_W_STAR)


def test_quiz3_l1_graph_is_the_diamond_whose_solution_is_sparse():
    X, y = fig9_problem()
    w_l1 = penalized_least_squares(X, y, FIG9_LAM, p=1, steps=5000)
    w_l2 = penalized_least_squares(X, y, FIG9_LAM, p=2, steps=5000)
    # L1 (diamond): the solution sits on a corner, on the w1 axis: w2 is exactly zero
    assert w_l1[1] == 0.0 and w_l1[0] > 0.5
    # L2 (circle): both weights shrink, neither becomes zero
    assert np.all(np.abs(w_l2) > 0.05)
    assert lp_norm(w_l2, 2) < lp_norm(FIG9_W_STAR, 2)


def test_quiz3_the_solution_is_where_the_contour_touches_the_region():
    """The penalised solution solves the constrained problem with t = ||w||: no point of
    the region (diamond or disc) of that size has a lower loss."""
    X, y = fig9_problem()

    def loss(w):
        d = w - FIG9_W_STAR
        return 0.5 * np.einsum("...i,ij,...j->...", d, FIG9_A, d)

    theta = np.linspace(0, 2 * np.pi, 4001)
    for p in (1, 2):
        w = penalized_least_squares(X, y, FIG9_LAM, p=p, steps=5000)
        t = lp_norm(w, p)
        # boundary of the Lp ball of radius t: |w1|^p + |w2|^p = t^p
        c, s = np.cos(theta), np.sin(theta)
        r = t / (np.abs(c) ** p + np.abs(s) ** p) ** (1 / p)
        boundary = np.stack([r * c, r * s], axis=1)
        assert loss(w) <= loss(boundary).min() + 1e-6


def test_quiz3_sparsity_holds_across_strengths_on_many_features():
    """Beyond two dimensions: Lasso zeroes the uninformative features, Ridge zeroes none."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 20))
    w_true = np.zeros(20)
    w_true[:3] = [3.0, -2.0, 1.5]
    y = X @ w_true + 0.1 * rng.standard_normal(100)
    for lam in (0.05, 0.2, 0.5):
        w_l1 = penalized_least_squares(X, y, lam, p=1, steps=3000)
        w_l2 = penalized_least_squares(X, y, lam, p=2, steps=3000)
        assert np.sum(w_l1 == 0) >= 12
        assert np.all(w_l1[:3] != 0)
        assert np.sum(w_l2 == 0) == 0
    # the subgradient method only gets near zero, not exactly to it
    w_sub = penalized_least_squares(X, y, 0.2, p=1, steps=3000, proximal=False)
    assert np.sum(w_sub == 0) == 0
    assert np.max(np.abs(w_sub[3:])) < 0.25 < np.min(np.abs(w_sub[:3]))
