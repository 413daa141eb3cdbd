"""HW3 sections 6 to 8 with einsum and explicit loops over time."""
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    return np.tanh(np.einsum("nd,dh->nh", x, Wx) + np.einsum("ng,gh->nh", prev_h, Wh) + b)


def rnn_step_dL_dx(a, dnext_h, Wx):
    return np.einsum("nh,dh->nd", dnext_h / np.cosh(a) ** 2, Wx)


def rnn_step_dL_dprev_h(a, dnext_h, Wh):
    return np.einsum("nh,gh->ng", dnext_h / np.cosh(a) ** 2, Wh)


def rnn_step_dL_dWx(x, a, dnext_h):
    return np.einsum("nd,nh->dh", x, dnext_h / np.cosh(a) ** 2)


def rnn_step_dL_dWh(prev_h, a, dnext_h):
    return np.einsum("ng,nh->gh", prev_h, dnext_h / np.cosh(a) ** 2)


def rnn_step_dL_db(a, dnext_h):
    return np.einsum("nh->h", dnext_h / np.cosh(a) ** 2)


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    prev = h0
    for t in range(T):
        prev = rnn_step_forward(x[:, t], prev, Wx, Wh, b)
        h[:, t] = prev
    return h


def _deltas(h, Wh, dh):
    da = np.empty_like(h)
    back = np.zeros_like(h[:, 0])
    for t in range(h.shape[1] - 1, -1, -1):
        da[:, t] = (dh[:, t] + back) * (1 - h[:, t] * h[:, t])
        back = np.einsum("nh,gh->ng", da[:, t], Wh)
    return da, back


def rnn_dL_dx(h, Wx, Wh, dh):
    return np.einsum("nth,dh->ntd", _deltas(h, Wh, dh)[0], Wx)


def rnn_dL_dh0(h, Wh, dh):
    return _deltas(h, Wh, dh)[1]


def rnn_dL_dWx(x, h, Wh, dh):
    return np.einsum("ntd,nth->dh", x, _deltas(h, Wh, dh)[0])


def rnn_dL_dWh(h0, h, Wh, dh):
    states = np.concatenate([h0[:, None, :], h[:, :-1, :]], axis=1)
    return np.einsum("ntg,nth->gh", states, _deltas(h, Wh, dh)[0])


def rnn_dL_db(h, Wh, dh):
    return np.einsum("nth->h", _deltas(h, Wh, dh)[0])


def _gate_grads(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    tc = np.tanh(next_c)
    dc = dnext_c + dnext_h * o * (1 - tc**2)
    return np.concatenate([dc * g * i * (1 - i), dc * prev_c * f * (1 - f), dnext_h * tc * o * (1 - o),
                           dc * i * (1 - g**2)], axis=1), dc


def _gates(x, prev_h, Wx, Wh, b):
    a = x @ Wx + prev_h @ Wh + b
    i, f, o, g = np.split(a, 4, axis=1)
    i, f, o = (1 / (1 + np.exp(-z)) for z in (i, f, o))
    return i, f, o, np.tanh(g)


def lstm_step_forward_c(x, prev_h, prev_c, Wx, Wh, b):
    i, f, o, g = _gates(x, prev_h, Wx, Wh, b)
    return f * prev_c + i * g


def lstm_step_forward_h(x, prev_h, prev_c, Wx, Wh, b):
    i, f, o, g = _gates(x, prev_h, Wx, Wh, b)
    return o * np.tanh(f * prev_c + i * g)


def lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return _gate_grads(prev_c, i, f, o, g, next_c, dnext_h, dnext_c)[0]


def lstm_step_dL_dx(prev_c, i, f, o, g, next_c, dnext_h, dnext_c, Wx):
    return np.einsum("ng,dg->nd", lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c), Wx)


def lstm_step_dL_dprev_h(prev_c, i, f, o, g, next_c, dnext_h, dnext_c, Wh):
    return np.einsum("ng,hg->nh", lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c), Wh)


def lstm_step_dL_dprev_c(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return _gate_grads(prev_c, i, f, o, g, next_c, dnext_h, dnext_c)[1] * f


def lstm_step_dL_dWx(x, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return np.einsum("nd,ng->dg", x, lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c))


def lstm_step_dL_dWh(prev_h, prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return np.einsum("nh,ng->hg", prev_h, lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c))


def lstm_step_dL_db(prev_c, i, f, o, g, next_c, dnext_h, dnext_c):
    return np.einsum("ng->g", lstm_step_dL_da(prev_c, i, f, o, g, next_c, dnext_h, dnext_c))
