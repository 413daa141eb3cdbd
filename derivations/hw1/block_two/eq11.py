"""Equation (11): the loss gradient at the dropout output."""
from .eq10 import eq10_dL_dyA_hat


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    r"""$\partial L / \partial z_{DP,i} = \theta_{2A}^\top \frac{\partial L}{\partial \hat y_{A,i}}$, `(m, d_hidden)`.

    Equation (11), one row per sample.
    """
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m) @ theta2A
