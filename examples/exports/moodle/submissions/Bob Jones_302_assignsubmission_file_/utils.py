def masked(dy, M):
    return M * dy


def rows_summed(dy):
    return dy.sum(axis=1)
