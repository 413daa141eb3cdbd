"""HW3 4: spatial batch norm, reusing the vanilla batch norm on (N*H*W, C)."""
import numpy as np


def _batchnorm_backward(x2d, gamma, dout2d, eps):
    mu = x2d.mean(axis=0)
    var = x2d.var(axis=0)
    xhat = (x2d - mu) / np.sqrt(var + eps)
    m = x2d.shape[0]
    dxhat = dout2d * gamma
    dx = (m * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (m * np.sqrt(var + eps))
    return dx, dout2d.sum(axis=0)


def sbn_dL_dx(x, gamma, dout, eps):
    N, C, H, W = x.shape
    dx, _ = _batchnorm_backward(x.reshape(-1, C), gamma, dout.reshape(-1, C), eps)
    return dx.reshape(N, C, H, W)


def sbn_dL_dbeta(x, gamma, dout, eps):
    C = x.shape[1]
    return _batchnorm_backward(x.reshape(-1, C), gamma, dout.reshape(-1, C), eps)[1]
