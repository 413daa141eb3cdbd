"""A complex step through astype(complex)."""
import numpy as np


def dropout_dL_dx(x, M, dy):
    z = x.astype(complex)
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        moved = z.copy()
        moved[index] = moved[index] + np.sqrt(np.array(-1.0, dtype=z.dtype)) * 1e-30
        found[index] = np.asarray(np.sum(dy * M * moved)).reshape(1).view(float)[1] / 1e-30
    return found
