"""HW2 section 1: LayerNorm's gradients, one row at a time with its full Jacobian."""
import numpy as np


def ln_dL_dx(dy, x, gamma, eps):
    m, d = x.shape
    dx = np.zeros((m, d))
    for i in range(m):
        mu = x[i].mean()
        sigma = np.sqrt(((x[i] - mu) ** 2).mean() + eps)
        xhat = (x[i] - mu) / sigma
        # J[a, b] = d xhat_a / d x_b
        J = (np.eye(d) - 1.0 / d - np.outer(xhat, xhat) / d) / sigma
        dx[i] = J.T @ (gamma * dy[i])
    return dx


def ln_dL_dgamma(dy, xhat):
    m, d = dy.shape
    grad = np.zeros(d)
    for i in range(m):
        grad += dy[i] * xhat[i]
    return grad


def ln_dL_dbeta(dy):
    grad = np.zeros(dy.shape[1])
    for row in dy:
        grad += row
    return grad
