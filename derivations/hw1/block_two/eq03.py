"""Equation (3): the gradients of FC2B's weight and bias."""


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    r"""$\partial L / \partial \theta_{2B} = \frac{1}{m} \sum_i (\hat y_{B,i} - y_{B,i})\, x_{2B,i}^\top$, `(n_classes, d_out)`.

    Equation (3): softmax followed by cross-entropy against a one-hot target has
    the logit gradient $(\hat y_B - y_B)/m$.
    """
    return (yB_hat - yB).T @ x2B / m


def eq03_dL_db2B(yB_hat, yB, m):
    r"""$\partial L / \partial b_{2B} = \frac{1}{m} \sum_i (\hat y_{B,i} - y_{B,i})$, `(n_classes,)`.

    Equation (3), the bias.
    """
    return (yB_hat - yB).sum(axis=0) / m
