"""HW1, past equation (14): dL/dx of the network."""
import numpy as np


def net_dL_dx(yB_hat, yB, theta2B, m, N, gamma, xhat, var, eps, theta1B):
    dH = (yB_hat - yB) @ theta2B / m * N
    g = dH * gamma
    std = np.sqrt(var + eps)
    dz1B = (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0)) / std
    # z1B = x theta1B^T + b1B
    return dz1B @ theta1B
