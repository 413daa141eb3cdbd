"""Forward differences: the input nudged in place between two calls, and put back."""
import numpy as np


def _loss(x, M, dy):
    return float(np.sum(dy * M * x))


def dropout_dL_dx(x, M, dy):
    h = 1e-7
    base = _loss(x, M, dy)
    found = np.zeros(x.shape)
    for k in range(x.size):
        old = x.flat[k]
        x.flat[k] = old + h
        found.flat[k] = (_loss(x, M, dy) - base) / h
        x.flat[k] = old
    return found
