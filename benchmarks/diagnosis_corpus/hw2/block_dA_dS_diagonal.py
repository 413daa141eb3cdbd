"""HW2 2.4: the attention softmax's Jacobian."""
import numpy as np


def block_dA_dS(A):
    m, t, _ = A.shape
    J = np.zeros((m, t, t, t))
    for i in range(m):
        for q in range(t):
            # each weight A_qk is a sigmoid-like function of its own score S_qk
            J[i, q] = np.diag(A[i, q] * (1 - A[i, q]))
    return J
