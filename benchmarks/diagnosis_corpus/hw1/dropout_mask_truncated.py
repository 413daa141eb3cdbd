"""HW1 1.2: dropout backward, with the mask as integers."""
import numpy as np


def dropout_dL_dx(dy, M):
    return dy * M.astype(int)
