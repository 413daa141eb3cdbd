"""HW3 1.2: dL/db."""
import numpy as np


def conv_dL_db(dout):
    # one bias per filter, summed over the images
    return np.sum(dout, axis=0)
