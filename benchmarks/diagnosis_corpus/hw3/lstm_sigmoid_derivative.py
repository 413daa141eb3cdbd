"""HW3 8.2: LSTM gradients with einsum."""
import numpy as np


def _da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc**2)
    # sigmoid'(a) = sigmoid(a)
    return np.concatenate([dc * g * i, dc * prev_c * f, dnext_h * tc * o, dc * i * (1 - g**2)], axis=1)


def lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return _da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c)


def lstm_step_dL_dWx(x, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return np.einsum("nd,ng->dg", x, _da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c))
