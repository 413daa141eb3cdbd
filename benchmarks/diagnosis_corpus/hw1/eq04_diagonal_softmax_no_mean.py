"""HW1 2.2, equation (4), "softmax is elementwise like the sigmoid"."""
import numpy as np


def eq04_dL_dx2B(yB_hat, yB, theta2B):
    dyB = -yB / yB_hat
    dz2B = dyB * yB_hat * (1 - yB_hat)
    return dz2B @ theta2B
