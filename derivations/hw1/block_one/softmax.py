"""Section 1.3: the Jacobian of a row-wise Softmax `y = softmax(x)` over logits `(m, n)`."""
import numpy as np


def softmax_jacobian(y):
    r"""$J_{iab} = \partial y_{ia} / \partial x_{ib} = y_{ia}(\delta_{ab} - y_{ib})$, `(m, n, n)`.

    Section 1.3: $y_a(1-y_a)$ on the diagonal and $-y_a y_b$ off it. Rows of the
    batch do not interact, so the Jacobian has one `(n, n)` block per sample.
    """
    return y[:, :, None] * (np.eye(y.shape[1]) - y[:, None, :])


def softmax_dL_dx(y, dy):
    r"""$\partial L / \partial x_{ia} = y_{ia}\left(dy_{ia} - \sum_b dy_{ib} y_{ib}\right)$, `(m, n)`.

    Section 1.3, as the vector-Jacobian product $J_i^\top dy_i$ for each row; the
    Jacobian is symmetric.
    """
    return y * (dy - (dy * y).sum(axis=1, keepdims=True))
