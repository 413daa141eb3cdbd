"""HW1 1.1: dL/dgamma, vectorised."""
import numpy as np


def bn_dL_dgamma(dy, x, mu, var):
    xhat = (x - mu) / np.sqrt(var)
    return np.dot(dy.T, xhat)
