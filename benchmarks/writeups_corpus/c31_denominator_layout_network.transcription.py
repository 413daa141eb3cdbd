"""Hand transcription of c31_denominator_layout_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return yB / yB_hat / m


def _dz2B(yB_hat, yB, m):
    return (yB_hat - yB) / m


def eq03_dL_dtheta2B(yB_hat, yB, m, x2B):
    return _dz2B(yB_hat, yB, m).T @ x2B


def eq03_dL_db2B(yB_hat, yB, m):
    return _dz2B(yB_hat, yB, m).sum(axis=0)


def eq04_dL_dx2B(yB_hat, yB, m, theta2B):
    return _dz2B(yB_hat, yB, m) @ theta2B


def eq12_dL_dz1A(yB_hat, yB, m, theta2B, theta2A, yA_hat, yA, M):
    return M * (((yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, m, theta2B)) @ theta2A)
