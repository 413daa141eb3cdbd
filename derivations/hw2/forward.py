"""Section 2.1: the forward pass of the pre-LayerNorm transformer block, batch-first `(m, t, d)`."""
import math

import numpy as np

from .gelu import gelu


def layer_norm(x, gamma, beta, eps):
    r"""$\gamma \odot (x - \mu) / \sqrt{\sigma^2 + \epsilon} + \beta$ over the last axis, shaped like `x`."""
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def softmax(s):
    r"""$\mathrm{softmax}$ over the last axis, shifted by each row's maximum, shaped like `s`."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def forward_y(x, gamma, beta, eps, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    r"""$y = r + \mathrm{gelu}(r W_1^\top + b_1) W_2^\top + b_2,\ r = x + \mathrm{softmax}(Q K^\top/\sqrt d)\, V W_o^\top$, `(m, t, d)`.

    Section 2.1: LayerNorm over each token's features, the three projections of
    its output `u`, scores scaled by $1/\sqrt d$ and a softmax over the keys (the
    last axis), the attention output through `Wo` added to `x` (the first
    residual), then the MLP with the exact GELU added to `r` (the second).
    """
    u = layer_norm(x, gamma, beta, eps)
    Q, K, V = u @ Wq.T, u @ Wk.T, u @ Wv.T
    A = softmax(Q @ K.transpose(0, 2, 1) / math.sqrt(x.shape[-1]))
    r = x + A @ V @ Wo.T
    return r + gelu(r @ W1.T + b1) @ W2.T + b2
