"""HW1, right, in the style of numpy-ml and the CS231n solutions: loops, diagflat, in-place fancy indexing."""
import numpy as np


def softmax_jacobian(y):
    m, n = y.shape
    J = np.empty((m, n, n))
    for i in range(m):
        s = y[i:i + 1]
        J[i] = np.diagflat(s) - s.T @ s
    return J


def softmax_dL_dx(y, dy):
    dx = np.empty_like(dy)
    for i in range(y.shape[0]):
        s = y[[i]]
        dx[i] = (np.diagflat(s) - s.T @ s) @ dy[i]
    return dx


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    dscores = yB_hat.copy()
    dscores[np.arange(m), yB.argmax(axis=1)] -= 1
    return (dscores / m).T @ x2B


def eq03_dL_db2B(yB_hat, yB, m):
    dscores = yB_hat.copy()
    dscores[range(m), np.argmax(yB, axis=1)] -= 1
    return dscores.sum(axis=0) / m


def bn_dL_dx(x, gamma, dy, eps):
    N = x.shape[0]
    mu = np.mean(x, axis=0)
    var = np.var(x, axis=0)
    dx = (1. / N) * gamma * (var + eps) ** (-1. / 2.) * (
        N * dy - np.sum(dy, axis=0) - (x - mu) * (var + eps) ** (-1.0) * np.sum(dy * (x - mu), axis=0))
    return dx


def dropout_dL_dx(dy, M, p):
    return dy * (M > 0) / (1 - p)


def eq13_dL_dtheta1A(x, yA_hat, yA, yB_hat, yB, theta2A, theta2B, M, H1A, m):
    dyA = (yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m
    return (dyA @ theta2A * M * np.cos(H1A)).T @ x
