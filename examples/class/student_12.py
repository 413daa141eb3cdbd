"""Homework 1, student 12."""
import numpy as np


def bn_dy_dgamma(xhat):
    return xhat


def bn_dy_dbeta(xhat):
    return np.ones_like(xhat)


def bn_dL_dgamma(dy, xhat):
    return (dy * xhat).sum(axis=0)


def bn_dL_dbeta(dy):
    return dy.sum(axis=0)


def bn_dL_dx(dy, gamma, var, eps):
    # the mean depends on x, so subtract the mean of dy
    return gamma / np.sqrt(var + eps) * (dy - dy.mean(axis=0))


def dropout_dy_dx(M):
    return M


def dropout_dL_dx(dy, M):
    return M * dy


def softmax_jacobian(y):
    return np.einsum("ia,ab->iab", y, np.eye(y.shape[1])) - np.einsum("ia,ib->iab", y, y)


def softmax_dL_dx(y, dy):
    return y * (dy - dy.sum(axis=1, keepdims=True))


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, eps, theta2B, b2B):
    z1B = x @ theta1B.T + b1B
    xhat = (z1B - z1B.mean(axis=0)) / np.sqrt(z1B.var(axis=0) + eps)
    x2B = np.maximum(gamma * xhat + beta, 0) + forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)
    z2B = x2B @ theta2B.T + b2B
    e = np.exp(z2B - z2B.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / yB_hat / m


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    n = yB_hat.shape[1]
    jacobian = np.einsum("ik,kj->ikj", yB_hat, np.eye(n)) - np.einsum("ik,ij->ikj", yB_hat, yB_hat)
    return np.einsum("ikj,il->ikjl", jacobian, x2B)


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB, m):
    return (yB_hat - yB).sum(axis=0) / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    g = eq04_dL_dx2B(yB_hat, yB, theta2B, m) * N
    return gamma / np.sqrt(var + eps) * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps).T @ x


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps).sum(axis=0)


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).sum(axis=0)


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    return eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m) * M


def eq13_dL_dtheta1A(x, H1A, yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)).T @ x


def eq14_dL_db1A(H1A, yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)).sum(axis=0)


def net_dL_dbeta(yB_hat, yB, theta2B, m):
    return eq04_dL_dx2B(yB_hat, yB, theta2B, m).sum(axis=0)
