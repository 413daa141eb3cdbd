"""Hand transcription of c14_markdown_environments_block_one.md, as a TA reads it (mistakes kept)."""
import numpy as np


def bn_dL_dgamma(dy, xhat):
    return (dy * xhat).sum(axis=0)


def bn_dL_dbeta(dy):
    return dy.sum(axis=0)


def bn_dL_dx(dy, xhat, gamma, var, eps, m):
    g = gamma * dy
    return (g - g.sum(axis=0) / m - xhat * (g * xhat).sum(axis=0) / m) / np.sqrt(var + eps)


def dropout_dy_dx(M):
    return M


def dropout_dL_dx(M, dy, p):
    return M / (1 - p) * dy
