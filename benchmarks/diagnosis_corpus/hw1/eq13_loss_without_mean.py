"""HW1 2.2, equations (8), (11) and (13), written per sample."""
import numpy as np


def _error(yA_hat, yA, yB_hat, yB, theta2B):
    # per-sample error reaching yA_hat: its own task, and task B through the skip connection
    return (yA_hat - yA) + (yB_hat - yB) @ theta2B


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP):
    return _error(yA_hat, yA, yB_hat, yB, theta2B).T @ zDP


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A):
    return _error(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, x):
    dH1A = _error(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A * M * np.cos(H1A)
    return dH1A.T @ x
