"""Hand transcription of c01_latex_newcommand_block_one.tex, as a TA reads it (mistakes kept)."""
import numpy as np


def bn_dy_dgamma(xhat):
    return xhat


def bn_dy_dbeta(x):
    return np.ones_like(x)


def bn_dL_dgamma(dy, x):
    return (dy * x).sum(axis=0)


def bn_dL_dbeta(dy):
    return dy.sum(axis=0)


def bn_dL_dx(dy, xhat, gamma, var, eps, m):
    return gamma / (m * np.sqrt(var + eps)) * (m * dy - dy.sum(axis=0) - xhat * (dy * xhat).sum(axis=0))


def dropout_dy_dx(M):
    return M


def dropout_dL_dx(M, dy):
    return M * dy
