"""HW1 2.2, equations (9) and (14): the task-A biases."""
import numpy as np


def _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m):
    # dL/dyA_hat: the task-A error plus what comes back through the skip connection
    return ((yA_hat - yA) + (yB_hat - yB) @ theta2B) / m


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m)


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    return _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A * M * np.cos(H1A)
