"""Jacobians assembled from np.diag, np.outer and np.kron."""
import numpy as np


def softmax_jacobian(y):
    return np.stack([np.diag(row) - np.outer(row, row) for row in y])


def dropout_dy_dx(M):
    return M.copy()


def bn_dy_dbeta(x):
    blocks = np.kron(np.ones((x.shape[0], 1)), np.eye(x.shape[1]))
    return blocks.reshape(x.shape[0], x.shape[1], x.shape[1]).diagonal(axis1=1, axis2=2).copy()
