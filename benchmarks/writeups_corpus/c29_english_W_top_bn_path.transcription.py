"""Hand transcription of c29_english_W_top_bn_path.md, as a TA reads it (mistakes kept)."""
import numpy as np


def _r(yB_hat, yB, m, theta2B, H_BN):
    return ((yB_hat - yB) / m @ theta2B) * (H_BN > 0)


def net_dL_dgamma(yB_hat, yB, m, theta2B, H_BN, xhat):
    return (_r(yB_hat, yB, m, theta2B, H_BN) * xhat).sum(axis=0)


def net_dL_dbeta(yB_hat, yB, m, theta2B, H_BN):
    return _r(yB_hat, yB, m, theta2B, H_BN).sum(axis=0)


def eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps):
    r = _r(yB_hat, yB, m, theta2B, H_BN)
    return gamma / np.sqrt(var + eps) * (r - r.sum(axis=0) / m - xhat * (r * xhat).sum(axis=0) / m)


def eq06_dL_dtheta1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps, x):
    return eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps).T @ x


def eq07_dL_db1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps):
    return eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps).sum(axis=0)


def net_dL_dx(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps, theta1B):
    return eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps) @ theta1B
