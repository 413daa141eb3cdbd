"""Hand transcription of c16_slash_fractions_bn_dropout.md, as a TA reads it."""
import numpy as np


def bn_dy_dgamma(xhat):
    return xhat


def bn_dy_dbeta(x):
    return np.ones_like(x)


def bn_dL_dgamma(dy, xhat):
    return (dy * xhat).sum(axis=0)


def bn_dL_dbeta(dy):
    return dy.sum(axis=0)


def bn_dL_dx(dy, xhat, gamma, var, eps, m):
    return gamma / np.sqrt(var + eps) * (dy - dy.sum(axis=0) / m - xhat * (dy * xhat).sum(axis=0) / m)


def dropout_dy_dx(M):
    return M


def dropout_dL_dx(M, dy):
    return M * dy
