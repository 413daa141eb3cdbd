"""HW2 2.5: dL/dx."""
import math

import numpy as np


def _gelu_grad(z):
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2))) + z * np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)


def _ln_back(du, xhat, gamma, var, eps):
    g = du * gamma
    rstd = 1 / np.sqrt(var + eps)[..., None]
    return rstd * (g - g.mean(-1, keepdims=True) - xhat * (g * xhat).mean(-1, keepdims=True))


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    scale = 1 / math.sqrt(Q.shape[-1])
    dy = (y - y_target) / m
    dr = dy + (dy @ W2 * _gelu_grad(h_in)) @ W1
    dZ = dr @ Wo
    dA = dZ @ V.transpose(0, 2, 1)
    dS = A * (dA - (A * dA).sum(-1, keepdims=True))
    dQ = scale * dS @ K
    dK = scale * dS.transpose(0, 2, 1) @ Q
    # Z = A V: the values get the gradient mixed by the attention weights
    dV = A @ dZ
    du = dQ @ Wq + dK @ Wk + dV @ Wv
    return dr + _ln_back(du, xhat, gamma, var, eps)
