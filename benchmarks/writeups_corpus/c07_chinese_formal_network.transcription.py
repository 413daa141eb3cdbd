"""Hand transcription of c07_chinese_formal_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, eps, theta2B, b2B):
    z = x @ theta1B.T + b1B
    mu = z.mean(axis=0)
    var = ((z - mu) ** 2).mean(axis=0)
    h = gamma * (z - mu) / np.sqrt(var + eps) + beta
    return _softmax((np.maximum(h, 0) + forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)) @ theta2B.T + b2B)


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / yB_hat / m


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB, m):
    return (yB_hat - yB).sum(axis=0) / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, H_BN, gamma, var, eps):
    d = eq04_dL_dx2B(yB_hat, yB, theta2B, m) * (H_BN > 0)
    return gamma / np.sqrt(var + eps) * (d - d.sum(axis=0) / m)


def eq06_dL_dtheta1B(yB_hat, yB, theta2B, m, H_BN, gamma, var, eps, x):
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, H_BN, gamma, var, eps).T @ x


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, theta2B, m)


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, m, zDP):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M):
    return M * (eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A)
