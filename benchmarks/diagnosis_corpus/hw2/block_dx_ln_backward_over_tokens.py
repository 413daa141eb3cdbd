"""HW2 2.5: dL/dx of the block."""
import math

import numpy as np

_erf = np.vectorize(math.erf)


def block_dL_dx(y, y_target, m, W1, W2, h_in, Wo, Wq, Wk, Wv, Q, K, V, A, xhat, gamma, var, eps):
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * (0.5 * (1 + _erf(h_in / math.sqrt(2))) + h_in * np.exp(-0.5 * h_in ** 2)
                          / math.sqrt(2 * math.pi))) @ W1
    dZ = dr @ Wo
    dA = np.einsum("bqe,bke->bqk", dZ, V)
    dS = A * (dA - (dA * A).sum(axis=-1, keepdims=True)) / math.sqrt(Q.shape[-1])
    du = np.einsum("bqk,bke->bqe", dS, K) @ Wq + np.einsum("bqk,bqe->bke", dS, Q) @ Wk \
        + np.einsum("bqk,bqe->bke", A, dZ) @ Wv
    g = du * gamma
    mean_g = g.mean(axis=1, keepdims=True)
    mean_gx = (g * xhat).mean(axis=1, keepdims=True)
    return dr + (g - mean_g - xhat * mean_gx) / np.sqrt(var + eps)[..., None]
