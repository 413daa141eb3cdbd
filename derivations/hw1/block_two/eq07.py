"""Equation (7): the gradient of FC1B's bias, which BatchNorm makes identically zero."""
from .eq05 import eq05_dL_dz1B


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    r"""$\partial L / \partial b_{1B} = \sum_i \frac{\partial L}{\partial z_{1B,i}} = 0$, `(d_out,)`.

    Equation (7). BatchNorm subtracts the batch mean right after FC1B, and
    $b_{1B}$ shifts every sample of a column by the same amount, so it cancels in
    $z_{1B} - \mu$ and leaves the variance unchanged: the loss does not depend on
    $b_{1B}$ at all. Equivalently, each column of BatchNorm's input gradient
    (equation (5)) sums to zero over the batch, which this sum shows up to roundoff.
    """
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps).sum(axis=0)
