"""Grading: every status and tag, on small purpose-written submissions."""
from pathlib import Path

import pytest

from helpers import HW1, quick_rubric

from checks.grading.handins import grade_submission
from checks.sandbox.isolation import choose

SUBMISSIONS = Path(__file__).parent / "submissions"


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    return quick_rubric(tmp_path_factory.mktemp("rubric"))


@pytest.fixture(scope="module")
def graded(quick):
    cache = {}

    def grade(name: str):
        if name not in cache:
            cache[name] = grade_submission(SUBMISSIONS / f"{name}.py", HW1, quick, choose())
        return cache[name]

    return grade


def rows(grade) -> dict:
    return {row.id: row for row in grade.derivations}


def expect(grade, id: str, status: str, *tags: str):
    row = rows(grade)[id]
    assert row.status == status, row.message
    assert set(tags) <= set(row.tags), (row.tags, row.message)
    return row


def test_every_submission_lists_every_id_of_its_assignment(graded):
    for name in ("raising", "does_not_import", "torch_importer"):
        assert [row.id for row in graded(name).derivations] == [entry.id for entry in HW1.derivations]


def test_exception_costs_only_its_derivation(graded):
    grade = graded("raising")
    row = expect(grade, "bn_dL_dbeta", "error", "exception")
    assert "ValueError: forgot to finish this" in row.message and "line" in row.message
    expect(grade, "dropout_dL_dx", "passed")
    expect(grade, "softmax_dL_dx", "not_attempted")
    assert grade.score == 1


def test_infinite_loop_times_out_and_the_rest_is_graded(graded):
    grade = graded("hanging")
    expect(grade, "softmax_dL_dx", "timeout", "timeout")
    expect(grade, "dropout_dL_dx", "passed")
    expect(grade, "eq01_dL_dyB_hat", "passed")  # the hang cost its call's timeout, not the submission's whole budget


def test_memory_bomb_is_contained(graded):
    expect(graded("memory_hog"), "dropout_dL_dx", "error", "memory")


def test_os_exit_crashes_only_its_derivation(graded):
    grade = graded("exits")
    expect(grade, "eq01_dL_dyB_hat", "error", "crashed")
    expect(grade, "dropout_dL_dx", "passed")


def test_in_place_change_fails_even_when_the_value_is_right(graded):
    row = expect(graded("mutator"), "dropout_dL_dx", "failed", "mutates_input")
    assert "in place" in row.message


def test_autodiff_import_in_the_source_is_refused_for_every_defined_id(graded):
    grade = graded("torch_importer")
    for id in ("dropout_dL_dx", "softmax_dL_dx"):
        expect(grade, id, "error", "forbidden_import")
    expect(grade, "bn_dL_dx", "not_attempted")
    assert grade.score == 0 and "torch" in grade.message


def test_hidden_autodiff_import_costs_the_call_that_tries_it(graded):
    grade = graded("sneaky_importer")
    row = expect(grade, "softmax_dL_dx", "error", "forbidden_import")
    assert "torch" in row.message
    expect(grade, "dropout_dL_dx", "passed")


def test_file_that_does_not_import_is_a_load_error_with_its_line(graded):
    grade = graded("does_not_import")
    assert grade.status == "load_error" and grade.score == 0
    assert "ValueError" in grade.message and "line 4" in grade.message
    assert all(row.status == "error" and "load_error" in row.tags for row in grade.derivations)


def test_right_answers_as_lists_pass(graded):
    grade = graded("list_returner")
    expect(grade, "dropout_dL_dx", "passed")
    expect(grade, "bn_dL_dbeta", "passed")


@pytest.mark.parametrize(("id", "status", "tags"), [
    ("eq03_dL_db2B", "failed", ["scaled:m", "known_mistake:missing_mean"]),
    ("eq01_dL_dyB_hat", "failed", ["sign_flipped", "known_mistake:eq01_sign_flipped"]),
    ("eq03_dL_dtheta2B", "failed", ["shape_mismatch", "transposed", "known_mistake:transposed_weight_gradient"]),
    ("eq09_dL_db2A", "failed", ["shape_mismatch", "not_summed_over_batch"]),
    ("dropout_dL_dx", "failed", ["scaled:1-p", "known_mistake:dropout_missing_rescale"]),
    ("bn_dL_dbeta", "failed", ["shape_mismatch", "summed_over_wrong_axis"]),
    ("softmax_dL_dx", "failed", ["nonfinite"]),
    ("bn_dL_dgamma", "error", ["bad_return"]),
    ("bn_dL_dx", "error", ["unknown_quantity"]),
    ("eq07_dL_db1B", "failed", ["zero_expected", "known_mistake:seed_eq07"]),
    ("forward_yA_hat", "passed", []),
])
def test_diagnosis_names_the_mistake(graded, id, status, tags):
    row = expect(graded("wrong_in_known_ways"), id, status, *tags)
    if status == "failed":
        assert row.counterexample["case"]["context"]


def test_unknown_quantity_suggests_the_closest_names(graded):
    row = expect(graded("wrong_in_known_ways"), "bn_dL_dx", "error", "unknown_quantity")
    assert "'dx'" in row.message and "dy" in row.message


def test_counterexample_has_expected_and_got_at_the_worst_index(graded):
    found = rows(graded("wrong_in_known_ways"))["eq01_dL_dyB_hat"].counterexample
    assert found["expected"] == pytest.approx(-found["got"])
    assert found["minimal"]["case"]["m"] == 2 and found["minimal"]["case"]["seed"] == 0


def test_the_case_shown_is_informative_not_degenerate(graded):
    for row in rows(graded("wrong_in_known_ways")).values():
        if row.status == "failed":
            case = row.counterexample["case"]
            widths = [size for axis, size in case.items() if axis in HW1.context(case["context"]).axes and axis != "m"]
            assert case["m"] >= 3 and min(widths) >= 2, (row.id, case)


def test_consistent_wrong_forward_earns_error_carried_forward(graded, quick):
    grade = graded("consistent_wrong_forward")
    expect(grade, "forward_yB_hat", "failed")
    row = expect(grade, "eq06_dL_dtheta1B", "partial", "ecf")
    assert row.score == quick.ecf_fraction * row.max_score
    expect(grade, "eq03_dL_db2B", "passed")
    expect(grade, "eq13_dL_dtheta1A", "failed")
    assert "ecf" not in rows(grade)["eq13_dL_dtheta1A"].tags


@pytest.mark.parametrize("body", [
    "return M * dy + 1",  # wrong on every case: found at the context's smallest case
    "return M * dy if dy.shape[0] < 3 or dy.shape[1] < 2 else 2 * M * dy",  # found only by hypothesis, at m >= 3
], ids=["everywhere", "only_on_larger_cases"])
def test_a_reported_failure_is_confirmed_by_the_numeric_witness(tmp_path, quick, body):
    """Grading witnesses only a sample of the passing cases, but never reports a failure autograd was not
    confirmed on: the case shown carries the numeric value, and it agrees with autograd's."""
    path = tmp_path / "hw1.py"
    path.write_text(f"def dropout_dL_dx(dy, M):\n    {body}\n")
    row = rows(grade_submission(path, HW1, quick, choose()))["dropout_dL_dx"]
    assert row.status == "failed", row.message
    shown = row.counterexample
    for case in (shown, shown.get("minimal", shown)):  # the case shown, and the minimal one if that is another
        assert case["numeric"] is not None, row.message
    assert shown["numeric"] == pytest.approx(shown["expected"], rel=1e-7, abs=1e-12)  # the witness's own 1e-7 floor
    assert shown["got"] != pytest.approx(shown["expected"])
    assert "closed form vs numeric" in row.message and row.witnessed >= 1
