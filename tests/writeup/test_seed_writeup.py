"""The seed write-up, read automatically, earns the same verdict on every id as its hand transcription.

The expected verdicts are the golden ones of `tests/test_seed_submission.py`
(worked out by hand from the derivation there), restated here.
"""
import pytest

from conftest import SEED

PASSED = {"bn_dy_dgamma", "bn_dy_dbeta", "dropout_dy_dx", "softmax_jacobian", "forward_yA_hat", "eq01_dL_dyB_hat",
          "eq02_dyB_hat_dtheta2B", "eq03_dL_dtheta2B", "eq03_dL_db2B", "eq04_dL_dx2B", "eq08_dL_dtheta2A",
          "eq09_dL_db2A", "eq10_dL_dyA_hat", "eq11_dL_dzDP", "eq12_dL_dz1A", "eq13_dL_dtheta1A", "eq14_dL_db1A"}
FAILED = {"forward_yB_hat", "eq05_dL_dz1B", "eq06_dL_dtheta1B"}
PARTIAL = {"eq07_dL_db1B"}
NOT_ATTEMPTED = {"bn_dL_dgamma", "bn_dL_dbeta", "bn_dL_dx", "dropout_dL_dx", "softmax_dL_dx", "net_dL_dgamma",
                 "net_dL_dbeta", "net_dL_dx"}

@pytest.fixture(scope="module")
def seed(read_and_grade):
    return read_and_grade(SEED)


def test_every_id_gets_the_hand_transcriptions_verdict(seed):
    _, rows, grade = seed
    by_status = {status: {id for id, row in rows.items() if row.status == status}
                 for status in ("passed", "failed", "partial", "not_attempted")}
    assert by_status == {"passed": PASSED, "failed": FAILED, "partial": PARTIAL, "not_attempted": NOT_ATTEMPTED}
    assert grade.score == len(PASSED) + 0.5


def test_the_known_mistakes_are_recognised_as_in_the_hand_transcription(seed):
    _, rows, _ = seed
    assert "known_mistake:seed_forward_yB_hat" in rows["forward_yB_hat"].tags
    assert "known_mistake:seed_eq05" in rows["eq05_dL_dz1B"].tags
    assert {"ecf", "zero_expected", "known_mistake:seed_eq07"} <= set(rows["eq07_dL_db1B"].tags)


def test_everything_the_seed_writes_is_read(seed):
    reading, _, _ = seed
    assert set(reading.provenance) == PASSED | FAILED | PARTIAL
    assert [item for item in reading.unread if item.id is not None] == []


@pytest.mark.parametrize("id, readings", [
    ("eq04_dL_dx2B", {"reading:per_sample_sum"}),
    ("eq05_dL_dz1B", {"reading:per_sample_sum", "reading:sgn_as_step"}),
    ("eq06_dL_dtheta1B", {"reading:sgn_as_step"}),
    ("eq07_dL_db1B", {"reading:sgn_as_step"}),
    ("eq10_dL_dyA_hat", {"reading:per_sample_sum"}),
    ("eq11_dL_dzDP", {"reading:per_sample_sum"}),
    ("eq12_dL_dz1A", {"reading:per_sample_sum"}),
    ("bn_dy_dbeta", {"reading:scalar_broadcast"}),
    ("softmax_jacobian", {"reading:jacobian_from_entries"}),
    ("forward_yB_hat", {"reading:mask_as_relu", "reading:grouping_by_shape"}),
    ("eq03_dL_db2B", {"reading:prose_link"}),
    ("eq03_dL_dtheta2B", set()),
    ("eq13_dL_dtheta1A", set()),
])
def test_each_charitable_reading_is_recorded(seed, id, readings):
    reading, _, _ = seed
    assert set(reading.provenance[id].readings) == readings


@pytest.mark.parametrize("id, number", [("eq01_dL_dyB_hat", "1"), ("eq02_dyB_hat_dtheta2B", "2"),
                                        ("eq08_dL_dtheta2A", "8"), ("eq14_dL_db1A", "14"), ("bn_dy_dgamma", None)])
def test_provenance_quotes_the_equation_and_its_number(seed, id, number):
    reading, _, _ = seed
    provenance = reading.provenance[id]
    assert provenance.equation == number
    assert provenance.section.endswith("Backpropagation" if number else "1.1 Gradient of BatchNormalization Layer")
    assert provenance.latex in reading.source
    assert (f"eq. ({number})" in reading.source) == (number is not None)


def test_the_forward_pass_returns_its_own_intermediates(seed):
    reading, _, _ = seed
    source = reading.source
    forward = source[source.index("def forward_yB_hat"):source.index("def eq01_dL_dyB_hat")]
    header = forward.splitlines()[0]
    assert "H_BN" not in header and "zBN" not in header and "mu" not in header.split("(")[1], header
    for name in ("yB_hat", "yA_hat", "z1B", "mu", "H_BN", "N", "zBN", "x2B"):
        assert f"'{name}': " in forward
