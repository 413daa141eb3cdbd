"""Section 2.4: the attention's gradients, from `r = x + Z Wo^T` back through `Z = A V` and the softmax to `Wq`."""
import math

import numpy as np

from .residual import block_dL_dr


def attention_output_gradient(y, y_target, m, W2, W1, h_in, Wo):
    r"""$\partial L / \partial Z = \frac{\partial L}{\partial r} W_o$, `(m, t, d)`."""
    return block_dL_dr(y, y_target, m, W2, W1, h_in) @ Wo


def block_dL_dWo(y, y_target, m, W2, W1, h_in, Z):
    r"""$\partial L / \partial W_o = \sum_{i,s} \frac{\partial L}{\partial r_{is}}\, Z_{is}^\top$, `(d, d)`.

    Section 2.4: the residual passes $\partial L/\partial r$ to the attention's output projection.
    """
    return np.einsum("mtd,mte->de", block_dL_dr(y, y_target, m, W2, W1, h_in), Z)


def block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V):
    r"""$\partial L / \partial A_i = \frac{\partial L}{\partial Z_i} V_i^\top$, `(m, t, t)`.

    Section 2.4: $Z_i = A_i V_i$ for each sequence `i`; entry `[i, q, k]` is the
    gradient at query `q`'s weight on key `k`.
    """
    return np.einsum("mqe,mke->mqk", attention_output_gradient(y, y_target, m, W2, W1, h_in, Wo), V)


def block_dA_dS(A):
    r"""$J_{iqkl} = \partial A_{iqk} / \partial S_{iql} = A_{iqk}(\delta_{kl} - A_{iql})$, `(m, t, t, t)`.

    Section 2.4: each query's row of `A` is a softmax of that row of `S` alone, so
    the Jacobian has one `(t, t)` block per sequence and query; every other
    entry is zero.
    """
    return A[..., :, None] * (np.eye(A.shape[-1]) - A[..., None, :])


def block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A):
    r"""$\partial L / \partial S_{iqk} = A_{iqk}\left(\frac{\partial L}{\partial A_{iqk}} - \sum_l A_{iql} \frac{\partial L}{\partial A_{iql}}\right)$, `(m, t, t)`.

    Section 2.4: the vector-Jacobian product of each query's softmax. The
    probabilities of a row sum to one, so raising one score lowers every other
    probability of its row: that is the row-sum term.
    """
    dA = block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V)
    return A * (dA - (dA * A).sum(axis=-1, keepdims=True))


def block_dL_dWq(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    r"""$\partial L / \partial W_q = \frac{1}{\sqrt d} \sum_{i,s} \left(\frac{\partial L}{\partial S_i} K_i\right)_s u_{is}^\top$, `(d, d)`.

    Section 2.4: $S = Q K^\top / \sqrt d$, so $\partial L/\partial Q = \frac{\partial L}{\partial S} K / \sqrt d$,
    and $Q = u W_q^\top$ passes it to `Wq` one token at a time.
    """
    dQ = block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A) @ K / math.sqrt(K.shape[-1])
    return np.einsum("mtd,mte->de", dQ, u)
