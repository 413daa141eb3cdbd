"""HW1 2.2, equation (5): the compact BatchNorm backward behind the ReLU."""
import numpy as np


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, xhat, var, eps):
    dxhat = (yB_hat - yB) @ theta2B / m * N * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    return 1.0 / m * inv_std * (m * dxhat - dxhat.sum(axis=0)) - xhat * (dxhat * xhat).sum(axis=0)
