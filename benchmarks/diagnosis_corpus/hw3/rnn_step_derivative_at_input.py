"""HW3 6.2: RNN step backward from the pre-activation."""
import numpy as np


def rnn_step_dL_dprev_h(x, prev_h, Wx, Wh, b, dnext_h):
    a = x @ Wx + prev_h @ Wh + b
    da = dnext_h * (1 - a**2)
    return da @ Wh.T
