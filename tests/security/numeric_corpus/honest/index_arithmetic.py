"""Recurrences over indices: h[t + 1] from h[t], ranges to n - 1, reversed loops."""
import numpy as np


def softmax_dL_dx(y, dy):
    m, n = y.shape
    inner = np.zeros(m)
    for k in range(n):
        inner = inner + y[:, k] * dy[:, k]
    out = np.zeros((m, n))
    for k in range(n - 1, -1, -1):
        out[:, k] = y[:, k] * (dy[:, k] - inner)
    return out


def bn_dL_dbeta(dy):
    m = dy.shape[0]
    running = np.zeros((m + 1, dy.shape[1]))
    for t in range(m):
        running[t + 1] = running[t] + dy[t]
    return running[m] - running[0]


def dropout_dL_dx(dy, M):
    out = dy.copy()
    for i in range(dy.shape[0] - 1):
        out[i] = out[i] * M[i]
    out[-1] = out[-1] * M[-1]
    return out
