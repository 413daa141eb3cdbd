"""Hand transcription of c10_ocr_scan_network.md, as a TA reads it (mistakes kept)."""
import numpy as np


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / yB_hat / m


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return (yB_hat - yB).T @ x2B / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return (yB_hat - yB) @ theta2B / m


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, theta2B, m)


def eq08_dL_dtheta2A(yA_hat, yA, zDP, m):
    return (yA_hat - yA).T @ zDP / m


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).sum(axis=0)


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A):
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A, M):
    return M * eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, m, theta2A)
