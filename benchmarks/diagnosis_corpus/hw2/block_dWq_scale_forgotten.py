"""HW2 2.4: dL/dWq."""
import math

import numpy as np


def _gelu_grad(z):
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2))) + z * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def block_dL_dWq(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * _gelu_grad(h_in)) @ W1
    dA = (dr @ Wo) @ V.transpose(0, 2, 1)
    dS = A * (dA - (A * dA).sum(axis=-1, keepdims=True))
    dQ = dS @ K
    return sum(dQ[i].T @ u[i] for i in range(u.shape[0]))
