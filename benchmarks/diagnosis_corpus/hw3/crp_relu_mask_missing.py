"""HW3 3: conv - relu - pool backward, im2col for the convolution."""
import numpy as np


def _im2col(x_pad, k):
    N, C, Hp, Wp = x_pad.shape
    H, W = Hp - k + 1, Wp - k + 1
    cols = np.empty((N, H, W, C * k * k))
    for i in range(H):
        for j in range(W):
            cols[:, i, j] = x_pad[:, :, i:i + k, j:j + k].reshape(N, -1)
    return cols


def _backward(x, w, b, dout):
    N, C, H, W = x.shape
    F, _, k, _ = w.shape
    p = k // 2
    x_pad = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    cols = _im2col(x_pad, k)
    conv = cols @ w.reshape(F, -1).T + b            # (N, H, W, F)
    relu = np.maximum(conv, 0)
    # pool backward: route dout to the argmax of each 2x2 window
    windows = relu.reshape(N, H // 2, 2, W // 2, 2, F).transpose(0, 1, 3, 5, 2, 4).reshape(N, H // 2, W // 2, F, 4)
    routed = np.zeros_like(windows)
    np.put_along_axis(routed, windows.argmax(-1)[..., None], dout.transpose(0, 2, 3, 1)[..., None], -1)
    drelu = routed.reshape(N, H // 2, W // 2, F, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(N, H, W, F)
    dconv = drelu  # relu passes the gradient on
    return x_pad, cols, dconv


def crp_dL_dw(x, w, b, dout):
    F = w.shape[0]
    x_pad, cols, dconv = _backward(x, w, b, dout)
    return np.einsum("nhwf,nhwk->fk", dconv, cols).reshape(w.shape)


def crp_dL_db(x, w, b, dout):
    return _backward(x, w, b, dout)[2].sum(axis=(0, 1, 2))
