"""HW1 1.1: BatchNorm backward in the compact form of the paper's appendix."""
import numpy as np


def bn_dL_dx(dy, xhat, gamma, var, eps, m):
    # dx = 1/m * gamma / sigma * (m * dy - sum_i dy_i - xhat * sum_i dy_i xhat_i)
    inv_sigma = 1.0 / np.sqrt(var + eps)
    sum_dy = dy.sum(axis=0)
    sum_dy_xhat = (dy * xhat).sum(axis=0)
    dx = 1.0 / m * gamma * inv_sigma * (m * dy - sum_dy) \
        - xhat * sum_dy_xhat * gamma * inv_sigma
    return dx
