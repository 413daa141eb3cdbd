"""HW2 2.5: dL/dx, back through the attention and the LayerNorm."""
import math

import numpy as np


def _gelu_grad(z):
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2))) + z * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def _layernorm_backward(du, xhat, gamma, var, eps):
    g = du * gamma
    rstd = 1 / np.sqrt(var + eps)[..., None]
    return rstd * (g - g.mean(-1, keepdims=True) - xhat * (g * xhat).mean(-1, keepdims=True))


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    d = Q.shape[-1]
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * _gelu_grad(h_in)) @ W1
    dZ = dr @ Wo
    dA = dZ @ V.transpose(0, 2, 1)
    dS = A * (dA - (A * dA).sum(-1, keepdims=True)) / math.sqrt(d)
    dQ = dS @ K
    dK = dS.transpose(0, 2, 1) @ Q
    dV = A.transpose(0, 2, 1) @ dZ
    du = dQ @ Wq + dK @ Wk + dV @ Wv
    # x only reaches the attention through the LayerNorm
    return _layernorm_backward(du, xhat, gamma, var, eps)
