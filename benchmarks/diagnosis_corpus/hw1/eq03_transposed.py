"""HW1 2.2, equation (3), one sample at a time."""
import numpy as np


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    # dL/dtheta2B = (1/m) sum_i x2B_i (yB_hat_i - yB_i)^T
    grad = np.zeros((x2B.shape[1], yB.shape[1]))
    for i in range(m):
        grad += np.outer(x2B[i], yB_hat[i] - yB[i])
    return grad / m
