"""Section 2.3: the loss gradient at the first residual's sum `r`, which reaches `y` by two paths."""
from .mlp import gelu_input_gradient, loss_gradient_at_y


def block_dL_dr(y, y_target, m, W2, W1, h_in):
    r"""$\partial L / \partial r = \frac{\partial L}{\partial y} + \frac{\partial L}{\partial h_{in}} W_1$, `(m, t, d)`.

    Section 2.3: $y = r + \mathrm{MLP}(r)$, so the gradient at `r` is the one at
    `y`, passed unchanged by the residual connection, plus the one back through
    the MLP.
    """
    return loss_gradient_at_y(y, y_target, m) + gelu_input_gradient(y, y_target, m, W2, h_in) @ W1
