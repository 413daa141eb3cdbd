"""The imaginary unit as a fractional power of -1."""
import numpy as np

UNIT = (-1) ** 0.5


def dropout_dL_dx(x, M, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        moved = x + 0 * UNIT
        moved[index] += UNIT * 1e-30
        found[index] = np.asarray(np.sum(dy * M * moved)).reshape(1).view(float)[1] / 1e-30
    return found
