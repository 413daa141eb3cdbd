"""Section 2.1: the forward pass of the two-task network, batch-first."""
import numpy as np


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    r"""$\hat y_A = \left(M \odot \sin(x\theta_{1A}^\top + b_{1A})\right)\theta_{2A}^\top + b_{2A}$, `(m, d_out)`.

    Section 2.1, task A: FC1A, sine, the fixed dropout mask, FC2A.
    """
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, eps, theta2B, b2B):
    r"""$\hat y_B = \mathrm{softmax}\left((\mathrm{relu}(\mathrm{BN}_{\gamma,\beta}(x\theta_{1B}^\top + b_{1B})) + \hat y_A)\theta_{2B}^\top + b_{2B}\right)$, `(m, n_classes)`.

    Section 2.1, task B: FC1B, BatchNorm with batch statistics (biased variance,
    `eps` inside the root, then `gamma` and `beta`), ReLU, the skip connection
    adding $\hat y_A$, FC2B and a row-wise softmax.
    """
    z1B = x @ theta1B.T + b1B
    xhat = (z1B - z1B.mean(axis=0)) / np.sqrt(z1B.var(axis=0) + eps)
    x2B = np.maximum(gamma * xhat + beta, 0) + forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)
    z2B = x2B @ theta2B.T + b2B
    e = np.exp(z2B - z2B.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
