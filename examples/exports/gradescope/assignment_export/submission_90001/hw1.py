import numpy as np


def dropout_dL_dx(dy, M):
    return M * dy
