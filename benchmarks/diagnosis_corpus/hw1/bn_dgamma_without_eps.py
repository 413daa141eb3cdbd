"""HW1 1.1: dL/dgamma for BatchNorm."""
import numpy as np


def bn_dL_dgamma(dy, x, mu, var):
    # dL/dgamma_j = sum_i dL/dy_ij * dy_ij/dgamma_j = sum_i dy_ij * xhat_ij
    m, d = dy.shape
    grad = np.zeros(d)
    for i in range(m):
        xhat_i = (x[i] - mu) / np.sqrt(var)
        grad += dy[i] * xhat_i
    return grad
