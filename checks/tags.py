"""Every tag a grade can carry, declared once with what it means.

A tag is machine-readable: a family (`transposed`), or a family and a detail
(`scaled:m`, `path_missing:batch_variance`). Code builds tags from the names
below, never from bare strings; the README's tag table lists this vocabulary,
and a test keeps the two in step. The tags one call reports about itself come
from the worker's own vocabulary (`checks.sandbox.calling.TAGS`).
"""
from __future__ import annotations

from checks.sandbox import calling


class Tag(str):
    """A tag family: a string, with its description and, for a family with details, what the detail names."""

    description: str
    detail: str | None

    def __new__(cls, family: str, description: str, detail: str | None = None) -> Tag:
        tag = super().__new__(cls, family)
        tag.description, tag.detail = description, detail
        return tag

    def __reduce__(self):
        """Copied or pickled (a grade travelling between processes), a tag is the plain string it names."""
        return str, (str(self),)

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

VOCABULARY: dict[str, Tag] = {str(tag): tag for tag in (
    EXCEPTION, MEMORY, NOT_IMPLEMENTED, BAD_RETURN, MUTATES_INPUT, FORBIDDEN_IMPORT,
    TIMEOUT, CRASHED, PROTOCOL_VIOLATION, BUDGET_EXHAUSTED,
    NOT_ATTEMPTED, BAD_SIGNATURE, UNKNOWN_QUANTITY, FORBIDDEN_QUANTITY, SHAPE_MISMATCH, NONFINITE, LOW_PRECISION,
    LOAD_ERROR, GRADER_ERROR, ORACLE_ERROR, ORACLE_DISAGREEMENT, ECF, NUMERIC_DIFFERENTIATION,
    ZERO_EXPECTED, SIGN_FLIPPED, SCALED, TRANSPOSED, RESHAPED, DIAGONAL_OF_MATRIX, NOT_SUMMED_OVER_BATCH,
    SUMMED_OVER_WRONG_AXIS, WRONG_NODE, PATH_MISSING, PATH_SCALED, KNOB, LOCAL_DERIVATIVE, KNOWN_MISTAKE, OFF_WHERE,
    OFF_SHARE,
)}
"""Every tag family, by name."""
