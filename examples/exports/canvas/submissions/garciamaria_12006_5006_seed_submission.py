"""A student's derivation of homework 1, transcribed as a gradjudge submission.

Each function is exactly what the derivation states, read charitably where its
notation is loose: `sgn(.)` of a ReLU input is taken as the 0/1 step, and a sum
over the batch whose terms are per-sample results is taken as one row per
sample. Its own forward pass (section 2.1) is kept as written: BatchNorm as
mean-centring only, FC1B's bias added a second time, no variance, no gamma or
beta. It returns its intermediates, so that grading can carry its errors
forward. Nothing the derivation does not derive is defined here.

Grade it with `gradjudge grade examples/seed_submission.py`.
"""
import numpy as np


def bn_dy_dgamma(x, mu, var, eps):
    r"""1.1: $\partial y_i / \partial \gamma = \hat x_i = (x_i - \mu_\beta) / \sqrt{\sigma_\beta^2 + \epsilon}$."""
    return (x - mu) / np.sqrt(var + eps)


def bn_dy_dbeta(x):
    r"""1.1: $\partial y_i / \partial \beta = 1$."""
    return np.ones_like(x)


def dropout_dy_dx(M):
    r"""1.2: $y = M \odot x$, so $\partial y / \partial x = M$."""
    return M


def softmax_jacobian(y):
    r"""1.3: $\partial y_i/\partial x_i = y_i(1 - y_i)$ and $\partial y_i/\partial x_j = -y_i y_j$ for $i \ne j$."""
    m, n = y.shape
    jacobian = -y[:, :, None] * y[:, None, :]
    for a in range(n):
        jacobian[:, a, a] = y[:, a] * (1 - y[:, a])
    return jacobian


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    r"""2.1: $\hat y_A = \theta_{2A} M \odot \sin(\theta_{1A} x + b_{1A}) + b_{2A}$, batch-first."""
    return (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, theta2B, b2B):
    r"""2.1: $z_{BN} = N \odot (z_{1B} - \mu + b_{1B})$, $x_{2B} = z_{BN} + \hat y_A$, $\hat y_B = \mathrm{Softmax}(\theta_{2B} x_{2B} + b_{2B})$."""
    z1B = x @ theta1B.T + b1B
    mu = z1B.mean(axis=0)
    H_BN = z1B - mu + b1B
    N = (H_BN > 0).astype(float)
    zBN = N * H_BN
    yA_hat = forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)
    x2B = zBN + yA_hat
    z2B = x2B @ theta2B.T + b2B
    e = np.exp(z2B - z2B.max(axis=1, keepdims=True))
    yB_hat = e / e.sum(axis=1, keepdims=True)
    return {"yB_hat": yB_hat, "yA_hat": yA_hat, "z1B": z1B, "mu": mu, "H_BN": H_BN, "N": N, "zBN": zBN,
            "x2B": x2B, "z2B": z2B}


def eq01_dL_dyB_hat(yB, yB_hat, m):
    r"""(1): $\partial L / \partial \hat y^i_{B,k} = -\frac{1}{m} y^i_{B,k} / \hat y^i_{B,k}$."""
    return -yB / yB_hat / m


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    r"""(2): for each k, the column $(-\hat y_k \hat y_1, \dots, \hat y_k(1-\hat y_k), \dots, -\hat y_k \hat y_b)$ times $(x^i_{2B})^\top$."""
    m, b = yB_hat.shape
    result = np.zeros((m, b, b, x2B.shape[1]))
    for i in range(m):
        for k in range(b):
            column = -yB_hat[i, k] * yB_hat[i]
            column[k] = yB_hat[i, k] * (1 - yB_hat[i, k])
            result[i, k] = np.outer(column, x2B[i])
    return result


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    r"""(3): $\frac{1}{m}\sum_i (\hat y^i_B - y^i_B)(x^i_{2B})^\top$."""
    return sum(np.outer(yB_hat[i] - yB[i], x2B[i]) for i in range(m)) / m


def eq03_dL_db2B(yB_hat, yB, m):
    r"""(3), the bias: $\frac{1}{m}\sum_i (\hat y^i_B - y^i_B)$."""
    return (yB_hat - yB).sum(axis=0) / m


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    r"""(4): $\frac{1}{m} \theta_{2B}^\top (\hat y^i_B - y^i_B)$, one row per sample."""
    return (yB_hat - yB) @ theta2B / m


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, H_BN):
    r"""(5): $\frac{1}{m}(1 - \frac{1}{m})\, \theta_{2B}^\top (\hat y^i_B - y^i_B) \odot \mathrm{sgn}(H^i_{BN})$."""
    return (1 - 1 / m) / m * ((yB_hat - yB) @ theta2B) * (H_BN > 0)


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, H_BN):
    r"""(6): equation (5)'s rows times $(x^i)^\top$, summed over the batch."""
    return eq05_dL_dz1B(yB_hat, yB, theta2B, m, H_BN).T @ x


def eq07_dL_db1B(yB_hat, yB, theta2B, m, zBN):
    r"""(7): $\frac{1}{m}\sum_i \theta_{2B}^\top (\hat y^i_B - y^i_B) \odot \mathrm{sgn}(z^i_{BN})$."""
    return (((yB_hat - yB) @ theta2B) * (zBN > 0)).sum(axis=0) / m


def _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B):
    r"""The bracket of equations (8)-(14): $(\hat y^i_A - y^i_A) + \theta_{2B}^\top(\hat y^i_B - y^i_B)$, per row."""
    return (yA_hat - yA) + (yB_hat - yB) @ theta2B


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP, m):
    r"""(8): $\frac{1}{m}\sum_i [\dots] (z^i_{DP})^\top$."""
    return _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B).T @ zDP / m


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    r"""(9): $\frac{1}{m}\sum_i [\dots]$."""
    return _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B).sum(axis=0) / m


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    r"""(10): $\frac{1}{m}[\dots]$, one row per sample."""
    return _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B) / m


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    r"""(11): $\frac{1}{m}\theta_{2A}^\top[\dots]$, one row per sample."""
    return _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A / m


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    r"""(12): $\frac{1}{m}\theta_{2A}^\top[\dots] \odot M$, one row per sample."""
    return _task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A / m * M


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, x, m):
    r"""(13): $\frac{1}{m}\sum_i \theta_{2A}^\top[\dots] \odot M \odot \cos(H^i_{1A}) (x^i)^\top$."""
    return (_task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A * M * np.cos(H1A)).T @ x / m


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    r"""(14): $\frac{1}{m}\sum_i \theta_{2A}^\top[\dots] \odot M \odot \cos(H^i_{1A})$."""
    return (_task_a_and_b(yA_hat, yA, yB_hat, yB, theta2B) @ theta2A * M * np.cos(H1A)).sum(axis=0) / m
