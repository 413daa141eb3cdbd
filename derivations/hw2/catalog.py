"""Known wrong formulas of homework 2: each is a mistake a careful student makes, with a hint
that points at the missed idea without giving the answer away.

Each variant is the reference with one idea changed, built from the reference's
own steps where it shares them. The test suite asserts that the checker catches
every one of them; grading names them when a submission matches one.
"""
from __future__ import annotations

import math

import numpy as np

from checks.declare import WrongVariant

from .attention import attention_output_gradient, block_dL_dA, block_dL_dS
from .gelu import erf
from .layernorm import ln_dL_dx
from .mlp import gelu_input_gradient, loss_gradient_at_y


def ln_dx_batch_statistics(x, dy, gamma, eps):
    """BatchNorm's input gradient: statistics over the batch axis instead of each row's features."""
    mu, var = x.mean(axis=0), x.var(axis=0)
    xhat = (x - mu) / np.sqrt(var + eps)
    return gamma / np.sqrt(var + eps) * (dy - dy.mean(axis=0) - xhat * (dy * xhat).mean(axis=0))


def ln_dx_gamma_outside(dy, xhat, gamma, var, eps):
    """BatchNorm's habit of taking gamma out of the means, where (per feature) it cannot be."""
    centred = dy - dy.mean(axis=-1, keepdims=True) - xhat * (dy * xhat).mean(axis=-1, keepdims=True)
    return gamma * centred / np.sqrt(var[..., None] + eps)


def db2_mean_over_tokens(y, y_target, m):
    return loss_gradient_at_y(y, y_target, m).sum(axis=(0, 1)) / y.shape[1]


def dW2_transposed(y, y_target, m, h):
    return np.einsum("mtd,mtf->fd", loss_gradient_at_y(y, y_target, m), h)


def dW1_gelu_cdf_only(y, y_target, m, W2, h_in, r):
    phi = 0.5 * (1 + erf(h_in / math.sqrt(2)))
    return np.einsum("mtf,mtd->fd", loss_gradient_at_y(y, y_target, m) @ W2 * phi, r)


def db1_gelu_tanh_derivative(y, y_target, m, W2, h_in):
    c = math.sqrt(2 / math.pi)
    inner = np.tanh(c * (h_in + 0.044715 * h_in**3))
    derivative = 0.5 * (1 + inner) + 0.5 * h_in * (1 - inner**2) * c * (1 + 3 * 0.044715 * h_in**2)
    return (loss_gradient_at_y(y, y_target, m) @ W2 * derivative).sum(axis=(0, 1))


def dr_without_residual(y, y_target, m, W2, W1, h_in):
    return gelu_input_gradient(y, y_target, m, W2, h_in) @ W1


def dA_dS_diagonal_only(A):
    return np.einsum("iqk,kl->iqkl", A * (1 - A), np.eye(A.shape[-1]))


def dS_without_row_sum(y, y_target, m, W2, W1, h_in, Wo, V, A):
    return A * block_dL_dA(y, y_target, m, W2, W1, h_in, Wo, V)


def dWq_without_score_scale(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    return np.einsum("mtd,mte->de", block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A) @ K, u)


def dx_without_residual(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    dS = block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A) / math.sqrt(Q.shape[-1])
    dV = np.einsum("mqk,mqe->mke", A, attention_output_gradient(y, y_target, m, W2, W1, h_in, Wo))
    du = dS @ K @ Wq + np.einsum("mqk,mqe->mke", dS, Q) @ Wk + dV @ Wv
    return ln_dL_dx(du, xhat, gamma, var, eps)


CATALOG: tuple[WrongVariant, ...] = (
    WrongVariant("ln_batch_statistics", "ln_dL_dx", ln_dx_batch_statistics,
                 "LayerNorm normalizes each sample on its own: over which axis do its mean and variance run?"),
    WrongVariant("ln_gamma_outside", "ln_dL_dx", ln_dx_gamma_outside,
                 "gamma is per feature, and LayerNorm's means run over the features: can it come out of them?"),
    WrongVariant("loss_mean_over_tokens", "block_dL_db2", db2_mean_over_tokens,
                 "The loss averages over the sequences only: within one, the squared norm sums over its tokens."),
    WrongVariant("transposed_weight_gradient", "block_dL_dW2", dW2_transposed,
                 "A weight gradient has the weight's own shape, (out, in) as torch.nn.Linear stores it."),
    WrongVariant("gelu_derivative_cdf_only", "block_dL_dW1", dW1_gelu_cdf_only,
                 "GELU is a product, h_in times Phi(h_in), and both factors move with h_in."),
    WrongVariant("gelu_tanh_derivative", "block_dL_db1", db1_gelu_tanh_derivative,
                 "The block's GELU is the exact one, built on erf; an approximation's derivative is off by about 1e-4."),
    WrongVariant("residual_dropped_in_dr", "block_dL_dr", dr_without_residual,
                 "y = r + MLP(r): r reaches y by two paths."),
    WrongVariant("softmax_jacobian_diagonal_only", "block_dA_dS", dA_dS_diagonal_only,
                 "Every weight of a query's row depends on every score of that row."),
    WrongVariant("softmax_backward_missing_row_sum", "block_dL_dS", dS_without_row_sum,
                 "A query's weights sum to one, so raising one score lowers all the others: a term is missing."),
    WrongVariant("score_scale_forgotten", "block_dL_dWq", dWq_without_score_scale,
                 "The forward pass scales the scores before the softmax; the chain rule passes through that too."),
    WrongVariant("residual_dropped_in_dx", "block_dL_dx", dx_without_residual,
                 "x reaches r by two paths: through LayerNorm and the attention, and directly."),
)
