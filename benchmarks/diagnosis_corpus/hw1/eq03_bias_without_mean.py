"""HW1 2.2, equations (3) and (9): the biases."""
import numpy as np


def eq03_dL_db2B(yB_hat, yB):
    return np.sum(yB_hat - yB, axis=0)


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B):
    delta = (yA_hat - yA) + (yB_hat - yB) @ theta2B
    return delta.sum(axis=0)
