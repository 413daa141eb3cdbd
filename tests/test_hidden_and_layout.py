"""Nodes never offered to submissions, and a weight's declared layout in the hint a transposed answer gets."""
import numpy as np

from checks import tags
from checks.assignment import Assignment, Axis, Context, Derivation, Mask, Node, Quantity
from checks.engine.cases import Case
from checks.engine.check import check_case
from checks.engine.submission import Functions
from checks.grading import diagnosis
from checks.lazy import torch
from checks.template import render

AXES = (Axis("m", "batch"), Axis("d", "input width"), Axis("k", "output width"))


def _leaves(rng, case):
    m, d, k = (case.size[axis] for axis in ("m", "d", "k"))
    return {"x": rng.standard_normal((m, d)), "W": rng.standard_normal((d, k)), "dy": rng.standard_normal((m, k))}


def _context(layout: str = "") -> Context:
    return Context(
        "layer", "y = max over the row of x W, with L = sum(dy * y)", axes={"m": 1, "d": 2, "k": 3},
        leaves=(Quantity("x", ("m", "d"), "input"), Quantity("W", ("d", "k"), "weight", layout=layout),
                Quantity("dy", ("m", "k"), "upstream gradient")),
        nodes=(Node("z", ("m", "k"), "x W", ("x", "W"), torch.matmul),
               Node("winner", ("m", "k"), "1 where z is its row's maximum", ("z",),
                    lambda z: (z == z.amax(-1, keepdim=True)).to(z.dtype), offered=False),
               Node("y", ("m", "k"), "z times its winner mask", ("z", "winner"), torch.mul),
               Node("L", (), "sum(dy * y)", ("dy", "y"), lambda dy, y: (dy * y).sum())),
        generate=_leaves,
        masks=(Mask("winner", "row_maximum", "not_maximum", "z is its row's maximum", "z is not its row's maximum"),),
    )


def _assignment(context: Context) -> Assignment:
    return Assignment("tiny", "a layer", AXES, (context,), (Derivation("dL_dW", "1", context, of="L", wrt="W"),),
                      "unused_reference", "import numpy as np\n")


def test_a_hidden_node_is_neither_offered_nor_listed_nor_passed_to_a_catch_all():
    context = _context()
    entry = Derivation("dL_dW", "1", context, of="L", wrt="W")
    assert "winner" not in entry.offered and {"x", "W", "dy", "z", "y"} <= set(entry.offered)
    assert "winner" not in render(_assignment(context))
    seen = []

    def catch_all(**names):
        seen.append(set(names))
        return np.zeros((names["x"].shape[1], names["dy"].shape[1]))

    check_case(entry, Case.of(context, m=3, d=2, k=3), Functions("catch-all", {"dL_dW": catch_all}))
    assert seen and "winner" not in seen[0]


def test_a_submission_asking_for_a_hidden_node_is_refused_with_why():
    context = _context()
    entry = Derivation("dL_dW", "1", context, of="L", wrt="W")
    asking = Functions("asking", {"dL_dW": lambda x, dy, winner: x.T @ (dy * winner)})
    result = check_case(entry, Case.of(context, m=3, d=2, k=3), asking)
    assert result.status == "error" and tags.FORBIDDEN_QUANTITY in result.tags
    assert "dL_dW asks for winner, which no submission is offered" in result.detail


def _transposed_hint(layout: str) -> str:
    context = _context(layout)
    assignment = _assignment(context)
    (entry,) = assignment.derivations
    transposed = Functions("transposed", {"dL_dW": lambda x, dy, z: ((dy * (z == z.max(-1, keepdims=True))).T @ x)})
    failure = check_case(entry, Case.of(context, m=4, d=3, k=3, seed=2), transposed)
    assert not failure.passed
    findings = diagnosis.diagnose(entry, assignment, failure, transposed)
    (hint,) = [finding.explanation for finding in findings if tags.TRANSPOSED in finding.tags]
    return hint


def test_the_transposed_hint_quotes_the_declared_layout_or_else_the_shape():
    assert _transposed_hint("(in, out): the input times it") == \
        "It is the transpose of the truth: a weight gradient has the weight's own shape, (in, out): the input times it."
    assert _transposed_hint("") == "It is the transpose of the truth: a weight gradient has the weight's own shape, (d, k)."
