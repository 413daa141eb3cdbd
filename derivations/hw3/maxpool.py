"""Section 2: 2x2 max-pooling with stride 2."""
import numpy as np


def _windows(x):
    """`(N, C, H, W)` as its 2x2 windows, `(N, C, Hp, Wp, 4)`, each window row by row."""
    n, c, height, width = x.shape
    return x.reshape(n, c, height // 2, 2, width // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, height // 2,
                                                                                              width // 2, 4)


def maxpool_forward(x):
    r"""$out_{ncij} = \max_{k,l \in \{0,1\}} x_{n,c,2i+k,2j+l}$, `(N, C, Hp, Wp)`."""
    return _windows(x).max(axis=-1)


def maxpool_dL_dx(x, dout):
    r"""$\partial L/\partial x = dout$ at each window's maximum, $0$ elsewhere, `(N, C, H, W)`.

    Section 2: a window's output moves with its largest entry alone. Where two
    entries tie for the maximum, the first of them (row by row) takes the
    gradient, as PyTorch routes it.
    """
    fields = _windows(x)
    routed = np.zeros_like(fields)
    np.put_along_axis(routed, fields.argmax(axis=-1)[..., None], dout[..., None], axis=-1)
    n, c, pooled_height, pooled_width, _ = fields.shape
    return routed.reshape(n, c, pooled_height, pooled_width, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(x.shape)
