"""Section 1.2: the gradient of inverted Dropout `y = M * x` with a fixed mask `M` `(m, d)`."""


def dropout_dy_dx(M):
    r"""$\partial y_{ij} / \partial x_{ij} = M_{ij} \in \{0, \tfrac{1}{1-p}\}$, `(m, d)`.

    Section 1.2. Dropout is elementwise, so the Jacobian is diagonal and the
    mask, scale $1/(1-p)$ included, is its diagonal.
    """
    return M


def dropout_dL_dx(dy, M):
    r"""$\partial L / \partial x = M \odot dy$, `(m, d)`.

    Section 1.2, as the vector-Jacobian product with `dy` `(m, d)`.
    """
    return M * dy
