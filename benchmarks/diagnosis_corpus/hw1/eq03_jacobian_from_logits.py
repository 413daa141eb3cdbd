"""HW1 2.2, equation (3): dL/dtheta2B through the full softmax Jacobian."""
import numpy as np


def eq03_dL_dtheta2B(yB_hat, yB, z2B, x2B, m):
    dyB = -yB / (m * yB_hat)
    J = np.einsum("ik,kj->ikj", z2B, np.eye(z2B.shape[1])) - np.einsum("ik,ij->ikj", z2B, z2B)
    dz2B = np.einsum("ikj,ik->ij", J, dyB)
    return dz2B.T @ x2B
