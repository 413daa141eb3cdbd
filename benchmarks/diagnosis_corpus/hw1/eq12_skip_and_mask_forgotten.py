"""HW1 2.2, equation (12)."""
import numpy as np


def eq12_dL_dz1A(yA_hat, yA, theta2A, m):
    return (yA_hat - yA) / m @ theta2A
