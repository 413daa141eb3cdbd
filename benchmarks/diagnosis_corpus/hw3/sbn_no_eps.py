"""HW3 4: spatial batch norm backward, staged."""
import numpy as np


def sbn_dL_dx(x, gamma, dout, eps):
    N, C, H, W = x.shape
    m = N * H * W
    mu = x.mean(axis=(0, 2, 3), keepdims=True)
    xc = x - mu
    var = (xc**2).mean(axis=(0, 2, 3), keepdims=True)
    std = np.sqrt(var)
    xhat = xc / std
    dxhat = dout * gamma.reshape(1, C, 1, 1)
    dvar = (dxhat * xc * -0.5 * std**-3).sum(axis=(0, 2, 3), keepdims=True)
    dmu = (-dxhat / std).sum(axis=(0, 2, 3), keepdims=True) + dvar * (-2 * xc).mean(axis=(0, 2, 3), keepdims=True)
    return dxhat / std + dvar * 2 * xc / m + dmu / m
