"""HW1 2.2, equation (7)."""
import numpy as np


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N, gamma, var, eps):
    dH = (yB_hat - yB) @ theta2B / m * N
    # z1B = x theta1B^T + b1B, and H_BN scales z1B by gamma / sigma
    dz1B = dH * gamma / np.sqrt(var + eps)
    return dz1B.sum(axis=0)
