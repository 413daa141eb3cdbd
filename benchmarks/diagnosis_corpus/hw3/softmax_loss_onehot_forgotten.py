"""HW3 5: softmax loss gradient, vectorized."""
import numpy as np


def softmax_loss_dL_dx(x, y):
    N = x.shape[0]
    e = np.exp(x - np.max(x, axis=1, keepdims=True))
    probs = e / np.sum(e, axis=1, keepdims=True)
    return probs / N
