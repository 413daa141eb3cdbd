"""Fails at import time."""
import numpy as np

WIDTH = np.ones(3) @ np.ones(4)


def dropout_dL_dx(dy, M):
    return M * dy
