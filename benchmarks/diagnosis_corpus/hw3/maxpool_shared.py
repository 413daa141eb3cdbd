"""HW3 2: max-pool backward, the upstream split over the window."""
import numpy as np


def maxpool_dL_dx(x, dout):
    return np.kron(dout, np.ones((1, 1, 2, 2))) / 4
