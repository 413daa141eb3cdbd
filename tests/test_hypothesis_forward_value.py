"""`forward_value:`, a kind of hypothesis added as one module of `checks.grading.candidates`.

Expected, decided from the mistakes: softmax's ∂L/∂x returned as the softmax output
`y` is `forward_value:y`; dropout's returned as its input `x`, `forward_value:x`;
a right answer gets no explanation at all.
"""
import pytest
from helpers import HW1

from checks.engine.properties import CheckFailed, check_property
from checks.engine.submission import Functions
from checks.grading import diagnosis


def _softmax(x):
    import numpy as np

    shifted = np.exp(x - x.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(("id", "function", "expected"), [
    ("softmax_dL_dx", lambda dy, x: _softmax(x), "forward_value:y"),
    ("dropout_dL_dx", lambda dy, x: x.copy(), "forward_value:x"),
])
def test_a_forward_value_returned_for_a_gradient_is_named(id, function, expected):
    entry = HW1.by_id[id]
    submission = Functions("forward", {id: function})
    with pytest.raises(CheckFailed) as failed:
        check_property(entry, submission)
    findings = diagnosis.diagnose(entry, HW1, failed.value.result, submission)
    assert expected in {tag for finding in findings for tag in finding.tags}, findings
    assert any("not a derivative" in finding.explanation for finding in findings)


@pytest.mark.parametrize(("id", "quantities"), [
    ("softmax_dL_dx", {"x", "y", "dy"}),
    ("dropout_dL_dx", {"x", "M", "y", "dy"}),
    ("bn_dL_dgamma", {"gamma", "beta", "mu", "var"}),
])
def test_its_candidates_are_the_quantities_of_the_ids_own_shape(id, quantities):
    from checks.grading.candidates import candidates

    tags = {tag for candidate in candidates(HW1.by_id[id]) for tag in candidate.tags if tag.startswith("forward_value:")}
    assert tags == {f"forward_value:{name}" for name in quantities}
