"""The oracles themselves: Jacobian patterns, numeric precision, kinks, probes, re-entry."""
import dataclasses
import warnings

import numpy as np
import pytest
import torch
from helpers import ASSIGNMENTS, HW1, small_case, with_variant

from checks.engine import numeric, oracles
from checks.engine.check import check_case
from checks.engine.numeric import directional_derivatives
from checks.engine.oracles import (FULL_JACOBIAN_MAX, ONE_AT_A_TIME, autograd_truth, evaluate, evaluate_variant,
                                   numeric_witness, project)
from checks.engine.submission import reference
from checks.grading.candidates import candidates
from checks.model import as_tensors

JACOBIANS = [(assignment, entry) for assignment in ASSIGNMENTS for entry in assignment.derivations
             if entry.kind == "jacobian"]
CONTEXTS = [(assignment, context) for assignment in ASSIGNMENTS for context in assignment.contexts]


@pytest.mark.parametrize(("assignment", "entry"), JACOBIANS, ids=lambda value: getattr(value, "id", getattr(value, "name", "")))
def test_pattern_picks_every_nonzero_jacobian_entry(assignment, entry):
    """Contracting the picked entries with a direction gives the whole Jacobian-vector product."""
    evaluated = evaluate(small_case(entry.context.name, assignment))
    values, model = evaluated.tensors, evaluated.model
    direction = torch.randn(values[entry.wrt].shape, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    _, full = torch.func.jvp(lambda w: model.reenter(values, entry.wrt, w)[entry.of], (values[entry.wrt],), (direction,))
    picked = torch.einsum(entry.jvp_pattern, autograd_truth(entry, evaluated), direction)
    torch.testing.assert_close(picked, full, rtol=1e-12, atol=1e-14)


def _smooth(points):
    return torch.sin(points).sum(-1, keepdim=True) * torch.exp(points[..., :1]), points.new_zeros(len(points), 0).bool()


def test_ridders_reaches_1e_12_relative_on_a_smooth_function():
    w = torch.tensor([0.3, -1.2, 2.0, 0.7], dtype=torch.float64)
    exact = torch.func.jacrev(lambda v: _smooth(v.unsqueeze(0))[0][0])(w)[0]
    estimate = directional_derivatives(_smooth, w, torch.eye(4, dtype=torch.float64))
    assert torch.max(torch.abs(estimate.values[:, 0] - exact) / exact.abs().max()) < 1e-12


def test_probe_crossing_a_kink_is_discarded_not_failed():
    def relu_square(points):
        return torch.relu(points).sum(-1, keepdim=True) ** 2, points > 0

    w = torch.tensor([1e-5, -0.5, 0.3], dtype=torch.float64)
    estimate = directional_derivatives(relu_square, w, torch.eye(3, dtype=torch.float64))
    assert estimate.discarded.tolist() == [True, False, False]
    assert torch.isnan(estimate.values[0]).all()
    assert estimate.values[2, 0].item() == pytest.approx(2 * (1e-5 + 0.3), rel=1e-12)


def test_large_inputs_use_random_probes_and_still_catch_a_wrong_formula():
    case = small_case("net", d_in=20, d_hidden=20, seed=11)
    assert evaluate(case).arrays["theta1A"].size > FULL_JACOBIAN_MAX
    entry = HW1.by_id["eq13_dL_dtheta1A"]
    assert not numeric_witness(entry, evaluate(case)).full
    assert check_case(entry, case, reference(HW1)).passed
    assert not check_case(entry, case, with_variant("sine_derivative_missing")).passed


def test_probes_below_a_wide_relu_layer_stay_informative():
    """Thousands of ReLU inputs: dense directions would always cross a kink; coordinate probes do not."""
    case = small_case("net", m=128, d_out=64, seed=12)
    for id in ("eq05_dL_dz1B", "eq06_dL_dtheta1B", "net_dL_dx"):
        result = check_case(HW1.by_id[id], case, reference(HW1))
        assert result.passed and result.witness_agrees, result.message
        assert result.witnessed and result.discarded == 0, (id, result.discarded, result.probes)


def test_a_cases_leaves_are_shared_with_the_model_not_copied_and_left_as_drawn():
    case = small_case("net", seed=5)
    drawn = {name: value.copy() for name, value in case.leaves.items() if hasattr(value, "copy")}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tensors = as_tensors(case.leaves)
    assert tensors["x"].data_ptr() == case.leaves["x"].ctypes.data
    assert check_case(HW1.by_id["eq06_dL_dtheta1B"], case, reference(HW1)).passed
    assert all((case.leaves[name] == value).all() and not case.leaves[name].flags.writeable
               for name, value in drawn.items())


@pytest.mark.parametrize(("reach", "first"), [(None, 0), ([], 0), ([1.0], 0), ([0.25], 1), ([0.2], 1),
                                             ([0.2, 0.1], 2), ([0.0976], 3), ([1e-9], 14), ([0.0], 14)])
def test_the_first_step_is_the_largest_shorter_than_every_probes_reach(reach, first):
    """Steps are 0.25 / 1.6**k: 0.25, 0.15625, 0.09765625, ...; at most 14, so that one window of 6 is left."""
    assert numeric.first_step(None if reach is None else np.array(reach)) == first


def test_the_reach_is_each_kink_inputs_distance_over_its_rate_along_the_probe():
    """The ReLU's input H_BN moves at the rate forward-mode autograd gives along the probe; its distance to the kink is
    |H_BN|. The reach measures the rate by one difference at the smallest step, so it agrees to within that step's
    truncation (2e-5 median, 7e-5 worst on 32 probes of 8 such cases); 1e-3 is still far finer than the grid it picks
    a step from (ratio 1.6)."""
    evaluated = evaluate(small_case("net", m=128, d_out=64, seed=2))
    model, values = evaluated.model, evaluated.tensors
    direction = torch.zeros_like(values["theta1B"])
    direction[5, 0] = float(model.length_scale("theta1B", values).expand_as(direction)[5, 0])
    _, rate = torch.func.jvp(lambda w: model.reenter(values, "theta1B", w)["H_BN"], (values["theta1B"],), (direction,))
    expected = float((values["H_BN"].abs() / rate.abs()).min())
    found = oracles._reach(model, values, "theta1B", ("zBN",), direction.unsqueeze(0))
    assert found.tolist() == pytest.approx([expected], rel=1e-3)


@pytest.mark.parametrize("seed", [1, 2, 4])
def test_a_probe_below_a_wide_relu_layer_starts_below_its_nearest_kink(monkeypatch, seed):
    """On these cases the probe's largest steps cross one of the 8,192 ReLU inputs: trying every step takes three
    stages (36 evaluations); starting below the reach, one stage and the evaluation that finds it (13), and the same
    confirmation of autograd."""
    entry, evaluated = HW1.by_id["eq06_dL_dtheta1B"], evaluate(small_case("net", m=128, d_out=64, seed=seed))
    started = numeric_witness(entry, evaluated)
    monkeypatch.setattr(oracles, "_reach", lambda *arguments: None)
    every_step = numeric_witness(entry, evaluated)
    assert started.evaluations == 13 < every_step.evaluations
    assert not started.discarded.any()
    along = project(entry, autograd_truth(entry, evaluated), started.directions, started.covectors)
    assert (torch.abs(along - started.values) <= started.error + 1e-10 * along.abs()).all()


def _refuse_vmap(function):
    raise AssertionError("vmap called")


@pytest.mark.parametrize(("context", "dims", "id"), [("bn", dict(m=256, d=128), "bn_dL_dx"),
                                                     ("net", dict(m=256, d_hidden=64, d_out=64), "eq06_dL_dtheta1B")])
def test_a_model_too_large_for_vmap_to_pay_is_witnessed_one_point_at_a_time(monkeypatch, context, dims, id):
    """Past `ONE_AT_A_TIME` elements per evaluation the witness never batches with vmap, makes each point only when it
    is evaluated (never the unperturbed one, whose kink signature the case's values give), and confirms autograd as
    the batched witness does: the same directions, values within the error estimates, autograd's projection inside."""
    entry, evaluated = HW1.by_id[id], evaluate(small_case(context, seed=21, **dims))
    monkeypatch.setattr(oracles, "ONE_AT_A_TIME", 2**62)
    batched = numeric_witness(entry, evaluated)
    monkeypatch.setattr(oracles, "ONE_AT_A_TIME", ONE_AT_A_TIME)
    monkeypatch.setattr(oracles, "vmap", _refuse_vmap)
    given, one_at_a_time = [], oracles._one_at_a_time
    monkeypatch.setattr(oracles, "_one_at_a_time", lambda single: lambda points: (
        given.append(points), one_at_a_time(single)(points))[1])
    looped = numeric_witness(entry, evaluated)
    assert {len(points) for points in given} == {1} and len(given) >= 12
    assert not any(torch.equal(points[0], evaluated.tensors[entry.wrt]) for points in given)
    assert torch.equal(looped.directions, batched.directions) and looped.evaluations == batched.evaluations
    assert not looped.discarded.any()
    allowed = looped.error + batched.error + 1e-15 * looped.values.abs()
    assert (torch.abs(looped.values - batched.values) <= allowed).all()
    along = project(entry, autograd_truth(entry, evaluated), looped.directions, looped.covectors)
    assert (torch.abs(along - looped.values) <= looped.error + 1e-10 * along.abs()).all()


def test_a_model_under_the_size_is_witnessed_batched(monkeypatch):
    entry, evaluated = HW1.by_id["bn_dL_dx"], evaluate(small_case("bn", m=8, d=16, seed=21))
    assert evaluated.tensors["x"].numel() * 2 < ONE_AT_A_TIME
    monkeypatch.setattr(oracles, "vmap", _refuse_vmap)
    with pytest.raises(AssertionError, match="vmap called"):
        numeric_witness(entry, evaluated)


@pytest.mark.parametrize(("assignment", "context"), CONTEXTS, ids=lambda value: getattr(value, "name", ""))
def test_reentering_at_a_leaf_matches_a_fresh_forward_pass(assignment, context):
    graph, values = context.graph, evaluate(small_case(context.name, assignment)).tensors
    for leaf in graph.leaves:
        if isinstance(values[leaf], torch.Tensor) and values[leaf].dtype.is_floating_point:
            moved = values[leaf] * 1.1 + 0.01
            fresh = graph.evaluate({**{name: values[name] for name in graph.leaves}, leaf: moved})
            again = graph.reenter(values, leaf, moved)
            for name in graph.names:
                torch.testing.assert_close(again[name], fresh[name], rtol=0, atol=0, msg=f"{leaf} -> {name}")


@pytest.mark.parametrize(("assignment", "context"), CONTEXTS, ids=lambda value: getattr(value, "name", ""))
def test_a_variants_values_computed_from_the_true_ones_are_those_of_its_whole_model(assignment, context):
    """`evaluate_variant` computes again only the nodes a variant replaces and those downstream of them: every value,
    and every id's exact value in the variant's model, is bitwise what the variant's whole model evaluated from the
    leaves gives, for every variant diagnosis makes of the context."""
    case = small_case(context.name, assignment)
    true = evaluate(case)
    entries = [entry for entry in assignment.derivations if entry.context is context]
    variants = {candidate.variant.name: candidate.variant for entry in entries for candidate in candidates(entry)
                if candidate.variant is not None}
    assert variants
    leaves = {name: true.tensors[name] for name in context.graph.leaves}
    for variant in variants.values():
        with torch.no_grad():
            whole = context.graph.evaluate(leaves, dict(variant.replaces))
        fast = evaluate_variant(true, variant)
        assert list(fast.tensors) == list(whole)
        for name, value in whole.items():
            assert torch.equal(torch.as_tensor(fast.tensors[name]), torch.as_tensor(value)), (variant.name, name)
        slow = dataclasses.replace(fast, tensors=whole)
        for entry in entries:
            assert torch.equal(autograd_truth(entry, fast), autograd_truth(entry, slow)), (variant.name, entry.id)
