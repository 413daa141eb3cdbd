"""HW1 block one, every formula written out sample by sample and feature by feature."""
import numpy as np


def _column_stats(x, eps):
    m, d = x.shape
    mean = np.zeros(d)
    std = np.zeros(d)
    for j in range(d):
        mean[j] = sum(x[i, j] for i in range(m)) / m
        std[j] = np.sqrt(sum((x[i, j] - mean[j]) ** 2 for i in range(m)) / m + eps)
    return mean, std


def bn_dy_dgamma(x, eps):
    mean, std = _column_stats(x, eps)
    m, d = x.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = (x[i, j] - mean[j]) / std[j]
    return out


def bn_dy_dbeta(x):
    m, d = x.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = 1.0
    return out


def bn_dL_dgamma(dy, x, eps):
    xhat = bn_dy_dgamma(x, eps)
    m, d = dy.shape
    grad = np.zeros(d)
    for j in range(d):
        for i in range(m):
            grad[j] += dy[i, j] * xhat[i, j]
    return grad


def bn_dL_dbeta(dy):
    m, d = dy.shape
    grad = np.zeros(d)
    for i in range(m):
        grad += dy[i]
    return grad


def bn_dL_dx(dy, x, gamma, eps):
    # dxhat_i / dx_k = (delta_ik - 1/m - xhat_i xhat_k / m) / std, column by column
    mean, std = _column_stats(x, eps)
    m, d = x.shape
    dx = np.zeros((m, d))
    for j in range(d):
        xhat = (x[:, j] - mean[j]) / std[j]
        for k in range(m):
            total = 0.0
            for i in range(m):
                delta = 1.0 if i == k else 0.0
                total += dy[i, j] * gamma[j] * (delta - 1.0 / m - xhat[i] * xhat[k] / m) / std[j]
            dx[k, j] = total
    return dx


def dropout_dy_dx(M):
    m, d = M.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = M[i, j]
    return out


def dropout_dL_dx(dy, M):
    m, d = dy.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = dy[i, j] * M[i, j]
    return out


def _softmax_row(row):
    e = np.exp(row - np.max(row))
    return e / np.sum(e)


def softmax_jacobian(x):
    m, n = x.shape
    J = np.zeros((m, n, n))
    for i in range(m):
        s = _softmax_row(x[i])
        for a in range(n):
            for b in range(n):
                J[i, a, b] = s[a] * ((1.0 if a == b else 0.0) - s[b])
    return J


def softmax_dL_dx(x, dy):
    m, n = x.shape
    grad = np.zeros((m, n))
    for i in range(m):
        s = _softmax_row(x[i])
        for b in range(n):
            grad[i, b] = sum(dy[i, a] * s[a] * ((1.0 if a == b else 0.0) - s[b]) for a in range(n))
    return grad
