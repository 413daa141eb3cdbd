"""HW1 2.2, equations (13) and (14): FC1A, through the sine."""
import numpy as np


def _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    delta = (yA_hat - yA) + (yB_hat - yB) @ theta2B
    return delta @ theta2A * M * np.sin(H1A) / m


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, x, m):
    dH1A = _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m)
    grad = np.zeros((dH1A.shape[1], x.shape[1]))
    for i in range(x.shape[0]):
        grad += np.outer(dH1A[i], x[i])
    return grad


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    return _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m).sum(axis=0)
