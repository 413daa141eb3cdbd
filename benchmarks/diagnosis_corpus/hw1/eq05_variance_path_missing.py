"""HW1 2.2, equations (5) and (6): back through the BatchNorm."""
import numpy as np


def _dH(yB_hat, yB, theta2B, m, N):
    # dL/dx2B, then through the ReLU
    return (yB_hat - yB) @ theta2B / m * N


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, var, eps):
    dxhat = _dH(yB_hat, yB, theta2B, m, N) * gamma
    std = np.sqrt(var + eps)
    # z1B enters xhat directly and through the batch mean
    return (dxhat - dxhat.mean(axis=0)) / std


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, N, gamma, var, eps):
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, var, eps).T @ x
