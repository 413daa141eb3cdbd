"""HW3 7.2: RNN backward over the sequence."""
import numpy as np


def _backward(x, h0, Wx, Wh, h, dh):
    N, T, D = x.shape
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(Wh.shape[0])
    for t in reversed(range(T)):
        prev = h0 if t == 0 else h[:, t - 1]
        da = dh[:, t] * (1 - h[:, t] ** 2)
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += prev.T @ da
        db += da.sum(axis=0)
    return dx, dWx, dWh, db


def rnn_dL_dx(x, h0, Wx, Wh, h, dh):
    return _backward(x, h0, Wx, Wh, h, dh)[0]


def rnn_dL_dWh(x, h0, Wx, Wh, h, dh):
    return _backward(x, h0, Wx, Wh, h, dh)[2]
