"""Raises in one derivation, is right in another."""


def bn_dL_dbeta(dy):
    raise ValueError("forgot to finish this")


def dropout_dL_dx(dy, M):
    return M * dy
