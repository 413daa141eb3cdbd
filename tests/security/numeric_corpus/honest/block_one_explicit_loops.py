"""Block one with every sum written as a Python loop."""
import numpy as np


def bn_dL_dx(dy, x, gamma, eps):
    m, d = x.shape
    dx = np.zeros((m, d))
    for j in range(d):
        mean = 0.0
        for i in range(m):
            mean += x[i, j] / m
        var = 0.0
        for i in range(m):
            var += (x[i, j] - mean) ** 2 / m
        inv = 1.0 / np.sqrt(var + eps)
        g = [dy[i, j] * gamma[j] for i in range(m)]
        xhat = [(x[i, j] - mean) * inv for i in range(m)]
        g_mean = sum(g) / m
        gx_mean = sum(g[i] * xhat[i] for i in range(m)) / m
        for i in range(m):
            dx[i, j] = inv * (g[i] - g_mean - xhat[i] * gx_mean)
    return dx


def dropout_dL_dx(dy, M):
    out = np.empty_like(dy)
    for i in range(dy.shape[0]):
        for j in range(dy.shape[1]):
            out[i, j] = dy[i, j] * M[i, j]
    return out


def softmax_dL_dx(y, dy):
    out = np.zeros_like(y)
    for i in range(y.shape[0]):
        inner = 0.0
        for k in range(y.shape[1]):
            inner += y[i, k] * dy[i, k]
        for k in range(y.shape[1]):
            out[i, k] = y[i, k] * (dy[i, k] - inner)
    return out
