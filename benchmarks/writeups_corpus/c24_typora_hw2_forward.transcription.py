"""Hand transcription of c24_typora_hw2_forward.md, as a TA reads it (mistakes kept)."""
import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[float])


def forward_y(x, gamma, beta, eps, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    U = gamma * (x - mu) / np.sqrt(var + eps) + beta
    Q, K, V = U @ Wq.T, U @ Wk.T, U @ Wv.T
    S = Q @ K.transpose(0, 2, 1)
    A = np.exp(S - S.max(axis=-1, keepdims=True))
    A = A / A.sum(axis=-1, keepdims=True)
    R = x + A @ V @ Wo.T
    H = R @ W1.T + b1
    return R + (H * 0.5 * (1 + _erf(H / math.sqrt(2)))) @ W2.T + b2
