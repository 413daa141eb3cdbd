"""HW2 section 2.4-2.5: attention and input gradients, one sequence (and one token) at a time."""
import math

import numpy as np


def _gelu_prime(z):
    Phi = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    phi = np.exp(-z ** 2 / 2) / math.sqrt(2 * math.pi)
    return Phi + z * phi


def _dr(y, y_target, m, W2, W1, h_in):
    dy = (y - y_target) / m
    return dy + ((dy @ W2) * _gelu_prime(h_in)) @ W1


def block_dA_dS(A):
    m, t, _ = A.shape
    J = np.zeros((m, t, t, t))
    for i in range(m):
        for q in range(t):
            a = A[i, q]
            J[i, q] = np.diag(a) - np.outer(a, a)
    return J


def _dS_sequence(dA_i, A_i):
    dS_i = np.zeros_like(A_i)
    for q in range(A_i.shape[0]):
        a = A_i[q]
        jac = np.diag(a) - np.outer(a, a)
        dS_i[q] = jac.T @ dA_i[q]
    return dS_i


def block_dL_dS(y, y_target, m, W2, W1, h_in, Wo, V, A):
    dr = _dr(y, y_target, m, W2, W1, h_in)
    out = np.zeros_like(A)
    for i in range(A.shape[0]):
        dA_i = (dr[i] @ Wo) @ V[i].T
        out[i] = _dS_sequence(dA_i, A[i])
    return out


def block_dL_dWq(y, y_target, m, W2, W1, h_in, Wo, V, A, K, u):
    dr = _dr(y, y_target, m, W2, W1, h_in)
    d = K.shape[-1]
    grad = np.zeros((d, d))
    for i in range(A.shape[0]):
        dS_i = _dS_sequence((dr[i] @ Wo) @ V[i].T, A[i])
        dQ_i = dS_i @ K[i] / math.sqrt(d)
        grad += dQ_i.T @ u[i]
    return grad


def block_dL_dx(y, y_target, m, W2, W1, h_in, Wo, V, A, Q, K, Wq, Wk, Wv, xhat, gamma, var, eps):
    dr = _dr(y, y_target, m, W2, W1, h_in)
    d = Q.shape[-1]
    dx = dr.copy()
    for i in range(A.shape[0]):
        dZ_i = dr[i] @ Wo
        dS_i = _dS_sequence(dZ_i @ V[i].T, A[i]) / math.sqrt(d)
        du_i = dS_i @ K[i] @ Wq + dS_i.T @ Q[i] @ Wk + A[i].T @ dZ_i @ Wv
        for s in range(du_i.shape[0]):
            sigma = math.sqrt(var[i, s] + eps)
            J = (np.eye(d) - 1.0 / d - np.outer(xhat[i, s], xhat[i, s]) / d) / sigma
            dx[i, s] += J.T @ (gamma * du_i[s])
    return dx
