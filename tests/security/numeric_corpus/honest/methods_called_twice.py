"""A network object whose methods are called on several inputs, centred ones among them."""
import numpy as np


class Net:
    def __init__(self, gamma, eps):
        self.gamma, self.eps = gamma, eps

    def scale(self, v):
        return v / np.sqrt((v ** 2).mean(axis=0) + self.eps)

    def normalise(self, x):
        return self.scale(x - x.mean(axis=0))

    def raw(self, x):
        return self.scale(x)


def bn_dL_dgamma(dy, x, gamma, eps):
    net = Net(gamma, eps)
    xhat = net.normalise(x)
    unused = net.raw(x)
    return (dy * xhat).sum(axis=0) + 0.0 * unused.sum(axis=0)
