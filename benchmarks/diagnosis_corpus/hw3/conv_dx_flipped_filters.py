"""HW3 1.2: dL/dx. The backward pass of a convolution is a convolution with the flipped kernel."""
import numpy as np


def conv_dL_dx(x, w, dout, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    w_flipped = w[:, :, ::-1, ::-1]
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    r, s = i * stride, j * stride
                    dx_pad[n, :, r:r + HH, s:s + WW] += dout[n, f, i, j] * w_flipped[f]
    return dx_pad[:, :, pad:pad + H, pad:pad + W]
