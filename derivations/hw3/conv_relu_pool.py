"""Section 3: the convolution, ReLU and 2x2 max-pool of a convolutional network's first block, backward."""
from .conv import conv_dL_db as _bias_gradient
from .conv import conv_dL_dw as _filter_gradient
from .conv import conv_dL_dx as _input_gradient
from .conv import conv_forward
from .maxpool import maxpool_dL_dx


def conv_output_gradient(x, w, b, dout):
    r"""$\partial L/\partial c = 1[c > 0] \odot \partial L/\partial r$, with $\partial L/\partial r$ the max-pool's, `(N, F, H, W)`."""
    c = conv_forward(x, w, b, 1, w.shape[2] // 2)
    r = c * (c > 0)
    return maxpool_dL_dx(r, dout) * (c > 0)


def crp_dL_dx(x, w, b, dout):
    r"""$\partial L/\partial x$ through the max-pool, the ReLU and the convolution, `(N, C, H, W)`.

    Section 3: the pool sends each upstream entry to its window's maximum, the
    ReLU passes it where its input is positive, and the convolution (stride 1,
    padding `HH // 2`, which keeps the size) sends it back through the filters.
    """
    return _input_gradient(x, w, conv_output_gradient(x, w, b, dout), 1, w.shape[2] // 2)


def crp_dL_dw(x, w, b, dout):
    r"""$\partial L/\partial w$ through the max-pool, the ReLU and the convolution, `(F, C, HH, HH)`."""
    return _filter_gradient(x, w, conv_output_gradient(x, w, b, dout), 1, w.shape[2] // 2)


def crp_dL_db(x, w, b, dout):
    r"""$\partial L/\partial b = \sum_{n,h,w} \partial L/\partial c$, `(F,)`."""
    return _bias_gradient(conv_output_gradient(x, w, b, dout))
