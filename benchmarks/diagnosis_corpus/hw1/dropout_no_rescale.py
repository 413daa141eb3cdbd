"""HW1 1.2: Dropout, y = M * x."""
import numpy as np


def _kept(M):
    m, d = M.shape
    keep = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            keep[i, j] = 1.0 if M[i, j] != 0 else 0.0
    return keep


def dropout_dy_dx(M):
    # a unit that is kept passes through, a dropped one does not
    return _kept(M)


def dropout_dL_dx(dy, M):
    return _kept(M) * dy
