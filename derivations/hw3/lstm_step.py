"""Section 8: one step of an LSTM, forward and backward. Gates in the order i, f, o, g."""
import numpy as np


def _sigmoid(z):
    return np.exp(-np.logaddexp(0, -z))


def _gates(x, prev_h, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    i, f, o, g = np.split(a, 4, axis=1)
    return _sigmoid(i), _sigmoid(f), _sigmoid(o), np.tanh(g)


def lstm_step_forward_c(x, prev_h, prev_c, Wx, Wh, b):
    r"""$c' = f \odot c + i \odot g$, `(N, Dh)`."""
    i, f, o, g = _gates(x, prev_h, Wx, Wh, b)
    return f * prev_c + i * g


def lstm_step_forward_h(x, prev_h, prev_c, Wx, Wh, b):
    r"""$h' = o \odot \tanh(c')$, `(N, Dh)`."""
    i, f, o, g = _gates(x, prev_h, Wx, Wh, b)
    return o * np.tanh(f * prev_c + i * g)


def lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    r"""$\partial L/\partial a = [\delta_c g\, i(1-i),\ \delta_c c\, f(1-f),\ dh' \tanh(c')\, o(1-o),\ \delta_c i (1-g^2)]$, `(N, G)`.

    Section 8: $\delta_c = dnext\_c + dnext\_h \odot o \odot (1 - \tanh^2 c')$
    gathers the cell's two paths: its own upstream, and the one through the
    next hidden state.
    """
    tanh_c = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    return np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tanh_c * o * (1 - o),
                           dc * i * (1 - g**2)], axis=1)


def lstm_step_dL_dx(prev_c, i, f, o, g, next_c, dnext_h, dnext_c, Wx):
    r"""$\partial L/\partial x = \frac{\partial L}{\partial a} W_x^\top$, `(N, D)`."""
    return lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c) @ Wx.T


def lstm_step_dL_dprev_h(prev_c, i, f, o, g, next_c, dnext_h, dnext_c, Wh):
    r"""$\partial L/\partial h = \frac{\partial L}{\partial a} W_h^\top$, `(N, Dh)`."""
    return lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c) @ Wh.T


def lstm_step_dL_dprev_c(f, o, next_c, dnext_h, dnext_c):
    r"""$\partial L/\partial c = (dnext\_c + dnext\_h \odot o \odot (1 - \tanh^2 c')) \odot f$, `(N, Dh)`."""
    return (dnext_c + dnext_h * o * (1 - np.tanh(next_c) ** 2)) * f


def lstm_step_dL_dWx(x, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    r"""$\partial L/\partial W_x = x^\top \frac{\partial L}{\partial a}$, `(D, G)`."""
    return x.T @ lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c)


def lstm_step_dL_dWh(prev_h, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    r"""$\partial L/\partial W_h = h^\top \frac{\partial L}{\partial a}$, `(Dh, G)`."""
    return prev_h.T @ lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c)


def lstm_step_dL_db(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    r"""$\partial L/\partial b = \sum_n \frac{\partial L}{\partial a_n}$, `(G,)`."""
    return lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c).sum(axis=0)
