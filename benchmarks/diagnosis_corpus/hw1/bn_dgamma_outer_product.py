"""HW1 1.1: dL/dgamma by the chain rule, in matrix form."""
import numpy as np


def bn_dL_dgamma(dy, xhat):
    # dL/dgamma = (dy/dgamma)^T dL/dy, and dy/dgamma = xhat
    return xhat.T @ dy
