"""HW1 1.3: softmax backward, vectorised."""
import numpy as np


def softmax_dL_dx(x, dy):
    s = x
    return s * (dy - (dy * s).sum(axis=1, keepdims=True))
