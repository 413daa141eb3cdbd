"""HW1, every id: block one with loops, block two in einsum notation; one bias gradient through running
totals, with np.zeros(n + 1) beside np.zeros(n)."""
import numpy as np


def _column_stats(x, eps):
    m, d = x.shape
    mean = np.zeros(d)
    std = np.zeros(d)
    for j in range(d):
        mean[j] = sum(x[i, j] for i in range(m)) / m
        std[j] = np.sqrt(sum((x[i, j] - mean[j]) ** 2 for i in range(m)) / m + eps)
    return mean, std


def bn_dy_dgamma(x, eps):
    mean, std = _column_stats(x, eps)
    m, d = x.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = (x[i, j] - mean[j]) / std[j]
    return out


def bn_dy_dbeta(x):
    m, d = x.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = 1.0
    return out


def bn_dL_dgamma(dy, x, eps):
    xhat = bn_dy_dgamma(x, eps)
    m, d = dy.shape
    grad = np.zeros(d)
    for j in range(d):
        for i in range(m):
            grad[j] += dy[i, j] * xhat[i, j]
    return grad


def bn_dL_dbeta(dy):
    m, d = dy.shape
    grad = np.zeros(d)
    for i in range(m):
        grad += dy[i]
    return grad


def bn_dL_dx(dy, x, gamma, eps):
    # dxhat_i / dx_k = (delta_ik - 1/m - xhat_i xhat_k / m) / std, column by column
    mean, std = _column_stats(x, eps)
    m, d = x.shape
    dx = np.zeros((m, d))
    for j in range(d):
        xhat = (x[:, j] - mean[j]) / std[j]
        for k in range(m):
            total = 0.0
            for i in range(m):
                delta = 1.0 if i == k else 0.0
                total += dy[i, j] * gamma[j] * (delta - 1.0 / m - xhat[i] * xhat[k] / m) / std[j]
            dx[k, j] = total
    return dx


def dropout_dy_dx(M):
    m, d = M.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = M[i, j]
    return out


def dropout_dL_dx(dy, M):
    m, d = dy.shape
    out = np.zeros((m, d))
    for i in range(m):
        for j in range(d):
            out[i, j] = dy[i, j] * M[i, j]
    return out


def _softmax_row(row):
    e = np.exp(row - np.max(row))
    return e / np.sum(e)


def softmax_jacobian(x):
    m, n = x.shape
    J = np.zeros((m, n, n))
    for i in range(m):
        s = _softmax_row(x[i])
        for a in range(n):
            for b in range(n):
                J[i, a, b] = s[a] * ((1.0 if a == b else 0.0) - s[b])
    return J


def softmax_dL_dx(x, dy):
    m, n = x.shape
    grad = np.zeros((m, n))
    for i in range(m):
        s = _softmax_row(x[i])
        for b in range(n):
            grad[i, b] = sum(dy[i, a] * s[a] * ((1.0 if a == b else 0.0) - s[b]) for a in range(n))
    return grad


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / np.einsum("ik->i", e)[:, None]


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    z1A = np.sin(np.einsum("il,jl->ij", x, theta1A) + b1A)
    return np.einsum("ij,kj->ik", M * z1A, theta2A) + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, theta2B, b2B, eps):
    z1B = np.einsum("il,jl->ij", x, theta1B) + b1B
    centred = z1B - np.einsum("ij->j", z1B) / z1B.shape[0]
    var = np.einsum("ij,ij->j", centred, centred) / z1B.shape[0]
    H_BN = gamma * centred / np.sqrt(var + eps) + beta
    x2B = np.maximum(H_BN, 0.0) + forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)
    return _softmax(np.einsum("ij,kj->ik", x2B, theta2B) + b2B)


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / (m * yB_hat)


def _softmax_jac(yB_hat):
    n = yB_hat.shape[1]
    return np.einsum("ik,kj->ikj", yB_hat, np.eye(n)) - np.einsum("ik,ij->ikj", yB_hat, yB_hat)


def eq02_dyB_hat_dtheta2B(yB_hat, x2B):
    return np.einsum("ikj,il->ikjl", _softmax_jac(yB_hat), x2B)


def _dz2B(yB_hat, yB, m):
    return (yB_hat - yB) / m


def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return np.einsum("ik,il->kl", _dz2B(yB_hat, yB, m), x2B)


def _column_totals(a):
    """Column sums read off running totals with a leading zero: totals[k] = running[k + 1] - running[k]."""
    n = a.shape[1]
    totals = np.zeros(n)
    for row in a:
        running = np.zeros(n + 1)
        running[1:] = np.cumsum(row)
        totals += running[1:] - running[:-1]
    return totals


def eq03_dL_db2B(yB_hat, yB, m):
    return _column_totals(_dz2B(yB_hat, yB, m))


def eq04_dL_dx2B(yB_hat, yB, theta2B, m):
    return np.einsum("ik,kl->il", _dz2B(yB_hat, yB, m), theta2B)


def _dH(yB_hat, yB, theta2B, m, N):
    return eq04_dL_dx2B(yB_hat, yB, theta2B, m) * N


def _dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    g = _dH(yB_hat, yB, theta2B, m, N) * gamma
    mean_g = np.einsum("ij->j", g) / m
    mean_gx = np.einsum("ij,ij->j", g, xhat) / m
    return (g - mean_g - xhat * mean_gx) / np.sqrt(var + eps)


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    return _dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps)


def eq06_dL_dtheta1B(x, yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    return np.einsum("ij,il->jl", _dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps), x)


def eq07_dL_db1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps):
    return np.einsum("ij->j", _dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps))


def _dyA(yA_hat, yA, yB_hat, yB, theta2B, m):
    return (yA_hat - yA) / m + eq04_dL_dx2B(yB_hat, yB, theta2B, m)


def eq08_dL_dtheta2A(yA_hat, yA, yB_hat, yB, theta2B, zDP, m):
    return np.einsum("ij,il->jl", _dyA(yA_hat, yA, yB_hat, yB, theta2B, m), zDP)


def eq09_dL_db2A(yA_hat, yA, yB_hat, yB, theta2B, m):
    return np.einsum("ij->j", _dyA(yA_hat, yA, yB_hat, yB, theta2B, m))


def eq10_dL_dyA_hat(yA_hat, yA, yB_hat, yB, theta2B, m):
    return _dyA(yA_hat, yA, yB_hat, yB, theta2B, m)


def eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m):
    return np.einsum("ij,jl->il", _dyA(yA_hat, yA, yB_hat, yB, theta2B, m), theta2A)


def eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m):
    return eq11_dL_dzDP(yA_hat, yA, yB_hat, yB, theta2B, theta2A, m) * M


def _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    return eq12_dL_dz1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, m) * np.cos(H1A)


def eq13_dL_dtheta1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, x, m):
    return np.einsum("ij,il->jl", _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m), x)


def eq14_dL_db1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m):
    return np.einsum("ij->j", _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m))


def net_dL_dgamma(yB_hat, yB, theta2B, m, N, xhat):
    return np.einsum("ij,ij->j", _dH(yB_hat, yB, theta2B, m, N), xhat)


def net_dL_dbeta(yB_hat, yB, theta2B, m, N):
    return np.einsum("ij->j", _dH(yB_hat, yB, theta2B, m, N))


def net_dL_dx(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, theta1A, theta1B, m, N, xhat, gamma, var, eps):
    through_B = np.einsum("ij,jl->il", _dz1B(yB_hat, yB, theta2B, m, N, xhat, gamma, var, eps), theta1B)
    through_A = np.einsum("ij,jl->il", _dH1A(yA_hat, yA, yB_hat, yB, theta2B, theta2A, M, H1A, m), theta1A)
    return through_B + through_A
