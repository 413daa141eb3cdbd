"""Homework 1, student 14."""
import numpy as np


def bn_dy_dgamma(xhat):
    return xhat


def bn_dy_dbeta(xhat):
    return np.ones_like(xhat)


def bn_dL_dgamma(dy, xhat):
    raise NotImplementedError


def bn_dL_dbeta(dy):
    return dy.sum(axis=0)


def dropout_dy_dx(M):
    return M


def dropout_dL_dx(dy, M):
    return M * dy


def softmax_jacobian(y):
    return np.einsum("ia,ab->iab", y, np.eye(y.shape[1])) - np.einsum("ia,ib->iab", y, y)


def softmax_dL_dx(y, dy):
    return y * (dy - (dy * y).sum(axis=1, keepdim=True))


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / yB_hat / m


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB):
    return (yB_hat - yB).sum(axis=0)
