"""Equation (14): the gradient of FC1A's bias."""
import numpy as np

from .eq12 import eq12_dL_dz1A


def eq14_dL_db1A(H1A, yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    r"""$\partial L / \partial b_{1A} = \sum_i \frac{\partial L}{\partial z_{1A,i}} \odot \cos H_{1A,i}$, `(d_hidden,)`.

    Equation (14).
    """
    return (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)).sum(axis=0)
