"""HW1 2.2, equation (6)."""
import numpy as np


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, N, gamma, xhat, var, eps):
    dxhat = (yB_hat - yB) @ theta2B / m * N * gamma
    dz1B = (dxhat - dxhat.mean(axis=0) + xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + eps)
    return dz1B.T @ x
