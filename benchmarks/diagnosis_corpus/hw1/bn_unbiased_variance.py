"""HW1 1.1: BatchNorm backward, one sample at a time."""
import numpy as np


def bn_dL_dx(x, dy, gamma, eps):
    m, d = x.shape
    mean = x.sum(axis=0) / m
    # the sample variance of the batch
    s2 = ((x - mean) ** 2).sum(axis=0) / (m - 1)
    std = np.sqrt(s2 + eps)
    xhat = (x - mean) / std
    g = dy * gamma
    dx = np.zeros_like(x)
    for i in range(m):
        direct = g[i] / std
        through_mean = -g.sum(axis=0) / (m * std)
        through_var = -xhat[i] * (g * xhat).sum(axis=0) / ((m - 1) * std)
        dx[i] = direct + through_mean + through_var
    return dx
