"""Complex-step derivatives, made by a factory and bound to the ids at module level."""
import inspect

import numpy as np


def with_respect_to(name, loss, step=1e-30):
    wanted = list(inspect.signature(loss).parameters)

    def gradient(**given):
        values = {key: given[key] for key in wanted}
        point = np.asarray(values[name], dtype=float)
        found = np.zeros(point.shape)
        for index in np.ndindex(*point.shape):
            direction = np.zeros(point.shape)
            direction[index] = 1.0
            moved = dict(values, **{name: point + 1j * step * direction})
            found[index] = np.imag(loss(**moved)) / step
        return found
    return gradient


def _bn(x, gamma, beta, eps):
    centred = x - x.mean(axis=0)
    return gamma * centred / np.sqrt((centred * centred).mean(axis=0) + eps) + beta


def _bn_loss(x, gamma, beta, eps, dy):
    return np.sum(dy * _bn(x, gamma, beta, eps))


def _softmax_loss(x, dy):
    e = np.exp(x)
    return np.sum(dy * e / e.sum(axis=1, keepdims=True))


bn_dL_dx = with_respect_to("x", _bn_loss)
bn_dL_dgamma = with_respect_to("gamma", _bn_loss)
bn_dL_dbeta = with_respect_to("beta", _bn_loss)
softmax_dL_dx = with_respect_to("x", _softmax_loss)
