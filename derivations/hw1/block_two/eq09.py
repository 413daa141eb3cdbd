"""Equation (9): the gradient of FC2A's bias."""
from .eq10 import eq10_dL_dyA_hat


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    r"""$\partial L / \partial b_{2A} = \sum_i \frac{\partial L}{\partial \hat y_{A,i}}$, `(d_out,)`.

    Equation (9).
    """
    return eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m).sum(axis=0)
