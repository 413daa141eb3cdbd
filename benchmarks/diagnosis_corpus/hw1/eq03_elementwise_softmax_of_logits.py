"""HW1 2.2, equation (3): dL/db2B with the softmax derivative s(1 - s), s the logits."""
import numpy as np


def eq03_dL_db2B(yB, yB_hat, z2B, m):
    dyB = -yB / (m * yB_hat)
    return (dyB * z2B * (1 - z2B)).sum(axis=0)
