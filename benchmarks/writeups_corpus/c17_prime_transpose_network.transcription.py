"""Hand transcription of c17_prime_transpose_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) + eq04_dL_dx2B(yB_hat, yB, theta2B, m)


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M, H1A, x):
    return (M * np.cos(H1A) * eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A)).T @ x
