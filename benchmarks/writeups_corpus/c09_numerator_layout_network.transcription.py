"""Hand transcription of c09_numerator_layout_network.md (numerator layout read as declared), mistakes kept."""
import numpy as np


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / yB_hat / m


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return ((yB_hat - yB).T @ x2B) / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, theta2B, m)


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, m, zDP):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).sum(axis=0)


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M, H1A, x):
    delta = (eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A) * M * np.cos(H1A)
    return delta.T @ x


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A):
    return (eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A).sum(axis=0)
