"""Section 1.1: the gradients of a BatchNorm layer `y = gamma * xhat + beta` over a batch `(m, d)`."""
import numpy as np


def bn_dy_dgamma(xhat):
    r"""$\partial y_{ij} / \partial \gamma_j = \hat x_{ij}$, `(m, d)`.

    Section 1.1. The batch statistics do not depend on `gamma`, so the partial is
    the normalized input itself.
    """
    return xhat


def bn_dy_dbeta(xhat):
    r"""$\partial y_{ij} / \partial \beta_j = 1$, `(m, d)`.

    Section 1.1.
    """
    return np.ones_like(xhat)


def bn_dL_dgamma(dy, xhat):
    r"""$\partial L / \partial \gamma_j = \sum_i dy_{ij} \hat x_{ij}$, `(d,)`.

    Section 1.1, as the vector-Jacobian product with the upstream gradient `dy` `(m, d)`.
    """
    return (dy * xhat).sum(axis=0)


def bn_dL_dbeta(dy):
    r"""$\partial L / \partial \beta_j = \sum_i dy_{ij}$, `(d,)`.

    Section 1.1, as the vector-Jacobian product.
    """
    return dy.sum(axis=0)


def bn_dL_dx(dy, xhat, gamma, var, eps):
    r"""$\partial L/\partial x = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(dy - \overline{dy} - \hat x\,\overline{dy \odot \hat x}\right)$, `(m, d)`.

    Section 1.1. Bars are batch means over the `m` axis. Every sample moves the
    mean and the variance, so the input gradient has three paths: the direct one
    through `xhat`, one through `mu` (the $-\overline{dy}$ term) and one through
    `var` (the $-\hat x\,\overline{dy \odot \hat x}$ term). `var` is the biased
    batch variance and `eps` sits inside the square root.
    """
    mean_dy = dy.mean(axis=0)
    mean_dy_xhat = (dy * xhat).mean(axis=0)
    return gamma / np.sqrt(var + eps) * (dy - mean_dy - xhat * mean_dy_xhat)
