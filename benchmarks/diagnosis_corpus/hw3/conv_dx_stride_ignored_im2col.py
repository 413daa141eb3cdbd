"""HW3 1.2: dL/dx via im2col / col2im."""
import numpy as np


def conv_dL_dx(x, w, dout, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    # dcols[n, i, j] is the gradient of the receptive field of output (i, j): (C*HH*WW,)
    dcols = np.einsum("nfij,fk->nijk", dout, w.reshape(F, -1))
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for i in range(Ho):
        for j in range(Wo):
            dx_pad[:, :, i:i + HH, j:j + WW] += dcols[:, i, j].reshape(N, C, HH, WW)
    return dx_pad[:, :, pad:pad + H, pad:pad + W]
