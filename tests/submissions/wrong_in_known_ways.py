"""Mistakes the diagnosis must name, one per derivation."""
import numpy as np


def eq03_dL_db2B(yB_hat, yB):
    return (yB_hat - yB).sum(axis=0)


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return yB / (m * yB_hat)


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return x2B.T @ (yB_hat - yB) / m


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m


def dropout_dL_dx(dy, M):
    return (M > 0) * dy


def bn_dL_dbeta(dy):
    return dy.sum(axis=1)


def softmax_dL_dx(y, dy):
    return np.full_like(y, np.nan)


def bn_dL_dgamma(dy, xhat):
    return "gamma"


def bn_dL_dx(dx, xhat, gamma, var, eps):
    return dx


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N):
    return ((yB_hat - yB) @ theta2B * N).sum(axis=0) / m


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A
