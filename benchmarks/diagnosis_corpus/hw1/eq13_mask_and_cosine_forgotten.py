"""HW1 2.2, equation (13): back through FC2A, the dropout and the sine to theta1A."""
import numpy as np


def eq13_dL_dtheta1A(x, yA_hat, yA, yB_hat, yB, theta2A, theta2B, m):
    dyA = (yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m
    dH1A = dyA @ theta2A
    return dH1A.T @ x
