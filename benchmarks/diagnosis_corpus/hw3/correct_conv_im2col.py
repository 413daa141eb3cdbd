"""HW3 sections 1 and 3 with im2col: every receptive field a row of one matrix."""
import numpy as np


def _cols(x, HH, WW, stride, pad):
    N, C, H, W = x.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    Ho, Wo = (H + 2 * pad - HH) // stride + 1, (W + 2 * pad - WW) // stride + 1
    cols = np.zeros((N, Ho, Wo, C, HH, WW))
    for i in range(Ho):
        for j in range(Wo):
            cols[:, i, j] = x_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
    return cols.reshape(N * Ho * Wo, -1), Ho, Wo


def _col2im(dcols, x_shape, HH, WW, stride, pad, Ho, Wo):
    N, C, H, W = x_shape
    dcols = dcols.reshape(N, Ho, Wo, C, HH, WW)
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(Ho):
        for j in range(Wo):
            dx_pad[:, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += dcols[:, i, j]
    return dx_pad[:, :, pad:pad + H, pad:pad + W]


def conv_forward(x, w, b, stride, pad):
    F, _, HH, WW = w.shape
    cols, Ho, Wo = _cols(x, HH, WW, stride, pad)
    out = cols @ w.reshape(F, -1).T + b
    return out.reshape(x.shape[0], Ho, Wo, F).transpose(0, 3, 1, 2)


def conv_dL_dx(x, w, dout, stride, pad):
    F, _, HH, WW = w.shape
    _, Ho, Wo = _cols(x, HH, WW, stride, pad)
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, F)
    return _col2im(dout_rows @ w.reshape(F, -1), x.shape, HH, WW, stride, pad, Ho, Wo)


def conv_dL_dw(x, w, dout, stride, pad):
    F, _, HH, WW = w.shape
    cols, _, _ = _cols(x, HH, WW, stride, pad)
    return (dout.transpose(0, 2, 3, 1).reshape(-1, F).T @ cols).reshape(w.shape)


def _dconv(x, w, b, dout):
    """The gradient at the convolution's output, through the 2x2 pool and the ReLU."""
    k = w.shape[2]
    c = conv_forward(x, w, b, 1, k // 2)
    r = np.maximum(c, 0)
    N, F, H, W = r.shape
    dr = np.zeros_like(r)
    for i in range(H // 2):
        for j in range(W // 2):
            window = r[:, :, 2 * i:2 * i + 2, 2 * j:2 * j + 2].reshape(N, F, 4)
            first = window.argmax(axis=2)
            for n in range(N):
                for f in range(F):
                    a, s = divmod(first[n, f], 2)
                    dr[n, f, 2 * i + a, 2 * j + s] = dout[n, f, i, j]
    return dr * (c > 0)


def crp_dL_dx(x, w, b, dout):
    k = w.shape[2]
    return conv_dL_dx(x, w, _dconv(x, w, b, dout), 1, k // 2)


def crp_dL_dw(x, w, b, dout):
    k = w.shape[2]
    return conv_dL_dw(x, w, _dconv(x, w, b, dout), 1, k // 2)


def crp_dL_db(x, w, b, dout):
    return _dconv(x, w, b, dout).sum(axis=(0, 2, 3))
