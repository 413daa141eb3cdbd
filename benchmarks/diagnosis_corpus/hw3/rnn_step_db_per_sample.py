"""HW3 6.2: RNN step backward."""
import numpy as np


def rnn_step_dL_db(dnext_h, next_h):
    return dnext_h * (1 - next_h**2)
