"""HW1 2.2, equation (5)."""
import numpy as np


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, var, eps):
    dx2B = (yB_hat - yB) @ theta2B / m
    dH = dx2B * N
    # BatchNorm divides by the batch standard deviation, a constant of the batch
    return dH / np.sqrt(var + eps)
