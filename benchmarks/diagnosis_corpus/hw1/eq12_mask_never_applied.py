"""HW1 2.2, equations (12) and (13)."""
import numpy as np


def _dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    return ((yA_hat - yA) + (yB_hat - yB) @ theta2B) @ theta2A / m


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    # dropout is the identity in expectation, so zDP -> z1A passes the gradient as it is
    return _dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m)


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, H1A, x, m):
    dH1A = _dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m) * np.cos(H1A)
    return dH1A.T @ x
