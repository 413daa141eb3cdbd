"""A student's attempt at homework 2, a pre-LayerNorm transformer block, as a gradjudge submission.

Written the way a student writes it: one helper per layer, reused wherever the
chain rule passes through that layer again. Three of its helpers carry a
mistake, which reaches every id built on them: LayerNorm's backward takes
`gamma` out of the means (BatchNorm's habit); the softmax backward treats the
normalizing sum as a constant; and the gradient of `W2` is written `(d_ff, d)`.
The softmax Jacobian and the first bias of the MLP are left for later.

Grade it with `gradjudge grade examples/hw2_submission.py --assignment hw2`.
"""
import math

import numpy as np

erf = np.vectorize(math.erf)


def gelu(z):
    """Exact GELU: z * Phi(z)."""
    return z * 0.5 * (1.0 + erf(z / math.sqrt(2.0)))


def gelu_grad(z):
    """d/dz [z Phi(z)] = Phi(z) + z phi(z)."""
    return 0.5 * (1.0 + erf(z / math.sqrt(2.0))) + z * np.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def layernorm_backward(dout, xhat, gamma, var, eps):
    """Backward through LayerNorm over the last axis, from my BatchNorm notes with the axis changed."""
    n = xhat.shape[-1]
    std = np.sqrt(var + eps)[..., None]
    total = dout.sum(axis=-1, keepdims=True)
    total_xhat = (dout * xhat).sum(axis=-1, keepdims=True)
    return gamma / (n * std) * (n * dout - total - xhat * total_xhat)


# Section 1: LayerNorm -----------------------------------------------------------------------------

def ln_dL_dx(dy, xhat, gamma, var, eps):
    return layernorm_backward(dy, xhat, gamma, var, eps)


def ln_dL_dgamma(dy, xhat):
    return np.sum(dy * xhat, axis=0)


def ln_dL_dbeta(dy):
    return np.sum(dy, axis=0)


# Section 2: the transformer block -----------------------------------------------------------------

def forward_y(x, gamma, beta, eps, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    u = gamma * (x - mean) / np.sqrt(variance + eps) + beta
    Q, K, V = u @ Wq.T, u @ Wk.T, u @ Wv.T
    scores = np.einsum("bqe,bke->bqk", Q, K) / math.sqrt(x.shape[2])
    weights = np.exp(scores - scores.max(axis=2, keepdims=True))
    weights = weights / weights.sum(axis=2, keepdims=True)
    r = x + (weights @ V) @ Wo.T
    return r + gelu(r @ W1.T + b1) @ W2.T + b2


def dL_dy(y, y_target, m):
    """L = 1/m sum_i 1/2 ||y_i - target_i||^2."""
    return (y - y_target) / m


def dL_dh_in(y, y_target, m, W2, h_in):
    return (dL_dy(y, y_target, m) @ W2) * gelu_grad(h_in)


def block_dL_db2(y, y_target, m):
    return dL_dy(y, y_target, m).sum(axis=(0, 1))


def block_dL_dW2(y, y_target, m, h):
    return np.einsum("btf,btd->fd", h, dL_dy(y, y_target, m))


def block_dL_dW1(y, y_target, m, W2, h_in, r):
    return np.einsum("btf,btd->fd", dL_dh_in(y, y_target, m, W2, h_in), r)


def block_dL_dr(y, y_target, m, W2, W1, h_in):
    """Two paths: the skip connection and the MLP."""
    return dL_dy(y, y_target, m) + dL_dh_in(y, y_target, m, W2, h_in) @ W1


def block_dL_dWo(y, y_target, m, W2, W1, h_in, Z):
    return np.einsum("btd,bte->de", block_dL_dr(y, y_target, m, W2, W1, h_in), Z)


def dL_dZ(y, y_target, m, W2, W1, h_in, Wo):
    return block_dL_dr(y, y_target, m, W2, W1, h_in) @ Wo


def block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V):
    return dL_dZ(y, y_target, m, W2, W1, h_in, Wo) @ V.transpose(0, 2, 1)


def block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A):
    """A = exp(S) / sum exp(S), so dA/dS = A elementwise."""
    return A * block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V)


def block_dL_dWq(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    dQ = block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A) @ K / math.sqrt(K.shape[2])
    return np.einsum("btd,bte->de", dQ, u)


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    d = Q.shape[2]
    dS = block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A)
    dQ = dS @ K / math.sqrt(d)
    dK = dS.transpose(0, 2, 1) @ Q / math.sqrt(d)
    dV = A.transpose(0, 2, 1) @ dL_dZ(y, y_target, m, W2, W1, h_in, Wo)
    du = dQ @ Wq + dK @ Wk + dV @ Wv
    return block_dL_dr(y, y_target, m, W2, W1, h_in) + layernorm_backward(du, xhat, gamma, var, eps)
