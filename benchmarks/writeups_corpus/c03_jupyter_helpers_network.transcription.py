"""Hand transcription of c03_jupyter_helpers_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def _e2(yB_hat, yB, m):
    return (yB_hat - yB) / m


def eq03_dL_dtheta2B(yB_hat, yB, m, x2B):
    return _e2(yB_hat, yB, m).T @ x2B


def eq04_dL_dx2B(yB_hat, yB, m, theta2B):
    return _e2(yB_hat, yB, m) @ theta2B


def _delta_h(yB_hat, yB, m, theta2B, H_BN):
    return eq04_dL_dx2B(yB_hat, yB, m, theta2B) * (H_BN > 0)


def net_dL_dbeta(yB_hat, yB, m, theta2B, H_BN):
    return _delta_h(yB_hat, yB, m, theta2B, H_BN).sum(axis=0)


def net_dL_dgamma(yB_hat, yB, m, theta2B, H_BN, xhat):
    return (xhat * _delta_h(yB_hat, yB, m, theta2B, H_BN)).sum(axis=0)


def eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps):
    d = _delta_h(yB_hat, yB, m, theta2B, H_BN)
    return gamma / np.sqrt(var + eps) * (d - d.sum(axis=0) / m - xhat * (d * xhat).sum(axis=0) / m)


def _g1(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB):
    return M * np.cos(H1A) * (((yA_hat - yA) / m + _e2(yB_hat, yB, m) @ theta2B) @ theta2A)


def eq14_dL_db1A(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB):
    return _g1(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB).sum(axis=0)


def eq13_dL_dtheta1A(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB, x):
    return x.T @ _g1(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB)


def net_dL_dx(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB, H_BN, xhat, gamma, var, eps, theta1B, theta1A):
    return (eq05_dL_dz1B(yB_hat, yB, m, theta2B, H_BN, xhat, gamma, var, eps) @ theta1B
            + _g1(M, H1A, theta2A, yA_hat, yA, m, theta2B, yB_hat, yB) @ theta1A)
