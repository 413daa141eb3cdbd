"""Equation (4): the loss gradient at the skip connection's sum, which is also ReLU's output."""


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    r"""$\partial L / \partial x_{2B,i} = \frac{1}{m}\, \theta_{2B}^\top (\hat y_{B,i} - y_{B,i})$, `(m, d_out)`.

    Equation (4), one row per sample. Because $x_{2B} = z_{BN} + \hat y_A$, this is
    also $\partial L / \partial z_{BN}$.
    """
    return (yB_hat - yB) @ theta2B / m
