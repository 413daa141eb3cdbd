"""Equation (8): the gradient of FC2A's weight."""
from .eq10 import eq10_dL_dyA_hat


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, m, zDP):
    r"""$\partial L / \partial \theta_{2A} = \sum_i \frac{\partial L}{\partial \hat y_{A,i}}\, z_{DP,i}^\top$, `(d_out, d_hidden)`.

    Equation (8), with $\partial L / \partial \hat y_A$ from equation (10), both tasks included.
    """
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).T @ zDP
