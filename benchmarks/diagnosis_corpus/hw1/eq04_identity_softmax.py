"""HW1 2.2, equation (4)."""


def eq04_dL_dx2B(yB, yB_hat, theta2B, m):
    dyB_hat = -yB / yB_hat / m
    # yB_hat = softmax(z2B) is increasing in each logit: dz2B = dyB_hat
    dz2B = dyB_hat
    return dz2B @ theta2B
