"""HW1 2.2, equation (3)."""


def eq03_dL_dtheta2B(yB_hat, yB, x2B):
    dz2B = yB_hat - yB
    return x2B.T @ dz2B
