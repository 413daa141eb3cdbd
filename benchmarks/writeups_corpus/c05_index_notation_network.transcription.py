"""Hand transcription of c05_index_notation_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    n = yB_hat.shape[1]
    jac = yB_hat[:, :, None] * (np.eye(n)[None] - yB_hat[:, None, :])
    return jac[:, :, :, None] * x2B[:, None, None, :]


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB, m):
    return (yB_hat - yB).sum(axis=0) / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def _g(yB_hat, yB, theta2B, m, H_BN):
    return eq04_dL_dx2B(yB_hat, yB, theta2B, m) * (H_BN > 0)


def net_dL_dbeta(yB_hat, yB, theta2B, m, H_BN):
    return _g(yB_hat, yB, theta2B, m, H_BN).sum(axis=0)


def net_dL_dgamma(yB_hat, yB, theta2B, m, xhat):
    return (eq04_dL_dx2B(yB_hat, yB, theta2B, m) * xhat).sum(axis=0)


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, H_BN, xhat, gamma, var, eps):
    g = _g(yB_hat, yB, theta2B, m, H_BN)
    return gamma / (m * np.sqrt(var + eps)) * (m * g - g.sum(axis=0) - xhat * (g * xhat).sum(axis=0))
