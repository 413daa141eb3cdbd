"""Equation (1): the loss gradient at the task-B output."""


def eq01_dL_dyB_hat(yB, yB_hat, m):
    r"""$\partial L / \partial \hat y_{B,ik} = -\frac{1}{m}\, y_{B,ik} / \hat y_{B,ik}$, `(m, n_classes)`.

    Equation (1): only the cross-entropy term of the mean loss depends on $\hat y_B$.
    """
    return -yB / (m * yB_hat)
