"""Layers as classes with forward and backward methods and a cache, in the style of a course's starter code."""
import numpy as np


class BatchNorm:
    def __init__(self, gamma, eps):
        self.gamma, self.eps = gamma, eps
        self.cache = None

    def forward(self, x):
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        xhat = (x - mu) / np.sqrt(var + self.eps)
        self.cache = (xhat, var)
        return self.gamma * xhat

    def backward(self, dout):
        xhat, var = self.cache
        m = dout.shape[0]
        dxhat = dout * self.gamma
        return (m * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (m * np.sqrt(var + self.eps))


class Softmax:
    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return self.y

    def backward(self, dout):
        return self.y * (dout - (dout * self.y).sum(axis=1, keepdims=True))


def bn_dL_dx(dy, x, gamma, eps):
    layer = BatchNorm(gamma, eps)
    layer.forward(x)
    return layer.backward(dy)


def softmax_dL_dx(x, dy):
    layer = Softmax()
    layer.forward(x)
    return layer.backward(dy)
