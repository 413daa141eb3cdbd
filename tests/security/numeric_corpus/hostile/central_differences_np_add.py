"""Central differences through np.add and np.subtract, along unit directions."""
import numpy as np


def _loss(x, dy):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return np.sum(dy * e / e.sum(axis=1, keepdims=True))


def softmax_dL_dx(x, dy):
    h = 1e-6
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[index] = h
        found[index] = (_loss(np.add(x, e), dy) - _loss(np.subtract(x, e), dy)) / (2 * h)
    return found
