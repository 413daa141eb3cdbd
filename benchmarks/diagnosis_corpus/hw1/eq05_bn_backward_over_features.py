"""HW1 2.2, equation (5), with my LayerNorm-style backward."""
import numpy as np


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, gamma, xhat, var, eps):
    dxhat = (yB_hat - yB) @ theta2B / m * N * gamma
    centred = dxhat - dxhat.mean(axis=1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=1, keepdims=True)
    return centred / np.sqrt(var + eps)
