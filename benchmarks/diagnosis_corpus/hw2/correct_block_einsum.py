"""HW2 section 2: the whole block, forward and backward, in einsum notation."""
import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[float])


def _gelu(z):
    return 0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))


def _gelu_grad(z):
    return 0.5 * (1.0 + _erf(z / math.sqrt(2.0))) + z * np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)


def forward_y(x, gamma, beta, eps, Wq, Wk, Wv, Wo, W1, b1, W2, b2):
    mu = np.einsum("btd->bt", x)[..., None] / x.shape[-1]
    xc = x - mu
    var = np.einsum("btd,btd->bt", xc, xc)[..., None] / x.shape[-1]
    u = gamma * xc / np.sqrt(var + eps) + beta
    Q, K, V = (np.einsum("bte,de->btd", u, W) for W in (Wq, Wk, Wv))
    S = np.einsum("bqd,bkd->bqk", Q, K) / math.sqrt(x.shape[-1])
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    A = E / E.sum(axis=-1, keepdims=True)
    r = x + np.einsum("bke,bqk,de->bqd", V, A, Wo)
    h = _gelu(np.einsum("btd,fd->btf", r, W1) + b1)
    return r + np.einsum("btf,df->btd", h, W2) + b2


def _dy(y, y_target, m):
    return (y - y_target) / m


def _dh_in(y, y_target, m, W2, h_in):
    return np.einsum("btd,df->btf", _dy(y, y_target, m), W2) * _gelu_grad(h_in)


def _dr(y, y_target, m, W2, W1, h_in):
    return _dy(y, y_target, m) + np.einsum("btf,fd->btd", _dh_in(y, y_target, m, W2, h_in), W1)


def _dA(y, y_target, m, W2, W1, h_in, Wo, V):
    dZ = np.einsum("bqd,de->bqe", _dr(y, y_target, m, W2, W1, h_in), Wo)
    return np.einsum("bqe,bke->bqk", dZ, V)


def _dS(y, y_target, m, W2, W1, h_in, Wo, V, A):
    dA = _dA(y, y_target, m, W2, W1, h_in, Wo, V)
    return A * (dA - np.einsum("bqk,bqk->bq", A, dA)[..., None])


def block_dL_db2(y, y_target, m):
    return np.einsum("btd->d", _dy(y, y_target, m))


def block_dL_dW2(y, y_target, m, h):
    return np.einsum("btd,btf->df", _dy(y, y_target, m), h)


def block_dL_dW1(y, y_target, m, W2, h_in, r):
    return np.einsum("btf,btd->fd", _dh_in(y, y_target, m, W2, h_in), r)


def block_dL_db1(y, y_target, m, W2, h_in):
    return np.einsum("btf->f", _dh_in(y, y_target, m, W2, h_in))


def block_dL_dr(y, y_target, m, W2, W1, h_in):
    return _dr(y, y_target, m, W2, W1, h_in)


def block_dL_dWo(y, y_target, m, W2, W1, h_in, Z):
    return np.einsum("btd,bte->de", _dr(y, y_target, m, W2, W1, h_in), Z)


def block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V):
    return _dA(y, y_target, m, W2, W1, h_in, Wo, V)


def block_dA_dS(A):
    t = A.shape[-1]
    return np.einsum("bqk,kl->bqkl", A, np.eye(t)) - np.einsum("bqk,bql->bqkl", A, A)


def block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A):
    return _dS(y, y_target, m, W2, W1, h_in, Wo, V, A)


def block_dL_dWq(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    dS = _dS(y, y_target, m, W2, W1, h_in, Wo, V, A) / math.sqrt(K.shape[-1])
    return np.einsum("bqk,bkd,bqe->de", dS, K, u)


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    dr = _dr(y, y_target, m, W2, W1, h_in)
    dZ = np.einsum("bqd,de->bqe", dr, Wo)
    dS = _dS(y, y_target, m, W2, W1, h_in, Wo, V, A) / math.sqrt(Q.shape[-1])
    du = (np.einsum("bqk,bkd,de->bqe", dS, K, Wq) + np.einsum("bqk,bqd,de->bke", dS, Q, Wk)
          + np.einsum("bqk,bqd,de->bke", A, dZ, Wv))
    g = du * gamma
    d = g.shape[-1]
    mean_g = np.einsum("btd->bt", g)[..., None] / d
    mean_gx = np.einsum("btd,btd->bt", g, xhat)[..., None] / d
    return dr + (g - mean_g - xhat * mean_gx) / np.sqrt(var + eps)[..., None]
