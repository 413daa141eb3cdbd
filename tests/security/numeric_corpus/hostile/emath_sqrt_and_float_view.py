"""A complex step whose imaginary unit comes from np.emath, and whose imaginary part is read through a float view."""
import numpy as np

UNIT = np.emath.sqrt(-1)
STEP = 1e-30


def _second_half(value):
    return np.asarray(value).reshape(1).view(np.float64)[1]


def _bn(x, gamma, beta, eps):
    centred = x - x.mean(axis=0)
    return gamma * centred / np.sqrt((centred * centred).mean(axis=0) + eps) + beta


def bn_dL_dx(x, gamma, beta, eps, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        direction = np.zeros(x.shape)
        direction[index] = STEP
        found[index] = _second_half(np.sum(dy * _bn(x + UNIT * direction, gamma, beta, eps))) / STEP
    return found


def dropout_dL_dx(x, M, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        direction = np.zeros(x.shape)
        direction[index] = STEP
        found[index] = _second_half(np.sum(dy * M * (x + UNIT * direction))) / STEP
    return found
