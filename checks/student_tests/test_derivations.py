"""The tests a student runs: every derivation of the code under test against autograd and numeric differentiation.

`pytest --submission FILE` runs exactly these, against the sandboxed file, on
the same derandomized cases `gradjudge grade` uses; plain `pytest` runs them
against the assignment's own reference. A derivation the submission does not
attempt is skipped; one the reference lacks fails.
"""
from checks.engine.cases import edge_cases
from checks.engine.check import check_case
from checks.engine.properties import check_property


def test_derivation_matches_both_oracles(derivation, submission, requires, grading_profile):
    requires(derivation.id)
    check_property(derivation, submission, profile=grading_profile)


def test_derivation_holds_on_every_edge_case(derivation, submission, requires):
    requires(derivation.id)
    for case in edge_cases(derivation.context):
        result = check_case(derivation, case, submission)
        assert result.passed, result.message
