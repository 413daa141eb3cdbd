"""HW1 2.2, equation (1)."""
import numpy as np


def eq01_dL_dyB_hat(yB, yB_hat):
    return yB / yB_hat
