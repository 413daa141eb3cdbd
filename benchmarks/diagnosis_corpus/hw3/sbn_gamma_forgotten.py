"""HW3 4: spatial batch norm backward (the compact formula)."""
import numpy as np


def sbn_dL_dx(x, dout, eps):
    N, C, H, W = x.shape
    m = N * H * W
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    inv_std = 1 / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + eps)
    xhat = (x - mu) * inv_std
    return inv_std / m * (m * dout - dout.sum(axis=(0, 2, 3), keepdims=True)
                          - xhat * (dout * xhat).sum(axis=(0, 2, 3), keepdims=True))
