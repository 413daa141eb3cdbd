"""Section 2.2: the MLP's gradients, from the loss back through `W2`, the exact GELU and `W1`."""
import numpy as np

from .gelu import gelu_derivative


def loss_gradient_at_y(y, y_target, m):
    r"""$\partial L / \partial y = (y - y_{\mathrm{target}})/m$ for $L = \frac1m \sum_i \tfrac12 \lVert y_i - y_{\mathrm{target},i} \rVert^2$, `(m, t, d)`."""
    return (y - y_target) / m


def gelu_input_gradient(y, y_target, m, W2, h_in):
    r"""$\partial L / \partial h_{in} = (\partial L/\partial y\; W_2) \odot \mathrm{gelu}'(h_{in})$, `(m, t, d_ff)`."""
    return loss_gradient_at_y(y, y_target, m) @ W2 * gelu_derivative(h_in)


def block_dL_db2(y, y_target, m):
    r"""$\partial L / \partial b_2 = \frac1m \sum_{i,s} (y_{is} - y_{\mathrm{target},is})$, `(d,)`.

    Section 2.2: the bias is added to every token of every sequence, so its
    gradient sums over both the batch `m` and the tokens `t`.
    """
    return loss_gradient_at_y(y, y_target, m).sum(axis=(0, 1))


def block_dL_dW2(y, y_target, m, h):
    r"""$\partial L / \partial W_2 = \sum_{i,s} \frac{\partial L}{\partial y_{is}}\, h_{is}^\top$, `(d, d_ff)`.

    Section 2.2: `W2` is stored `(out, in)` as in torch.nn.Linear, and every token
    of every sequence contributes one outer product.
    """
    return np.einsum("mtd,mtf->df", loss_gradient_at_y(y, y_target, m), h)


def block_dL_dW1(y, y_target, m, W2, h_in, r):
    r"""$\partial L / \partial W_1 = \sum_{i,s} \left((\tfrac{\partial L}{\partial y_{is}} W_2) \odot \mathrm{gelu}'(h_{in,is})\right) r_{is}^\top$, `(d_ff, d)`.

    Section 2.2: through the exact GELU, whose derivative
    $\Phi(z) + z\varphi(z)$ has a term from each factor of $z\,\Phi(z)$.
    """
    return np.einsum("mtf,mtd->fd", gelu_input_gradient(y, y_target, m, W2, h_in), r)


def block_dL_db1(y, y_target, m, W2, h_in):
    r"""$\partial L / \partial b_1 = \sum_{i,s} (\tfrac{\partial L}{\partial y_{is}} W_2) \odot \mathrm{gelu}'(h_{in,is})$, `(d_ff,)`.

    Section 2.2.
    """
    return gelu_input_gradient(y, y_target, m, W2, h_in).sum(axis=(0, 1))
