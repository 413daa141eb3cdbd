"""HW1 2.2, equations (8) and (9): task A's output layer."""
import numpy as np


def eq08_dL_dtheta2A(yA_hat, yA, zDP, m):
    # yA_hat = zDP theta2A^T + b2A and L_A = 1/(2m) sum_i ||yA_hat_i - yA_i||^2
    return (yA_hat - yA).T @ zDP / m


def eq09_dL_db2A(yA_hat, yA, m):
    return np.mean(yA_hat - yA, axis=0)
