"""Section 1: a convolutional layer with stride and zero padding, forward and backward."""
import numpy as np


def padded(x, pad):
    r"""$x$ with `pad` zeros on each side of its two spatial axes, `(N, C, H_pad, W_pad)`."""
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def windows(x_pad, kernel_height, kernel_width, stride):
    r"""Every receptive field of the padded input, a view: entry `[n, c, i, j, k, l]` is `x_pad[n, c, i*stride + k,
    j*stride + l]`, `(N, C, Ho, Wo, HH, WW)`."""
    every = np.lib.stride_tricks.sliding_window_view(x_pad, (kernel_height, kernel_width), axis=(2, 3))
    return every[:, :, ::stride, ::stride]


def conv_forward(x, w, b, stride, pad):
    r"""$out_{nfij} = b_f + \sum_{c,k,l} w_{fckl}\, x^{pad}_{n,c,i s + k, j s + l}$, `(N, F, Ho, Wo)`.

    Section 1.1: each filter slides over the zero-padded input in steps of the
    stride; the output is `(H + 2 pad - HH)/stride + 1` high.
    """
    fields = windows(padded(x, pad), w.shape[2], w.shape[3], stride)
    return np.einsum("ncijkl,fckl->nfij", fields, w) + b[None, :, None, None]


def conv_dL_dw(x, w, dout, stride, pad):
    r"""$\partial L/\partial w_{fckl} = \sum_{n,i,j} dout_{nfij}\, x^{pad}_{n,c,i s + k, j s + l}$, `(F, C, HH, WW)`.

    Section 1.2: each tap of a filter meets the input at the strided positions
    of its receptive fields.
    """
    return np.einsum("ncijkl,nfij->fckl", windows(padded(x, pad), w.shape[2], w.shape[3], stride), dout)


def conv_dL_db(dout):
    r"""$\partial L/\partial b_f = \sum_{n,i,j} dout_{nfij}$, `(F,)`.

    Section 1.2: a filter's bias is added at every output position.
    """
    return dout.sum(axis=(0, 2, 3))


def padded_input_gradient(x, w, dout, stride, pad):
    r"""$\partial L/\partial x^{pad}$: each output's upstream gradient sent back through its filter, `(N, C, H_pad, W_pad)`."""
    n, channels, height, width = x.shape
    kernel_height, kernel_width = w.shape[2:]
    out_height, out_width = dout.shape[2:]
    grad = np.zeros((n, channels, height + 2 * pad, width + 2 * pad))
    for k in range(kernel_height):
        for l in range(kernel_width):
            grad[:, :, k:k + stride * out_height:stride, l:l + stride * out_width:stride] += \
                np.einsum("nfij,fc->ncij", dout, w[:, :, k, l])
    return grad


def conv_dL_dx(x, w, dout, stride, pad):
    r"""$\partial L/\partial x_{nchw} = \sum_{f,k,l} dout_{nfij}\, w_{fckl}$ over `i s + k = h + pad`, `j s + l = w + pad`, `(N, C, H, W)`.

    Section 1.2: each output position sends its upstream gradient back through
    the filter to the inputs of its receptive field; the padding, which is not
    part of the input, is cropped away.
    """
    grad = padded_input_gradient(x, w, dout, stride, pad)
    return grad[:, :, pad:grad.shape[2] - pad, pad:grad.shape[3] - pad]
