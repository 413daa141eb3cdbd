"""HW1 2.2: equation (5), and dL/dbeta of the network's BatchNorm."""
import numpy as np


def _dL_dH(yB_hat, yB, theta2B, m):
    # x2B = zBN + yA_hat and zBN = relu(H_BN)
    return (yB_hat - yB) @ theta2B / m


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, gamma, xhat, var, eps):
    g = _dL_dH(yB_hat, yB, theta2B, m) * gamma
    return (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0)) / np.sqrt(var + eps)


def net_dL_dbeta(yB_hat, yB, theta2B, m):
    return _dL_dH(yB_hat, yB, theta2B, m).sum(axis=0)
