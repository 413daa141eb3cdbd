"""HW1 1.3: the Softmax Jacobian, sample by sample."""
import numpy as np


def softmax_jacobian(x):
    m, n = x.shape
    J = np.zeros((m, n, n))
    for i in range(m):
        s = x[i]
        J[i] = np.diag(s) - np.outer(s, s)
    return J
