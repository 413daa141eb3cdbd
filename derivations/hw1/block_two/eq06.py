"""Equation (6): the gradient of FC1B's weight."""
from .eq05 import eq05_dL_dz1B


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    r"""$\partial L / \partial \theta_{1B} = \sum_i \frac{\partial L}{\partial z_{1B,i}}\, x_i^\top$, `(d_out, d_in)`.

    Equation (6), with $\partial L / \partial z_{1B}$ from equation (5).
    """
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps).T @ x
