"""HW1, beyond (14): dL/dgamma of the network's BatchNorm."""
import numpy as np


def net_dL_dgamma(yB_hat, yB, theta2B, xhat):
    dH = (yB_hat - yB) @ theta2B
    return (dH * xhat).sum(axis=0)
