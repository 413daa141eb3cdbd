"""Hand transcription of c18_where_forall_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + ((yB_hat - yB) / m) @ theta2B


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, m, zDP):
    return _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return _delta_A(yA_hat, yA, yB_hat, yB, theta2B, m)


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M):
    return M * (_delta_A(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A)


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M, H1A, x):
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M) * np.cos(H1A)).T @ x
