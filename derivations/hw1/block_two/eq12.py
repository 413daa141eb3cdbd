"""Equation (12): the loss gradient at the sine's output, through the dropout mask."""
from .eq11 import eq11_dL_dzDP


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    r"""$\partial L / \partial z_{1A} = M \odot \frac{\partial L}{\partial z_{DP}}$, `(m, d_hidden)`.

    Equation (12): dropout's Jacobian is its mask (section 1.2).
    """
    return eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m) * M
