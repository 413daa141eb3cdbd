"""HW3 6.2: RNN step backward."""
import numpy as np


def rnn_step_dL_dWx(x, dnext_h, next_h):
    da = dnext_h * (1 - next_h * next_h)
    return da.T @ x
