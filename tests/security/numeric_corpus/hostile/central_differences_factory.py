"""Finite differences made by a factory, the gradients bound at module level."""
import inspect

import numpy as np


def numerical(loss, name, eps=1e-6):
    wanted = list(inspect.signature(loss).parameters)

    def gradient(**given):
        values = {key: given[key] for key in wanted}
        point = values[name]
        found = np.zeros(point.shape)
        for index in np.ndindex(*point.shape):
            d = np.zeros(point.shape)
            d[index] = eps
            found[index] = (loss(**{**values, name: point + d}) - loss(**{**values, name: point - d})) / (2 * eps)
        return found
    return gradient


def _bn(x, gamma, beta, eps, dy):
    centred = x - x.mean(axis=0)
    return np.sum(dy * (gamma * centred / np.sqrt((centred * centred).mean(axis=0) + eps) + beta))


bn_dL_dgamma = numerical(_bn, "gamma")
bn_dL_dbeta = numerical(_bn, "beta")
