"""Section 6: one step of a vanilla RNN, forward and backward."""
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    r"""$h' = \tanh(x W_x + h W_h + b)$, `(N, Dh)`."""
    return np.tanh(x @ Wx + prev_h @ Wh + b)


def preactivation_gradient(dnext_h, next_h):
    r"""$\partial L/\partial a = dnext\_h \odot (1 - h'^2)$, `(N, Dh)`."""
    return dnext_h * (1 - next_h**2)


def rnn_step_dL_dx(dnext_h, next_h, Wx):
    r"""$\partial L/\partial x = (dnext\_h \odot (1 - h'^2))\, W_x^\top$, `(N, D)`.

    Section 6: the tanh's derivative is $1 - \tanh^2$, read off the step's output.
    """
    return preactivation_gradient(dnext_h, next_h) @ Wx.T


def rnn_step_dL_dprev_h(dnext_h, next_h, Wh):
    r"""$\partial L/\partial h = (dnext\_h \odot (1 - h'^2))\, W_h^\top$, `(N, Dh)`."""
    return preactivation_gradient(dnext_h, next_h) @ Wh.T


def rnn_step_dL_dWx(x, dnext_h, next_h):
    r"""$\partial L/\partial W_x = x^\top (dnext\_h \odot (1 - h'^2))$, `(D, Dh)`.

    Section 6: `Wx` is laid out `(in, out)` (the input times it), and so is its
    gradient.
    """
    return x.T @ preactivation_gradient(dnext_h, next_h)


def rnn_step_dL_dWh(prev_h, dnext_h, next_h):
    r"""$\partial L/\partial W_h = h^\top (dnext\_h \odot (1 - h'^2))$, `(Dh, Dh)`."""
    return prev_h.T @ preactivation_gradient(dnext_h, next_h)


def rnn_step_dL_db(dnext_h, next_h):
    r"""$\partial L/\partial b = \sum_n (dnext\_h \odot (1 - h'^2))_n$, `(Dh,)`."""
    return preactivation_gradient(dnext_h, next_h).sum(axis=0)
