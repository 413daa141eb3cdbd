"""Known wrong formulas of homework 1: each is a mistake a careful student makes, with a hint
that points at the missed idea without giving the answer away.

The test suite asserts that the checker catches every one of them; grading
names them when a submission matches one.
"""
from __future__ import annotations

import numpy as np

from checks.declare import WrongVariant


def _upstream_into_bn(yB_hat, yB, theta2B, m, N):
    return (yB_hat - yB) @ theta2B / m * N


def seed_forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, theta2B, b2B):
    """BatchNorm written as mean-centring only, with FC1B's bias added a second time."""
    z1B = x @ theta1B.T + b1B
    H = z1B - z1B.mean(axis=0) + b1B
    yA_hat = (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A
    z2B = np.maximum(H, 0) + yA_hat
    logits = z2B @ theta2B.T + b2B
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def seed_eq05(yB_hat, yB, theta2B, m, N):
    """Only the diagonal of the mean-centring Jacobian, (1 - 1/m), and no variance or gamma."""
    return (1 - 1 / m) * _upstream_into_bn(yB_hat, yB, theta2B, m, N)


def seed_eq06(x, yB_hat, yB, theta2B, m, N):
    return seed_eq05(yB_hat, yB, theta2B, m, N).T @ x


def seed_eq07(yB_hat, yB, theta2B, m, N):
    """The ReLU-masked upstream gradient summed over the batch, as if BatchNorm were not there."""
    return _upstream_into_bn(yB_hat, yB, theta2B, m, N).sum(axis=0)


def transposed_eq03(yB_hat, yB, x2B, m):
    return x2B.T @ (yB_hat - yB) / m


def eq03_bias_missing_mean(yB_hat, yB):
    return (yB_hat - yB).sum(axis=0)


def eq01_sign_flipped(yB, yB_hat, m):
    return yB / (m * yB_hat)


def bn_dx_without_variance_path(dy, gamma, var, eps):
    return gamma / np.sqrt(var + eps) * (dy - dy.mean(axis=0))


def bn_dx_unbiased_variance(x, dy, gamma, eps):
    unbiased = x.var(axis=0, ddof=1)
    xhat = (x - x.mean(axis=0)) / np.sqrt(unbiased + eps)
    return gamma / np.sqrt(unbiased + eps) * (dy - dy.mean(axis=0) - xhat * (dy * xhat).mean(axis=0))


def bn_dx_without_eps(dy, xhat, gamma, var):
    return gamma / np.sqrt(var) * (dy - dy.mean(axis=0) - xhat * (dy * xhat).mean(axis=0))


def bn_dx_statistics_over_features(dy, xhat, gamma, var, eps):
    """LayerNorm's backward: the chain rule's means taken over each sample's features, not over the batch."""
    dxhat = dy * gamma
    centred = dxhat - dxhat.mean(axis=1, keepdims=True) - xhat * (dxhat * xhat).mean(axis=1, keepdims=True)
    return centred / np.sqrt(var + eps)


def dropout_without_rescale(dy, M):
    return (M > 0) * dy


def softmax_jacobian_diagonal_only(y):
    return np.einsum("ia,ab->iab", y * (1 - y), np.eye(y.shape[1]))


def softmax_vjp_missing_y(y, dy):
    return y * (dy - dy.sum(axis=1, keepdims=True))


def eq10_without_skip(yA_hat, yA, m):
    return (yA_hat - yA) / m


def eq13_without_cosine(x, yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    dz1A = ((yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m) @ theta2A * M
    return dz1A.T @ x


CATALOG: tuple[WrongVariant, ...] = (
    WrongVariant("seed_forward_yB_hat", "forward_yB_hat", seed_forward_yB_hat,
                 "BatchNorm divides by sqrt(var + eps) and then applies gamma and beta; and z1B already contains b1B."),
    WrongVariant("seed_eq05", "eq05_dL_dz1B", seed_eq05,
                 "Each z1B_i moves the batch mean and variance, which every other sample uses: "
                 "follow both paths through BatchNorm, and its gamma / sqrt(var + eps)."),
    WrongVariant("seed_eq06", "eq06_dL_dtheta1B", seed_eq06,
                 "This is built on dL/dz1B; check that one first, since BatchNorm couples the samples."),
    WrongVariant("seed_eq07", "eq07_dL_db1B", seed_eq07,
                 "What does subtracting the batch mean do to a bias that is added to every sample alike?"),
    WrongVariant("transposed_weight_gradient", "eq03_dL_dtheta2B", transposed_eq03,
                 "A weight gradient has the weight's own shape, (out, in) as torch.nn.Linear stores it."),
    WrongVariant("missing_mean", "eq03_dL_db2B", eq03_bias_missing_mean,
                 "The loss is a mean over the batch: where did its 1/m go?"),
    WrongVariant("eq01_sign_flipped", "eq01_dL_dyB_hat", eq01_sign_flipped,
                 "Cross-entropy is minus the log-likelihood; mind the sign of its derivative."),
    WrongVariant("bn_variance_path_missing", "bn_dL_dx", bn_dx_without_variance_path,
                 "The variance depends on x too: one path through var is missing."),
    WrongVariant("bn_unbiased_variance", "bn_dL_dx", bn_dx_unbiased_variance,
                 "BatchNorm normalizes with the biased batch variance (divide by m, not m - 1)."),
    WrongVariant("bn_missing_eps", "bn_dL_dx", bn_dx_without_eps,
                 "The forward pass divides by sqrt(var + eps); the gradient must use the same denominator."),
    WrongVariant("bn_statistics_over_features", "bn_dL_dx", bn_dx_statistics_over_features,
                 "BatchNorm's mean and variance are taken over the batch, one feature at a time: over which axis do "
                 "the chain rule's means run?"),
    WrongVariant("dropout_missing_rescale", "dropout_dL_dx", dropout_without_rescale,
                 "Inverted dropout scales the kept units; that scale is part of the derivative."),
    WrongVariant("softmax_jacobian_diagonal_only", "softmax_jacobian", softmax_jacobian_diagonal_only,
                 "Every output of a softmax depends on every logit of its row."),
    WrongVariant("softmax_vjp_missing_y", "softmax_dL_dx", softmax_vjp_missing_y,
                 "Inside the row sum, each upstream entry is weighted by its own output."),
    WrongVariant("eq10_missing_skip_path", "eq10_dL_dyA_hat", eq10_without_skip,
                 "yA_hat also feeds task B through the skip connection into x2B."),
    WrongVariant("sine_derivative_missing", "eq13_dL_dtheta1A", eq13_without_cosine,
                 "Between z1A and H1A sits a sine; the chain rule passes through its derivative."),
)
