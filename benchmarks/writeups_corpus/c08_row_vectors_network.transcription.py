"""Hand transcription of c08_row_vectors_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + (yB_hat - yB) @ theta2B / m


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, m, zDP):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).sum(axis=0)


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M):
    return M * eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A)


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M, H1A, x):
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M) * np.cos(H1A)).T @ x


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M, H1A):
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M) * np.cos(H1A)).sum(axis=0)


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq04_dL_dx2B(yB_hat, yB, theta2B):
    return (yB_hat - yB) @ theta2B
