"""Equation (10): the loss gradient at the task-A output, which feeds both tasks."""
from .eq04 import eq04_dL_dx2B


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    r"""$\partial L / \partial \hat y_{A,i} = \frac{1}{m}\left[(\hat y_{A,i} - y_{A,i}) + \theta_{2B}^\top(\hat y_{B,i} - y_{B,i})\right]$, `(m, d_out)`.

    Equation (10), one row per sample: the task-A loss plus the skip path
    $x_{2B} = z_{BN} + \hat y_A$ into task B (equation (4)).
    """
    return (yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, theta2B, m)
