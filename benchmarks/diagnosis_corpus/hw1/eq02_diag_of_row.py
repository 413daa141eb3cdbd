"""HW1 2.2, equation (2): dyB_hat / dtheta2B, one sample at a time."""
import numpy as np


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    m, n = yB_hat.shape
    out = np.zeros((m, n, n, x2B.shape[1]))
    for i in range(m):
        s = yB_hat[i:i + 1]
        J = np.diag(s) - s.T @ s
        out[i] = np.einsum("kj,l->kjl", J, x2B[i])
    return out
