"""np.pad and index arithmetic (x[1:] - x[:-1]) inside forward computations, and np.diff."""
import numpy as np


def _prefix_means(x):
    padded = np.pad(np.cumsum(x, axis=0), ((1, 0), (0, 0)))
    counts = np.arange(1, x.shape[0] + 1)[:, None]
    return (padded[1:] - padded[:-1]).cumsum(axis=0) / counts


def bn_dL_dbeta(dy):
    steps = np.diff(np.pad(np.cumsum(dy, axis=0), ((1, 0), (0, 0))), axis=0)
    return steps.sum(axis=0)


def bn_dL_dgamma(dy, x, eps):
    mean = _prefix_means(x)[-1]
    centred = x - mean
    xhat = centred / np.sqrt((centred ** 2).mean(axis=0) + eps)
    return (dy * xhat).sum(axis=0)


def dropout_dL_dx(dy, M):
    return dy * M
