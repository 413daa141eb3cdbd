"""HW2 2.5: dL/dx of the block."""
import math

import numpy as np


def _gelu_grad(z):
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2))) + z * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def _layernorm_backward(du, xhat, var, eps):
    d = du.shape[-1]
    rstd = 1.0 / np.sqrt(var + eps)[..., None]
    return rstd / d * (d * du - du.sum(-1, keepdims=True) - xhat * (du * xhat).sum(-1, keepdims=True))


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, var, eps):
    d = Q.shape[-1]
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * _gelu_grad(h_in)) @ W1
    dZ = dr @ Wo
    dA = np.einsum("bqe,bke->bqk", dZ, V)
    dS = A * (dA - np.sum(A * dA, axis=-1, keepdims=True))
    dQ = np.einsum("bqk,bke->bqe", dS, K) / math.sqrt(d)
    dK = np.einsum("bqk,bqe->bke", dS, Q) / math.sqrt(d)
    dV = np.einsum("bqk,bqe->bke", A, dZ)
    du = dQ @ Wq + dK @ Wk + dV @ Wv
    return dr + _layernorm_backward(du, xhat, var, eps)
