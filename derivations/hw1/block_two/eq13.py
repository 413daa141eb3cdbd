"""Equation (13): the gradient of FC1A's weight."""
import numpy as np

from .eq12 import eq12_dL_dz1A


def eq13_dL_dtheta1A(x, H1A, yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    r"""$\partial L / \partial \theta_{1A} = \sum_i \left(\frac{\partial L}{\partial z_{1A,i}} \odot \cos H_{1A,i}\right) x_i^\top$, `(d_hidden, d_in)`.

    Equation (13): through the sine, whose derivative is the cosine of its input.
    """
    dH1A = eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)
    return dH1A.T @ x
