"""HW1 2.2, equation (14): the bias of FC1A."""
import numpy as np


def eq14_dL_db1A(yA_hat, yA, theta2A, M, H1A, m):
    dz1A = (yA_hat - yA) / m @ theta2A * M
    return (dz1A * np.sin(H1A)).sum(axis=0)
