"""Broadcasting with np.newaxis and keepdims, and sums through matrix products with ones."""
import numpy as np


def softmax_dL_dx(y, dy):
    ones = np.ones((y.shape[1], 1))
    inner = (y * dy) @ ones
    return y * (dy - inner)


def softmax_jacobian(y):
    return y[:, :, np.newaxis] * (np.eye(y.shape[1])[np.newaxis] - y[:, np.newaxis, :])


def bn_dL_dbeta(dy):
    return np.ones(dy.shape[0]) @ dy
