"""HW1 2.2, equation (8)."""
import numpy as np


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP):
    dyA = (yA_hat - yA) + (yB_hat - yB) @ theta2B
    return zDP.T @ dyA
