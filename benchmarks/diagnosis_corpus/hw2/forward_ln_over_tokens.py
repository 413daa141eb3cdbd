"""HW2 2.1: the block's forward pass."""
import math

import numpy as np

_erf = np.vectorize(math.erf)


def forward_y(x, gamma, beta, eps, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    mu = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    u = gamma * (x - mu) / np.sqrt(var + eps) + beta
    Q, K, V = u @ Wq.T, u @ Wk.T, u @ Wv.T
    S = Q @ K.transpose(0, 2, 1) / math.sqrt(x.shape[-1])
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    A = E / E.sum(axis=-1, keepdims=True)
    r = x + (A @ V) @ Wo.T
    h_in = r @ W1.T + b1
    h = h_in * 0.5 * (1 + _erf(h_in / math.sqrt(2)))
    return r + h @ W2.T + b2
