"""HW1 2.2, equation (5)."""
import numpy as np


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, xhat, var):
    dxhat = (yB_hat - yB) @ theta2B / m * N * gamma
    return (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + 1e-5)
