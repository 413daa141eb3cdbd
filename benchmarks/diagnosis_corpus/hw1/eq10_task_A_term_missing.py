"""HW1 2.2, equation (10)."""


def eq10_dL_dyA_hat(yB_hat, yB, theta2B, m):
    # yA_hat reaches the loss through the skip connection x2B = zBN + yA_hat
    dx2B = (yB_hat - yB) @ theta2B / m
    return dx2B
