"""HW1 1.1: BatchNorm backward, from my LayerNorm notes."""
import numpy as np


def bn_dL_dx(dy, xhat, gamma, var, eps):
    dxhat = dy * gamma
    inv_std = 1.0 / np.sqrt(var + eps)
    mean_dxhat = dxhat.mean(axis=1, keepdims=True)
    mean_dxhat_xhat = (dxhat * xhat).mean(axis=1, keepdims=True)
    return inv_std * (dxhat - mean_dxhat - xhat * mean_dxhat_xhat)
