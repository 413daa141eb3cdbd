"""Past equation (14): the gradients of BatchNorm's parameters and of the network's input."""
import numpy as np

from .eq04 import eq04_dL_dx2B
from .eq05 import eq05_dL_dz1B
from .eq12 import eq12_dL_dz1A


def net_dL_dgamma(yB_hat, yB, theta2B, m, N, xhat):
    r"""$\partial L / \partial \gamma = \sum_i \left(\frac{\partial L}{\partial x_{2B,i}} \odot N_i\right) \odot \hat x_i$, `(d_out,)`.

    Past equation (14): ReLU's mask, then section 1.1's $\partial L/\partial\gamma$.
    """
    return (eq04_dL_dx2B(yB_hat, yB, theta2B, m) * N * xhat).sum(axis=0)


def net_dL_dbeta(yB_hat, yB, theta2B, m, N):
    r"""$\partial L / \partial \beta = \sum_i \frac{\partial L}{\partial x_{2B,i}} \odot N_i$, `(d_out,)`.

    Past equation (14).
    """
    return (eq04_dL_dx2B(yB_hat, yB, theta2B, m) * N).sum(axis=0)


def net_dL_dx(x, H1A, yA_hat, yA, yB_hat, yB, theta1A, theta2A, theta1B, theta2B, M, m, N, xhat, gamma, var, eps):
    r"""$\partial L / \partial x = \frac{\partial L}{\partial z_{1B}}\theta_{1B} + \left(\frac{\partial L}{\partial z_{1A}} \odot \cos H_{1A}\right)\theta_{1A}$, `(m, d_in)`.

    Past equation (14): the input feeds both FC1B (equation (5)) and FC1A (equation (12)).
    """
    through_b = eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps) @ theta1B
    through_a = (eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)) @ theta1A
    return through_b + through_a
