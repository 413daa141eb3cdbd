"""Derivations, and the numeric gradient check the student ran on them by hand (never on import)."""
import numpy as np


def softmax_dL_dx(y, dy):
    return y * (dy - (y * dy).sum(axis=1, keepdims=True))


def dropout_dL_dx(dy, M):
    return dy * M


def numeric_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for index in np.ndindex(*x.shape):
        old = x[index]
        x[index] = old + h
        up = f(x)
        x[index] = old - h
        down = f(x)
        x[index] = old
        grad[index] = (up - down) / (2 * h)
    return grad


if __name__ == "__main__":
    rng = np.random.default_rng(0)
    x, dy = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))

    def loss(z):
        e = np.exp(z)
        return float(np.sum(dy * e / e.sum(axis=1, keepdims=True)))

    e = np.exp(x)
    y = e / e.sum(axis=1, keepdims=True)
    print(np.max(np.abs(numeric_gradient(loss, x.copy()) - softmax_dL_dx(y, dy))))
