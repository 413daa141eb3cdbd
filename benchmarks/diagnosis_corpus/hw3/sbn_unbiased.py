"""HW3 4: spatial batch norm backward with numpy's var(ddof=1)."""
import numpy as np


def sbn_dL_dx(x, gamma, dout, eps):
    N, C, H, W = x.shape
    m = N * H * W
    xt = x.transpose(1, 0, 2, 3).reshape(C, m)
    dt = dout.transpose(1, 0, 2, 3).reshape(C, m)
    mu = xt.mean(axis=1, keepdims=True)
    var = xt.var(axis=1, ddof=1, keepdims=True)
    xhat = (xt - mu) / np.sqrt(var + eps)
    dxhat = dt * gamma[:, None]
    dvar = (dxhat * (xt - mu)).sum(axis=1, keepdims=True) * -0.5 * (var + eps) ** -1.5
    dmu = -dxhat.sum(axis=1, keepdims=True) / np.sqrt(var + eps)
    dx = dxhat / np.sqrt(var + eps) + dvar * 2 * (xt - mu) / (m - 1) + dmu / m
    return dx.reshape(C, N, H, W).transpose(1, 0, 2, 3)
