"""Loops forever in one derivation; the others must still be graded."""


def softmax_dL_dx(y, dy):
    while True:
        pass


def dropout_dL_dx(dy, M):
    return M * dy
