"""HW3 5: softmax loss gradient."""
import numpy as np


def softmax_loss_dL_dx(x, y):
    shifted = x - x.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(x.shape[0]), y] -= 1
    return p
