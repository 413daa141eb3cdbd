"""The charitable readings the reader may apply, each declared once with what it means.

Every generated function lists the readings it relied on, so that staff see
each place where the write-up's notation was loose and how it was taken. A
reading is chosen by the shape an id requires (or by the notation itself),
never by which reading would give the right answer.
"""
from __future__ import annotations

READINGS: dict[str, str] = {
    "reading:per_sample_sum": "a sum over the batch whose terms are per-sample results, where the id asks for one "
                              "row per sample: read as the per-sample terms (their 1/m kept), one row each",
    "reading:sgn_as_step": "sgn(.) in a gradient, multiplying elementwise, read as the 0/1 step (a ReLU's "
                           "derivative), not as -1/0/1",
    "reading:mask_as_relu": "a 0/1 mask defined on an argument that does not fit its shape, read as the mask of the "
                            "positive entries of what it multiplies elementwise: N ⊙ E is relu(E)",
    "reading:scalar_broadcast": "a value constant along some axes of the id's shape (such as ∂y_i/∂β = 1) repeated "
                                "over them",
    "reading:jacobian_from_entries": "a Jacobian assembled from equations for its entries: one for the diagonal "
                                     "(∂y_i/∂x_i) and one for the entries off it (∂y_i/∂x_j)",
    "reading:grouping_by_shape": "a chain of matrix products and ⊙ without brackets grouped the only way its shapes "
                                 "allow (θ M ⊙ s as θ (M ⊙ s))",
    "reading:row_vectors": "per-sample vectors read as rows (x W^T + b), since the formula's shapes do not fit "
                           "column vectors",
    "reading:prose_link": "a left-hand side and a right-hand side in separate inline formulas, joined by the words "
                          "between them (\"the result is\", \"结果为\")",
    "reading:vector_broadcast": "a vector added to (or multiplying) a matrix, read as numpy broadcasts it: against "
                                "every row (or column) of the matrix, the way a bias is added to each token",
    "reading:product_elementwise": "a product (side by side, \\cdot or \\times) of two operands of the same shape, "
                                   "which no matrix product fits, read as the elementwise product",
    "reading:batch_matrix": "capital letters for lower-case vectors read as batch matrices whose rows (or columns) "
                            "are the samples (X for the x^(i)), so that X^T Y sums over the samples",
    "reading:jacobian_diagonal": "a Jacobian written as diag(v), where the id keeps only the Jacobian's diagonal: "
                                 "read as v",
    "reading:numerator_layout": "a gradient with respect to a matrix transposed, because the write-up says its "
                                "derivatives are in numerator layout (∂L/∂W shaped like Wᵀ)",
}


def describe(tag: str) -> str:
    """What a reading tag means; raises for a tag that was never declared."""
    if tag not in READINGS:
        raise KeyError(f"tag={tag!r}, but only the readings in checks.writeup.readings.READINGS are declared")
    return READINGS[tag]
