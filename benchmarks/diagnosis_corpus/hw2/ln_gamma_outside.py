"""HW2 section 1: LayerNorm backward, from the CS231n BatchNorm formula with the axis changed."""
import numpy as np


def ln_dL_dx(dy, xhat, gamma, var, eps):
    D = dy.shape[1]
    inv_std = 1.0 / np.sqrt(var + eps)[:, None]
    centred = D * dy - dy.sum(axis=1, keepdims=True) - xhat * (dy * xhat).sum(axis=1, keepdims=True)
    return gamma * inv_std / D * centred
