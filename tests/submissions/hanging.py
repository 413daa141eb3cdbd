"""Loops forever in one derivation; the others, before it and after it, must still be graded."""


def softmax_dL_dx(y, dy):
    while True:
        pass


def dropout_dL_dx(dy, M):
    return M * dy


def eq01_dL_dyB_hat(yB, yB_hat, m):
    return -yB / (m * yB_hat)
