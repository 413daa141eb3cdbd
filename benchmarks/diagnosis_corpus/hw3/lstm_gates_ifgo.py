"""HW3 8.2: the gates' pre-activation gradient, using the cache."""
import numpy as np


def lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc**2)
    di = dc * g * i * (1 - i)
    df = dc * prev_c * f * (1 - f)
    do = dnext_h * tc * o * (1 - o)
    dg = dc * i * (1 - g**2)
    return np.concatenate((di, df, dg, do), axis=1)
