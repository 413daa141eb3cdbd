"""A complex step whose complex array is made from a dtype code."""
import numpy as np


def softmax_dL_dx(x, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        moved = np.zeros(x.shape, dtype="c16")
        moved += x
        moved[index] += np.sqrt(np.array(-1.0 + 0.0, dtype="c16")) * 1e-30
        e = np.exp(moved)
        found[index] = np.asarray(np.sum(dy * e / e.sum(axis=1, keepdims=True))).reshape(1).view(float)[1] / 1e-30
    return found
