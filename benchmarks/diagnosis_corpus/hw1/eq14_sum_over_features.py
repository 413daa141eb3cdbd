"""HW1 2.2, equation (14)."""
import numpy as np


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    dyA = ((yA_hat - yA) + (yB_hat - yB) @ theta2B) / m
    dH1A = (dyA @ theta2A) * M * np.cos(H1A)
    return np.sum(dH1A, axis=1)
