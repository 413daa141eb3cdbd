"""HW1 2.2, equation (5): the BatchNorm backward of the notes, behind the ReLU."""
import numpy as np


def eq05_dL_dz1B(yB_hat, yB, theta2B, m, gamma, xhat, var):
    dH = (yB_hat - yB) @ theta2B / m  # through the ReLU
    dxhat = dH * gamma
    return (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / np.sqrt(var)
