"""HW3 8.2: dL/dWh."""
import numpy as np


def lstm_step_dL_dWh(prev_h, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc**2)
    da = np.hstack([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tc * o * (1 - o), dc * i * (1 - g * g)])
    return da.T @ prev_h
