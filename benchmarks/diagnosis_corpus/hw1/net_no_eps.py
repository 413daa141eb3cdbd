"""HW1 2.2: equation (5) and dL/dgamma, with the BatchNorm cache recomputed."""
import numpy as np


def _bn_cache(z1B, mu, var):
    std = np.sqrt(var)
    return (z1B - mu) / std, std


def _dH(yB_hat, yB, theta2B, m, N):
    return (yB_hat - yB) @ theta2B / m * N


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, z1B, mu, var):
    xhat, std = _bn_cache(z1B, mu, var)
    dxhat = _dH(yB_hat, yB, theta2B, m, N) * gamma
    return (m * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (m * std)


def net_dL_dgamma(yB_hat, yB, theta2B, m, N, z1B, mu, var):
    xhat, _ = _bn_cache(z1B, mu, var)
    return (_dH(yB_hat, yB, theta2B, m, N) * xhat).sum(axis=0)
