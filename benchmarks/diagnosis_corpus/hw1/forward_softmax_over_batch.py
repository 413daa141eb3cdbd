"""HW1 2.1: the forward pass of task B."""
import numpy as np


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, theta2B, b2B, eps):
    yA_hat = (M * np.sin(x @ theta1A.T + b1A)) @ theta2A.T + b2A
    z1B = x @ theta1B.T + b1B
    H = gamma * (z1B - z1B.mean(axis=0)) / np.sqrt(z1B.var(axis=0) + eps) + beta
    z2B = (np.maximum(H, 0) + yA_hat) @ theta2B.T + b2B
    e = np.exp(z2B - z2B.max(axis=0))
    return e / e.sum(axis=0)
