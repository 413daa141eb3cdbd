"""Hand transcription of c30_functions_forward.md, as a TA reads it (mistakes kept)."""
import numpy as np


def forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A):
    return (M * np.cos(x @ theta1A.T + b1A)) @ theta2A.T + b2A


def forward_yB_hat(x, theta1A, b1A, M, theta2A, b2A, theta1B, b1B, gamma, beta, eps, theta2B, b2B):
    z = x @ theta1B.T + b1B
    mu = z.mean(axis=0)
    var = ((z - mu) ** 2).mean(axis=0)
    bn = gamma * (z - mu) / np.sqrt(var + eps) + beta
    logits = (np.maximum(0, bn) + forward_yA_hat(x, theta1A, b1A, M, theta2A, b2A)) @ theta2B.T + b2B
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
