"""Right answers, returned as nested lists instead of arrays."""


def dropout_dL_dx(dy, M):
    return (M * dy).tolist()


def bn_dL_dbeta(dy):
    return list(dy.sum(axis=0))
