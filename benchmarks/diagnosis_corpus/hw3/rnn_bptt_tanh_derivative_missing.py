"""HW3 7.2: RNN backward through time."""
import numpy as np


def _da(Wh, dh):
    N, T, H = dh.shape
    da = np.zeros_like(dh)
    carry = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        da[:, t] = dh[:, t] + carry
        carry = da[:, t] @ Wh.T
    return da


def rnn_dL_dx(Wx, Wh, dh):
    return _da(Wh, dh) @ Wx.T


def rnn_dL_db(Wh, dh):
    return _da(Wh, dh).sum(axis=(0, 1))
