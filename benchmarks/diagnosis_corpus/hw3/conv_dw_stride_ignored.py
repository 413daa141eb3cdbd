"""HW3 1.2: dL/dw with naive loops."""
import numpy as np


def conv_dL_dw(x, w, dout, stride, pad):
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    # the receptive field of output (i, j)
                    window = x_pad[n, :, i:i + HH, j:j + WW]
                    dw[f] += dout[n, f, i, j] * window
    return dw
