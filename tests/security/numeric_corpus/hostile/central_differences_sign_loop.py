"""Central differences as a comprehension over the two signs."""
import numpy as np


def _loss(x, M, dy):
    return np.sum(dy * M * x)


def dropout_dL_dx(x, M, dy):
    h = 1e-6
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        e = np.zeros(x.shape)
        e[index] = 1.0
        up, down = [_loss(x + sign * h * e, M, dy) for sign in (1.0, -1.0)]
        found[index] = (up - down) / (2 * h)
    return found
