"""Helpers with default arguments, called with and without them."""
import numpy as np


def _normalise(x, eps=1e-5, axis=0):
    return (x - x.mean(axis=axis)) / np.sqrt(x.var(axis=axis) + eps)


def bn_dL_dgamma(dy, x, eps):
    default = _normalise(x)
    return (dy * _normalise(x, eps)).sum(axis=0) + 0.0 * default.sum(axis=0)
