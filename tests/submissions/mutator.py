"""Right value, but computed by overwriting its argument: it would corrupt a real backward pass."""


def dropout_dL_dx(dy, M):
    dy *= M
    return dy
