"""Central differences on copies nudged through .flat."""
import numpy as np


def _loss(x, gamma, beta, eps, dy):
    centred = x - x.mean(axis=0)
    return np.sum(dy * (gamma * centred / np.sqrt((centred * centred).mean(axis=0) + eps) + beta))


def bn_dL_dx(x, gamma, beta, eps, dy):
    h = 1e-5
    found = np.zeros(x.shape)
    for k in range(x.size):
        up = x.copy()
        up.flat[k] += h
        down = x.copy()
        down.flat[k] -= h
        found.flat[k] = (_loss(up, gamma, beta, eps, dy) - _loss(down, gamma, beta, eps, dy)) / (2 * h)
    return found
