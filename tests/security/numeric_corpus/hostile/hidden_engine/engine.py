import numpy as np


class Node:
    def __init__(self, value, parents=()):
        self.value, self.parents, self.grad = value, parents, 0.0

    def __mul__(self, other):
        other = other if isinstance(other, Node) else Node(other)
        out = Node(self.value * other.value)

        def backward():
            self.grad = self.grad + out.grad * other.value
            other.grad = other.grad + out.grad * self.value
        out.parents = (self, other)
        out.backward_rule = backward
        return out

    def __rmul__(self, other):
        return self * other


def grad_of_weighted_product(x, M, dy):
    leaf = Node(np.asarray(x, dtype=float))
    out = leaf * M * dy
    out.grad = np.ones_like(out.value)
    stack = [out]
    while stack:
        node = stack.pop()
        rule = getattr(node, "backward_rule", None)
        if rule is not None:
            rule()
            stack.extend(node.parents)
    return leaf.grad
