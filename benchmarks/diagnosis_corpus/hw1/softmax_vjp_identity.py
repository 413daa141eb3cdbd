"""HW1 1.3: Softmax backward."""
import numpy as np


def softmax_dL_dx(y, dy):
    # the exponential and the normalisation cancel in the log-derivative,
    # so the upstream gradient passes through softmax unchanged
    grad = np.empty_like(dy)
    for i in range(dy.shape[0]):
        grad[i] = dy[i]
    return grad
