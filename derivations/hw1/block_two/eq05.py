"""Equation (5): the loss gradient at BatchNorm's input."""
from ..block_one.batchnorm import bn_dL_dx
from .eq04 import eq04_dL_dx2B


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    r"""$\partial L/\partial z_{1B} = \frac{\gamma}{\sqrt{\sigma^2+\epsilon}}\left(g - \bar g - \hat x\,\overline{g \odot \hat x}\right),\ g = \frac{\partial L}{\partial x_{2B}} \odot N$, `(m, d_out)`.

    Equation (5): ReLU passes the gradient where $H_{BN} > 0$ (the mask `N`), then
    BatchNorm's input gradient (section 1.1) with `g` as its upstream gradient.
    Every sample reaches every other through the batch mean and variance, so
    the result is not `g` scaled sample by sample.
    """
    return bn_dL_dx(eq04_dL_dx2B(yB_hat, yB, theta2B, m) * N, xhat, gamma, var, eps)
