"""Hand transcription of c12_typora_network.md, as a TA reads it."""
import numpy as np


def _delta(yB_hat, yB, m):
    return (yB_hat - yB) / m


def eq03_dL_dtheta2B(yB_hat, yB, m, x2B):
    return _delta(yB_hat, yB, m).T @ x2B


def eq03_dL_db2B(yB_hat, yB, m):
    return _delta(yB_hat, yB, m).sum(axis=0)


def eq04_dL_dx2B(yB_hat, yB, m, theta2B):
    return _delta(yB_hat, yB, m) @ theta2B


def _g(yB_hat, yB, m, theta2B, H_BN):
    return eq04_dL_dx2B(yB_hat, yB, m, theta2B) * (H_BN > 0)


def net_dL_dgamma(yB_hat, yB, m, theta2B, H_BN, xhat):
    return (_g(yB_hat, yB, m, theta2B, H_BN) * xhat).sum(axis=0)


def net_dL_dbeta(yB_hat, yB, m, theta2B, H_BN):
    return _g(yB_hat, yB, m, theta2B, H_BN).sum(axis=0)


def eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps):
    g = _g(yB_hat, yB, m, theta2B, H_BN)
    return gamma / (m * np.sqrt(var + eps)) * (m * g - g.sum(axis=0) - xhat * (g * xhat).sum(axis=0))


def eq06_dL_dtheta1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps, x):
    return eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps).T @ x


def eq07_dL_db1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps):
    return eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps).sum(axis=0)
