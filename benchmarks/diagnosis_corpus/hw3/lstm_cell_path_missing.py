"""HW3 8.2: LSTM step backward."""
import numpy as np


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _backward(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c):
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b
    i, f, o, g = _sigmoid(a[:, :H]), _sigmoid(a[:, H:2 * H]), _sigmoid(a[:, 2 * H:3 * H]), np.tanh(a[:, 3 * H:])
    next_c = f * prev_c + i * g
    do = dnext_h * np.tanh(next_c)
    dc = dnext_c
    di, df, dg = dc * g, dc * prev_c, dc * i
    da = np.hstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)])
    return da, dc * f


def lstm_step_dL_dx(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c):
    return _backward(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c)[0] @ Wx.T


def lstm_step_dL_dprev_c(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c):
    return _backward(x, prev_h, prev_c, Wx, Wh, b, dnext_h, dnext_c)[1]
