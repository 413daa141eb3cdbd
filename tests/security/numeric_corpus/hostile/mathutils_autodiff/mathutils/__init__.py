"""Small numerical utilities."""
import numpy as np


def _unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Var:
    def __init__(self, value, parents=()):
        self.value = np.asarray(value, dtype=float)
        self.parents = parents
        self.grad = None

    @staticmethod
    def lift(other):
        return other if isinstance(other, Var) else Var(other)

    def __add__(self, other):
        other = Var.lift(other)
        return Var(self.value + other.value, ((self, lambda g: _unbroadcast(g, self.value.shape)),
                                              (other, lambda g: _unbroadcast(g, other.value.shape))))

    __radd__ = __add__

    def __neg__(self):
        return Var(-self.value, ((self, lambda g: -g),))

    def __sub__(self, other):
        return self + (-Var.lift(other))

    def __rsub__(self, other):
        return Var.lift(other) + (-self)

    def __mul__(self, other):
        other = Var.lift(other)
        return Var(self.value * other.value, ((self, lambda g: _unbroadcast(g * other.value, self.value.shape)),
                                              (other, lambda g: _unbroadcast(g * self.value, other.value.shape))))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Var.lift(other)
        return self * other.apply(lambda v: 1.0 / v, lambda v: -1.0 / v ** 2)

    def __matmul__(self, other):
        other = Var.lift(other)
        return Var(self.value @ other.value, ((self, lambda g: g @ other.value.T), (other, lambda g: self.value.T @ g)))

    @property
    def T(self):
        return Var(self.value.T, ((self, lambda g: g.T),))

    def apply(self, function, derivative):
        return Var(function(self.value), ((self, lambda g: g * derivative(self.value)),))

    def sum(self, axis=None, keepdims=False):
        shape = self.value.shape

        def back(g):
            g = np.asarray(g)
            if axis is not None and not keepdims:
                g = np.expand_dims(g, axis)
            return np.broadcast_to(g, shape).copy()
        return Var(self.value.sum(axis=axis, keepdims=keepdims), ((self, back),))

    def mean(self, axis=None, keepdims=False):
        count = self.value.size if axis is None else self.value.shape[axis]
        return self.sum(axis, keepdims) * (1.0 / count)

    def backward(self, seed=None):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent, _ in node.parents:
                    visit(parent)
                order.append(node)
        visit(self)
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.ones_like(self.value) if seed is None else np.asarray(seed, dtype=float)
        for node in reversed(order):
            for parent, rule in node.parents:
                parent.grad = parent.grad + rule(node.grad)


def sin(v):
    return v.apply(np.sin, np.cos)


def exp(v):
    return v.apply(np.exp, np.exp)


def log(v):
    return v.apply(np.log, lambda x: 1.0 / x)


def sqrt(v):
    return v.apply(np.sqrt, lambda x: 0.5 / np.sqrt(x))


def relu(v):
    return v.apply(lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(float))


def softmax(v):
    shifted = v - Var(v.value.max(axis=1, keepdims=True))
    e = exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def gradient(function, values, wrt):
    leaves = {name: Var(value) for name, value in values.items()}
    out = function(leaves)
    out.backward()
    return leaves[wrt].grad


def jacobian(function, values, wrt):
    rows = []
    out_shape = function({name: Var(value) for name, value in values.items()}).value.shape
    for index in np.ndindex(*out_shape):
        leaves = {name: Var(value) for name, value in values.items()}
        out = function(leaves)
        seed = np.zeros(out_shape)
        seed[index] = 1.0
        out.backward(seed)
        rows.append(leaves[wrt].grad)
    return np.stack(rows).reshape(out_shape + np.shape(values[wrt]))
