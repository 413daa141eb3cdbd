"""An array type that rides through numpy's ufuncs carrying its tangent."""
import numpy as np


class Tangent:
    def __init__(self, value, tangent):
        self.value, self.tangent = np.asarray(value, dtype=float), np.asarray(tangent, dtype=float)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        values = [item.value if isinstance(item, Tangent) else item for item in inputs]
        tangents = [item.tangent if isinstance(item, Tangent) else np.zeros_like(np.asarray(item, dtype=float))
                    for item in inputs]
        if ufunc is np.multiply:
            return Tangent(values[0] * values[1], tangents[0] * values[1] + values[0] * tangents[1])
        if ufunc is np.add:
            return Tangent(values[0] + values[1], tangents[0] + tangents[1])
        return NotImplemented


def dropout_dL_dx(x, M, dy):
    found = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        tangent = np.zeros(x.shape)
        tangent[index] = 1.0
        found[index] = np.sum(np.multiply(np.multiply(Tangent(x, tangent), M), dy).tangent)
    return found
