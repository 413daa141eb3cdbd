"""HW1 1.1: BatchNorm backward, node by node."""
import numpy as np


def bn_dL_dx(dy, x, mu, var, gamma, eps, m):
    xmu = x - mu
    inv_std = 1 / np.sqrt(var + eps)
    dxhat = dy * gamma
    # d var / d x_i = 2 (x_i - mu) / m
    dvar = np.sum(dxhat * xmu, axis=0) * -0.5 * inv_std ** 3
    dx = dxhat * inv_std + dvar * 2 * xmu / m
    return dx
