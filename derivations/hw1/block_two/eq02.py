"""Equation (2): how the task-B output moves with FC2B's weight."""
from ..block_one.softmax import softmax_jacobian


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    r"""$\partial \hat y_{B,ik} / \partial \theta_{2B,jl} = \hat y_{B,ik}(\delta_{kj} - \hat y_{B,ij})\, x_{2B,il}$, `(m, n_classes, n_classes, d_out)`.

    Equation (2): the softmax Jacobian of sample `i` (section 1.3) times
    $\partial z_{2B,ij} / \partial \theta_{2B,jl} = x_{2B,il}$.
    """
    return softmax_jacobian(yB_hat)[:, :, :, None] * x2B[:, None, None, :]
