"""HW1 2.2, equation (12), rebuilding the dropout scale from p."""
import numpy as np


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2A, theta2B, M, p, m):
    dyA = (yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m
    keep = (M > 0).astype(float)
    return dyA @ theta2A * keep * (1 // (1 - p))
