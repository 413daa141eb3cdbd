"""HW2 2.5: dL/dx of the block."""
import math

import numpy as np

_erf = np.vectorize(math.erf)


def _gelu_grad(z):
    return 0.5 * (1 + _erf(z / math.sqrt(2))) + z * np.exp(-0.5 * z ** 2) / math.sqrt(2 * math.pi)


def block_dL_dx(y, y_target, m, W1, W2, h_in, Wo, Wq, Wk, Wv, Q, K, V, A, xhat, var, eps):
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * _gelu_grad(h_in)) @ W1
    dZ = dr @ Wo
    dA = dZ @ V.transpose(0, 2, 1)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True)) / math.sqrt(Q.shape[-1])
    du = dS @ K @ Wq + dS.transpose(0, 2, 1) @ Q @ Wk + A.transpose(0, 2, 1) @ dZ @ Wv
    g = du
    return (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True)) \
        / np.sqrt(var + eps)[..., None]
