"""HW1: BatchNorm backward staged node by node (CS231n style), used alone and inside the network."""
import numpy as np


def _bn_backward(dout, x, gamma, eps):
    """Staged backward of y = gamma * (x - mu) / sqrt(var + eps) + beta, returning dx, dgamma, dbeta."""
    N = x.shape[0]
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu ** 2).mean(axis=0)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    divar = (dxhat * xmu).sum(axis=0)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / sqrtvar ** 2 * divar
    dvar = 0.5 / sqrtvar * dsqrtvar
    dsq = np.ones_like(dout) * dvar / N
    dxmu2 = 2 * xmu * dsq
    dmu = -(dxmu1 + dxmu2).sum(axis=0)
    dx = dxmu1 + dxmu2 + np.ones_like(dout) * dmu / N
    return dx, dgamma, dbeta


def bn_dL_dx(dy, x, gamma, eps):
    return _bn_backward(dy, x, gamma, eps)[0]


def bn_dL_dgamma(dy, x, gamma, eps):
    return _bn_backward(dy, x, gamma, eps)[1]


def bn_dL_dbeta(dy, x, gamma, eps):
    return _bn_backward(dy, x, gamma, eps)[2]


def softmax_dL_dx(y, dy):
    inner = (y * dy).sum(axis=1, keepdims=True)
    return y * (dy - inner)


def _dH_BN(yB_hat, yB, theta2B, m, N):
    dz2B = (yB_hat - yB) / m
    dx2B = dz2B @ theta2B
    return dx2B * N


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, z1B, gamma, eps):
    return _bn_backward(_dH_BN(yB_hat, yB, theta2B, m, N), z1B, gamma, eps)[0]


def eq06_dL_dtheta1B(yB_hat, yB, theta2B, m, N, z1B, gamma, eps, x):
    dz1B = _bn_backward(_dH_BN(yB_hat, yB, theta2B, m, N), z1B, gamma, eps)[0]
    return dz1B.T @ x


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N, z1B, gamma, eps):
    dz1B = _bn_backward(_dH_BN(yB_hat, yB, theta2B, m, N), z1B, gamma, eps)[0]
    return dz1B.sum(axis=0)


def net_dL_dgamma(yB_hat, yB, theta2B, m, N, z1B, gamma, eps):
    return _bn_backward(_dH_BN(yB_hat, yB, theta2B, m, N), z1B, gamma, eps)[1]


def net_dL_dbeta(yB_hat, yB, theta2B, m, N, z1B, gamma, eps):
    return _bn_backward(_dH_BN(yB_hat, yB, theta2B, m, N), z1B, gamma, eps)[2]
