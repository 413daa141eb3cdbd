"""HW1 2.2, equation (2): the 4-index Jacobian, with loops."""
import numpy as np


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    m, n = yB_hat.shape
    d = x2B.shape[1]
    T = np.zeros((m, n, n, d))
    for i in range(m):
        for k in range(n):
            # yB_hat_k depends on z2B_k = theta2B_k . x2B_i + b2B_k
            T[i, k, k, :] = yB_hat[i, k] * (1 - yB_hat[i, k]) * x2B[i]
    return T
