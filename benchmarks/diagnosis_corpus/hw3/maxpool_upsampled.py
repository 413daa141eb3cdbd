"""HW3 2: max-pool backward: every entry of a window contributed to its output."""
import numpy as np


def maxpool_dL_dx(x, dout):
    return np.repeat(np.repeat(dout, 2, axis=2), 2, axis=3)
