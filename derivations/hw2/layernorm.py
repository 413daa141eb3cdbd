"""Section 1: the gradients of LayerNorm `y = gamma * xhat + beta`, normalized over each row's features `d`."""
import numpy as np


def ln_dL_dx(dy, xhat, gamma, var, eps):
    r"""$\partial L/\partial x = \frac{1}{\sqrt{\sigma^2+\epsilon}}\left(g - \langle g\rangle - \hat x\,\langle g \odot \hat x\rangle\right),\ g = \gamma \odot dy$, `(m, d)`.

    Section 1. Angle brackets are means over the feature axis `d` of each row,
    where LayerNorm takes its statistics: every feature of a row moves that row's
    mean and variance, so the input gradient has three paths, the direct one, one
    through the mean and one through the variance. `gamma` varies along `d`, so it
    scales the upstream gradient before the means are taken. `var` is the biased
    variance of the row, with `eps` inside the square root. Written over the last
    axis, it serves any number of leading axes.
    """
    g = gamma * dy
    mean_g = g.mean(axis=-1, keepdims=True)
    mean_g_xhat = (g * xhat).mean(axis=-1, keepdims=True)
    return (g - mean_g - xhat * mean_g_xhat) / np.sqrt(var[..., None] + eps)


def ln_dL_dgamma(dy, xhat):
    r"""$\partial L / \partial \gamma_j = \sum_i dy_{ij} \hat x_{ij}$, `(d,)`.

    Section 1: `gamma` scales feature `j` of every sample, so its gradient sums over the batch.
    """
    return (dy * xhat).sum(axis=0)


def ln_dL_dbeta(dy):
    r"""$\partial L / \partial \beta_j = \sum_i dy_{ij}$, `(d,)`.

    Section 1: `beta` shifts feature `j` of every sample.
    """
    return dy.sum(axis=0)
