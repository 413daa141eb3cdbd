"""Diagnosis beyond single causes: declared backward passes, what they generate, pitfalls, scalar settings, zeros.

Every expectation is worked out from the declaration or from PyTorch's own
layers, never read off the diagnosis; the corpus (tests/test_diagnosis_corpus.py)
checks the explanations end to end.
"""
from dataclasses import replace

import numpy as np
import pytest
import torch

from helpers import ASSIGNMENTS, HW1, small_case

from checks import tags
from checks.assignment import Backward, DeclarationError, Term
from checks.engine.cases import diagnostic_cases
from checks.engine.check import check_case
from checks.engine.submission import Overlay, reference
from checks.engine.truths import TRUTHS
from checks.grading import counterexamples, diagnosis, findings, generated, hypotheses, pitfalls

BACKWARDS = [(assignment, context, backward) for assignment in ASSIGNMENTS for context in assignment.contexts
             for backward in context.backwards]


@pytest.mark.parametrize(("assignment", "context", "backward"), BACKWARDS,
                         ids=[f"{a.name}.{c.name}.{b.node}" for a, c, b in BACKWARDS])
def test_a_declared_backward_is_autograds_vector_jacobian_product(assignment, context, backward):
    """The terms, summed, are what PyTorch's own function gives for a random upstream gradient."""
    case = small_case(context.name, assignment)
    values = TRUTHS.evaluated(case).tensors
    node = next(node for node in context.nodes if node.name == backward.node)
    inputs = [values[name] for name in node.inputs]
    index = node.inputs.index(backward.input)
    live = inputs[index].detach().clone().requires_grad_(True)
    output = node.fn(*(live if i == index else value for i, value in enumerate(inputs)))
    upstream = torch.randn(output.shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    (expected,) = torch.autograd.grad(output, live, upstream)
    q = generated.quantities(context, backward, node, inputs, generated.Setting())
    summed = torch.broadcast_to(sum(term.vjp(upstream, q, backward.dim) for term in backward.terms), expected.shape)
    torch.testing.assert_close(summed, expected, rtol=1e-12, atol=1e-12 * float(expected.abs().max()))


def test_the_network_generates_its_hypotheses_from_its_declared_backward_passes():
    """BatchNorm's terms are written in xhat, of shape (m, d_out) like its input z1B and its output H_BN; softmax's in
    its output yB_hat, like its input z2B; the sine's in its input H1A, like its output z1A. BatchNorm and softmax
    take statistics over one axis of two (so the other is tried, and their Jacobians' diagonals alone, at each
    point), softmax has a diagonal term (np.diag of a row), and BatchNorm reads eps (0, then its two values)."""
    found = {made.tags for made in generated.variants(HW1.context("net"))}
    assert found == {
        ("derivative_at:z1A@z1A",),
        ("derivative_at:H_BN@z1B",), ("derivative_at:H_BN@H_BN",), ("derivative_over:H_BN@d_out",),
        ("derivative_without:H_BN@eps",), ("scalar_fixed:eps=1e-05",), ("scalar_fixed:eps=0.001",),
        ("jacobian_diagonal:H_BN",), ("jacobian_diagonal:H_BN", "derivative_at:H_BN@z1B"),
        ("jacobian_diagonal:H_BN", "derivative_at:H_BN@H_BN"), ("statistics_over:H_BN@d_out",),
        ("derivative_at:yB_hat@z2B",), ("derivative_over:yB_hat@m",), ("jacobian_diagonal:yB_hat",),
        ("jacobian_diagonal:yB_hat", "derivative_at:yB_hat@z2B"), ("statistics_over:yB_hat@m",), ("diag_of_row",)}


def test_a_repeated_axis_is_named_by_its_position():
    attention = next(b for b in next(a for a in ASSIGNMENTS if a.name == "hw2").context("transformer").backwards
                     if b.node == "A")
    context = next(a for a in ASSIGNMENTS if a.name == "hw2").context("transformer")
    assert [generated.axis_name(context, attention, dim) for dim in generated.other_dims(context, attention)] == \
        ["m", "t#1"]


@pytest.mark.parametrize(("backward", "says"), [
    (Backward("y", "x", at="L", terms=(Term("all", "it", lambda g, q, dim: g),)), "computed from its inputs alone"),
    (Backward("y", "x", at="y", terms=(Term("all", "it", lambda g, q, dim: g),), over=lambda dim: None),
     "declare that axis as `dim`"),
    (Backward("y", "dy", at="y", terms=(Term("all", "it", lambda g, q, dim: g),)), "one of its inputs"),
    (Backward("y", "x", at="y", terms=()), "distinct identifier names"),
])
def test_a_backward_that_cannot_be_evaluated_is_refused_with_what_to_change(backward, says):
    with pytest.raises(DeclarationError, match=says):
        replace(HW1.context("softmax"), backwards=(backward,))


def test_a_broadcast_against_the_same_shape_without_its_last_axis_is_keepdims_dropped():
    error = "ValueError: operands could not be broadcast together with shapes (3,4) (3,) "
    assert [finding.tags for finding in pitfalls.broadcast_errors([error])] == [(tags.KEEPDIMS_DROPPED,)]
    other = "ValueError: operands could not be broadcast together with shapes (3,4) (4,3) "
    assert pitfalls.broadcast_errors([other]) == []


def test_a_one_hot_is_one_equal_entry_per_row():
    assert pitfalls.one_hot([np.array([[0.0, -0.25, 0.0], [-0.25, 0.0, 0.0]])], dim=-1)
    assert not pitfalls.one_hot([np.array([[0.0, -0.25, 0.1], [-0.25, 0.0, 0.0]])], dim=-1)
    assert not pitfalls.one_hot([np.array([[0.0, -0.25, 0.0], [-0.5, 0.0, 0.0]])], dim=-1)


def test_a_factor_floored_by_integer_division_is_named_as_such():
    """1 // (1 - p) where 1/(1-p) was due: 2 at p = 0.5 (right), 1 at p = 0.2 (0.8 of 1.25), 5 at p = 0.8 (right)."""
    cases = [small_case("dropout", p=p) for p in (0.5, 0.2, 0.8)]
    values = [1.0, 0.8, 1.0]
    assert findings.named_factor(values, cases, HW1.context("dropout")) == ("⌊1/(1-p)⌋/(1/(1-p))", True)
    assert findings.named_factor([2.0, 2.0, 2.0], cases, HW1.context("dropout")) == ("2", False)


def test_weights_of_collinear_parts_fit_but_are_not_determined():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    weights, determined = hypotheses.term_weights(2 * a - b, [a, b], 1.0)
    assert determined and np.allclose(weights, [2, -1], rtol=0, atol=1e-12)
    assert hypotheses.term_weights(2 * a - b, [a, b, a + b], 1.0)[1] is False
    assert hypotheses.term_weights(2 * a - b + 0.1, [a, b], 1.0) is None


def _eps_written_in(dy, x):
    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)
    return (dy * xhat).sum(axis=0)


def test_the_case_shown_is_at_the_setting_where_it_is_wrong_and_the_setting_is_said():
    """eps written in as 1e-5 is right whenever the case's eps is 1e-5 (every diagnostic case), wrong at 1e-3."""
    entry = HW1.by_id["bn_dL_dgamma"]
    submission = Overlay(reference(HW1), {entry.id: _eps_written_in}, "eps written in")
    minimal = check_case(entry, small_case("bn", m=2, d=1, eps=1e-3), submission)
    assert not minimal.passed
    observations = diagnosis.observe(entry, [minimal.case, *diagnostic_cases(entry.context)], submission)
    shown = counterexamples.shown(entry, minimal, observations, submission)
    assert counterexamples.informative(shown.case) and shown.case.scalars["eps"] == 1e-3 and not shown.passed
    assert counterexamples.scalar_dependence(entry, shown.case, submission) == [("eps", [1e-3], [1e-5])]


@pytest.mark.parametrize(("id", "zeros", "expected"), [
    # x2B feeds task B alone: with the task-B loss cut, nothing reaches it.
    ("eq04_dL_dx2B", lambda x2B: np.zeros_like(x2B), {"path_missing:task_B_loss"}),
    # No declared or generated variant of BatchNorm has a zero input gradient.
    ("bn_dL_dx", lambda x: np.zeros_like(x), {tags.ZERO_ANSWER}),
])
def test_an_answer_of_zeros_is_said_as_what_is_missing_never_as_times_zero(id, zeros, expected):
    entry = HW1.by_id[id]
    submission = Overlay(reference(HW1), {id: zeros}, "zeros")
    wrong = check_case(entry, small_case(entry.context.name), submission)
    found = {tag for finding in diagnosis.diagnose(entry, HW1, wrong, submission) for tag in finding.tags}
    assert expected <= found
    assert not any(tags.family(tag) == tags.SCALED for tag in found)


@pytest.mark.parametrize(("tag", "expected"), [
    ("derivative_at:y@x", lambda x, y: torch.diag_embed(x) - x[:, :, None] * x[:, None, :]),
    ("jacobian_diagonal:y", lambda x, y: torch.diag_embed(y * (1 - y))),
    ("diag_of_row", lambda x, y: y[:, :1, None] - y[:, :, None] * y[:, None, :]),
])
def test_a_generated_variant_of_a_jacobian_id_carries_its_own_derivative(tag, expected):
    """A Jacobian id's value in a generated variant is that variant's derivative, worked out from the mistake:
    softmax's Jacobian `y_a (δ_ab - y_b)` written in `x` instead of `y`, kept to its diagonal, or with np.diag of a
    (1, n) row giving `y_0` for every diagonal entry. (The variant's node differentiates inside its own forward pass,
    which a Jacobian taken under vmap would not see: every such variant then read as a zero Jacobian.)"""
    entry = next(entry for entry in HW1.derivations if entry.id == "softmax_jacobian")
    made = next(made for made in generated.variants(entry.context) if made.tags == (tag,))
    case = small_case("softmax")
    values = TRUTHS.evaluated(case).tensors
    found = TRUTHS.exact(entry, case, made.variant)
    np.testing.assert_allclose(found, expected(values["x"], values["y"]).numpy(), rtol=1e-12, atol=1e-12)
