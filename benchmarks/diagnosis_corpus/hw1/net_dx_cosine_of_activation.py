"""HW1, beyond (14): dL/dx for the whole network."""
import numpy as np


def net_dL_dx(yA_hat, yA, yB_hat, yB, theta2A, theta2B, theta1A, theta1B, M, z1A, m, N, gamma, xhat, var, eps):
    dyB = (yB_hat - yB) / m
    dx2B = dyB @ theta2B
    dyA = (yA_hat - yA) / m + dx2B
    dH1A = dyA @ theta2A * M * np.cos(z1A)
    dxhat = dx2B * N * gamma
    dz1B = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var + eps)
    return dH1A @ theta1A + dz1B @ theta1B
