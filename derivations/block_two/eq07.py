"""Equation (7): the gradient of FC1B's bias, which BatchNorm makes identically zero."""
import numpy as np


def eq07_dL_db1B(b1B):
    r"""$\partial L / \partial b_{1B} = \sum_i \frac{\partial L}{\partial z_{1B,i}} = 0$, `(d_out,)`.

    Equation (7). BatchNorm subtracts the batch mean right after FC1B, and
    $b_{1B}$ shifts every sample of a column by the same amount, so it cancels in
    $z_{1B} - \mu$ and leaves the variance unchanged: the loss does not depend on
    $b_{1B}$ at all. Equivalently, each column of BatchNorm's input gradient sums
    to zero over the batch.
    """
    return np.zeros_like(b1B, dtype=float)
