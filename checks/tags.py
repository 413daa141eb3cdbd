"""Every tag a grade can carry, declared once with what it means.

A tag is machine-readable: a family (`transposed`), or a family and a detail
(`scaled:m`, `path_missing:batch_variance`). Code builds tags from the names
below, never from bare strings; the docs' tag table is generated from this
vocabulary. The tags one call reports about itself come
from the worker's own vocabulary (`checks.sandbox.calling.TAGS`).
"""
from __future__ import annotations

from checks.sandbox import calling, watch
from checks.vocabulary import Word


class Tag(Word):
    """A tag family: a string, with its description and, for a family with details, what the detail names."""

    detail: str | None

    def __new__(cls, family: str, description: str, detail: str | None = None) -> Tag:
        tag = super().__new__(cls, family, description)
        tag.detail = detail
        return tag

    def of(self, detail: str) -> str:
        """The tag with its detail: `scaled:m`."""
        return f"{self}:{detail}"


def family(tag: str) -> str:
    """The family of a tag: `scaled` for `scaled:m`."""
    return tag.partition(":")[0]


# What one call reported about itself (the worker's vocabulary).
EXCEPTION, MEMORY, NOT_IMPLEMENTED, BAD_RETURN, MUTATES_INPUT, FORBIDDEN_IMPORT = (
    Tag(name, calling.TAGS[name]) for name in (calling.EXCEPTION, calling.MEMORY, calling.NOT_IMPLEMENTED,
                                                calling.BAD_RETURN, calling.MUTATES_INPUT, calling.FORBIDDEN_IMPORT))

# What the worker's watch saw a call do (`checks.sandbox.watch`).
COMPLEX_VALUES, NUDGED_ARGUMENTS = (Tag(name, watch.TAGS[name]) for name in (watch.COMPLEX_VALUES, watch.NUDGED_ARGUMENTS))

# What the sandbox found.
TIMEOUT = Tag("timeout", "a call took longer than timeout_seconds, and its worker was killed")
CRASHED = Tag("crashed", "its worker died (os._exit, a segfault, a signal)")
PROTOCOL_VIOLATION = Tag("protocol_violation", "its worker sent a reply the protocol does not allow (forged or oversized)")
BUDGET_EXHAUSTED = Tag("budget_exhausted", "the submission had used up submission_seconds before this call")
FATAL = frozenset({TIMEOUT, CRASHED, PROTOCOL_VIOLATION})
"""Outcomes after which the worker is killed, and the id answered from memory thereafter."""

# What checking one case found.
NOT_ATTEMPTED = Tag("not_attempted", "not defined, or still raising NotImplementedError")
BAD_SIGNATURE = Tag("bad_signature", "its parameters cannot be passed by name")
UNKNOWN_QUANTITY = Tag("unknown_quantity", "it asks for a name outside its context's vocabulary (the message gives the "
                                           "closest ones)")
FORBIDDEN_QUANTITY = Tag("forbidden_quantity", "a forward value asked for a quantity the forward pass computes, or "
                         "an id asked for a node no submission is offered")
SHAPE_MISMATCH = Tag("shape_mismatch", "it returned the wrong shape (the message says whether its values are right "
                                       "after squeezing or reshaping)")
NONFINITE = Tag("nonfinite", "it returned NaN or infinity")
LOW_PRECISION = Tag("low_precision", "returned in a lower precision than float64; it would pass at its own precision")

# What grading found.
LOAD_ERROR = Tag("load_error", "the submission does not load (or was refused unread: links, pipes, sizes)")
GRADER_ERROR = Tag("grader_error", "gradjudge itself failed on this submission: to be reported")
ORACLE_ERROR = Tag("oracle_error", "autograd gave no finite truth, so the id was not judged: gradjudge's problem")
ORACLE_DISAGREEMENT = Tag("oracle_disagreement", "autograd and numeric differentiation disagreed on some case: "
                                                 "gradjudge's problem, not the submission's")
ECF = Tag("ecf", "earned error-carried-forward credit: right for the submission's own forward pass")
NUMERIC_DIFFERENTIATION = Tag("numeric_differentiation", "its source evidently differentiates numerically "
                                                         "(see the integrity rules)")
UNSUPPORTED = Tag("unsupported", "its code earns credit, but the student's own write-up of it does not read or does not "
                                 "pass; under evidence = \"writeup\", code alone earns nothing")

# Why a wrong answer is wrong: diagnosis.
ZERO_EXPECTED = Tag("zero_expected", "the true value is identically zero; the message says why")
SIGN_FLIPPED = Tag("sign_flipped", "it is the truth times -1")
SCALED = Tag("scaled", "it is the truth times a factor the detail names (m, 1/m, m-1, 2, 1-p, ..., or a number)",
             "factor")
TRANSPOSED = Tag("transposed", "it is the truth transposed (including when the transposed shape came back)")
RESHAPED = Tag("reshaped", "its values are right, in the wrong shape (such as (1, d) for (d,))")
DIAGONAL_OF_MATRIX = Tag("diagonal_of_matrix", "it is a full matrix whose diagonal is the truth")
NOT_SUMMED_OVER_BATCH = Tag("not_summed_over_batch", "per-sample rows where their batch sum was due")
SUMMED_OVER_WRONG_AXIS = Tag("summed_over_wrong_axis", "a sum over the feature axis where the batch axis was due")
WRONG_NODE = Tag("wrong_node", "it is the gradient at another quantity the detail names, such as a neighbouring node",
                 "quantity")
PATH_MISSING = Tag("path_missing", "it is the gradient with one path of the model cut, which the detail names", "path")
PATH_SCALED = Tag("path_scaled", "it is the gradient with one path of the model scaled wrongly (the message gives the "
                                 "factor)", "path")
KNOB = Tag("knob", "it is the exact gradient of a variant of the model, which the detail names (eps = 0, unbiased "
                   "variance, a mask never applied, ...)", "variant")
LOCAL_DERIVATIVE = Tag("local_derivative", "a local derivative swapped for a common wrong one, which the detail names "
                                           "(sin for cos, ReLU's as 1, the identity for a Jacobian, ...)", "variant")
KNOWN_MISTAKE = Tag("known_mistake", "it equals a known wrong formula of the assignment's catalog; the message gives a "
                                     "hint, not the answer", "name")
OFF_WHERE = Tag("off_where", "the wrong entries are exactly where a declared mask (such as a ReLU's) is on, or off",
                "region")
OFF_SHARE = Tag("off_share", "only this share of the entries is off")
TERM_MISSING = Tag("term_missing", "one named term of a node's declared backward pass is missing (the detail names the "
                                   "node and the term)", "node.term")
TERM_SCALED = Tag("term_scaled", "one named term of a node's declared backward pass is scaled wrongly, or lacks a "
                                 "factor, on its own (operator precedence; the message gives the factor)", "node.term")
MISSING_FACTOR = Tag("missing_factor", "a term lacks this product of declared factors, which the rest of the sum "
                                       "carries", "factors")
EXTRA_FACTOR = Tag("extra_factor", "a term carries this product of declared factors once too often", "factors")
DERIVATIVE_AT = Tag("derivative_at", "a node's local derivative evaluated at another quantity of the same shape (its "
                                     "input for its output, or the reverse): NODE@QUANTITY", "node@quantity")
DERIVATIVE_OVER = Tag("derivative_over", "a node's backward pass taking its sums over another axis than its statistics "
                                         "run over, its forward pass kept: NODE@AXIS", "node@axis")
STATISTICS_OVER = Tag("statistics_over", "the exact gradient of a model whose node takes its statistics (a softmax's "
                                         "sum, a normalization's mean and variance) over another axis: NODE@AXIS",
                      "node@axis")
JACOBIAN_DIAGONAL = Tag("jacobian_diagonal", "only the diagonal of a node's row-wise Jacobian (softmax's, a "
                                             "normalization's): each output moving with its own input alone", "node")
DERIVATIVE_WITHOUT = Tag("derivative_without", "a scalar (an epsilon) left out of a node's backward pass, its forward "
                                               "pass kept: NODE@SCALAR", "node@scalar")
SCALAR_FIXED = Tag("scalar_fixed", "it is the truth for one value of a scalar, whatever the case's value: the "
                                   "scalar is written in, not read", "name=value")
ONLY_WHEN = Tag("only_when", "it is right at some values of this scalar and wrong at others (the message lists them)",
                "scalar")
ZERO_ANSWER = Tag("zero_answer", "it is zero everywhere, where the truth is not, and no declared path explains that")
DIAG_OF_ROW = Tag("diag_of_row", "numpy pitfall: np.diag of a (1, n) row returns its first entry, not a diagonal "
                                 "matrix, so a Jacobian's diagonal term is that one entry everywhere")
FANCY_INDEX_COPY = Tag("fancy_index_copy", "numpy pitfall: a one-hot term never subtracted, as when "
                                           "`a[rows][cols] -= 1` writes into the copy that fancy indexing returns")
INTEGER_DIVISION = Tag("integer_division", "numpy pitfall: floor division (//) or an integer array truncated values "
                                           "(whole numbers, or a factor such as 1/(1-p) floored)")
KEEPDIMS_DROPPED = Tag("keepdims_dropped", "numpy pitfall: a sum or mean over the last axis without keepdims=True, "
                                           "which broadcasts along the wrong axis (or fails to)")

EXPLAINING: set[Tag] = {
    ZERO_EXPECTED, SIGN_FLIPPED, SCALED, TRANSPOSED, RESHAPED, DIAGONAL_OF_MATRIX, NOT_SUMMED_OVER_BATCH,
    SUMMED_OVER_WRONG_AXIS, WRONG_NODE, PATH_MISSING, PATH_SCALED, KNOB, LOCAL_DERIVATIVE, KNOWN_MISTAKE, OFF_WHERE,
    OFF_SHARE, TERM_MISSING, TERM_SCALED, MISSING_FACTOR, EXTRA_FACTOR, DERIVATIVE_AT, DERIVATIVE_OVER,
    STATISTICS_OVER, JACOBIAN_DIAGONAL, DERIVATIVE_WITHOUT, SCALAR_FIXED, ONLY_WHEN, ZERO_ANSWER, DIAG_OF_ROW,
    FANCY_INDEX_COPY, INTEGER_DIVISION, KEEPDIMS_DROPPED,
}
"""The families diagnosis gives: each says why an answer is wrong, so a correct answer carries none. The kinds of
hypothesis (`checks.grading.candidates`) add theirs when they are loaded (`declare`)."""

VOCABULARY: dict[str, Tag] = {str(tag): tag for tag in (
    EXCEPTION, MEMORY, NOT_IMPLEMENTED, BAD_RETURN, MUTATES_INPUT, FORBIDDEN_IMPORT, COMPLEX_VALUES, NUDGED_ARGUMENTS,
    TIMEOUT, CRASHED, PROTOCOL_VIOLATION, BUDGET_EXHAUSTED,
    NOT_ATTEMPTED, BAD_SIGNATURE, UNKNOWN_QUANTITY, FORBIDDEN_QUANTITY, SHAPE_MISMATCH, NONFINITE, LOW_PRECISION,
    LOAD_ERROR, GRADER_ERROR, ORACLE_ERROR, ORACLE_DISAGREEMENT, ECF, NUMERIC_DIFFERENTIATION, UNSUPPORTED,
    *sorted(EXPLAINING),
)}
"""Every tag family, by name."""


def declare(tag: Tag, *, explaining: bool = False) -> Tag:
    """Add `tag`, declared elsewhere (by a kind of hypothesis), to the vocabulary, and to the explaining families if
    it says why an answer is wrong; a second tag of the same name and another meaning is refused."""
    known = VOCABULARY.get(str(tag))
    if known is not None and known.description != tag.description:
        raise ValueError(f"tag {str(tag)!r} is declared twice, with different meanings")
    VOCABULARY[str(tag)] = tag
    if explaining:
        EXPLAINING.add(tag)
    return tag
