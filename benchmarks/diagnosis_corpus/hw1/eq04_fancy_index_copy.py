"""HW1 2.2, equation (4): from dL/dz2B = (yB_hat - yB) / m."""
import numpy as np


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    d = yB_hat.copy()
    labels = yB.argmax(axis=1)
    rows = d[np.arange(m)]
    rows[np.arange(m), labels] -= 1
    return d @ theta2B / m
