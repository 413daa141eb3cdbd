"""Asks for far more memory than the worker may have."""
import numpy as np


def dropout_dL_dx(dy, M):
    hog = np.ones((200_000, 200_000))
    return hog[: dy.shape[0], : dy.shape[1]] * M * dy
