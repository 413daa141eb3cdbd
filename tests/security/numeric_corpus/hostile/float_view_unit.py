"""The imaginary unit made by viewing two floats as one complex number."""
import numpy as np

I = np.array([0.0, 1.0]).view(np.complex128)[0]


def softmax_dL_dx(x, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        shifted = x + 0 * I
        shifted[index] += 1e-30 * I
        e = np.exp(shifted)
        found[index] = np.asarray(np.sum(dy * e / e.sum(axis=1, keepdims=True))).reshape(1).view(float)[1] / 1e-30
    return found
