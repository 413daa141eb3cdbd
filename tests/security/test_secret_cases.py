"""Cases students cannot predict: a table of answers memorised from the public cases earns nothing from staff.

The attack: a student logs the inputs their own `gradjudge check` feeds each
function (the public stream, the same for everyone), answers them offline with
autograd, and hands in a package that hashes its inputs and returns the
memorised answer. Here the table is built from the public cases' truths, as
that student would build it. Expected, written down before running:

- with the public stream (`gradjudge check`, the library's default rubric) it
  gets every one of hw1's 29 points;
- graded as staff grade (`gradjudge grade` of the class folder, run from inside
  it, with the course secret; and through the autograder zip), every id misses
  the table, raises, and the score is 0;
- two secrets give two disjoint sets of cases, neither meeting the public one;
  the same secret gives the same grades twice (apart from timings); the key
  appears in no output, only its fingerprint.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from test_autograder import gradescope_root, run_autograder

from helpers import HW1

from checks import cli
from checks.engine.cases import diagnostic_cases, smallest_case
from checks.engine.properties import case_stream
from checks.engine.submission import arguments
from checks.engine.truths import TRUTHS
from checks.grading import rubric
from checks.grading.handins import grade_submission
from checks.reports import json_report
from checks.sandbox.calling import Signature
from checks.sandbox.isolation import choose

KEY_A = "a1" * 32
KEY_B = "b2" * 32
TAKES_ALL = Signature((), True)

LOOKUP = '''import base64, hashlib
import numpy as np

from .answers import ANSWERS


def _key(quantities):
    digest = hashlib.sha256()
    for name in sorted(quantities):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(np.asarray(quantities[name], dtype=np.float64)).tobytes())
    return digest.hexdigest()[:24]


def _memorised(id):
    def answer(**quantities):
        shape, data = ANSWERS[id][_key(quantities)]
        return np.frombuffer(base64.b64decode(data), dtype=np.float64).reshape(shape).copy()
    answer.__name__ = id
    return answer


for _id in ANSWERS:
    globals()[_id] = _memorised(_id)
'''
"""The package's `__init__.py`: every id answered from the table, keyed by a hash of all its inputs; a miss raises."""


def table_key(quantities: dict) -> str:
    """The key the package computes, computed here the same way on the arguments gradjudge passes."""
    digest = hashlib.sha256()
    for name in sorted(quantities):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(np.asarray(quantities[name], dtype=np.float64)).tobytes())
    return digest.hexdigest()[:24]


def public_cases(context) -> list:
    """Every case a student's own checks can meet: the public stream, its smallest case, the diagnostic cases."""
    return [*case_stream(context, rubric.load(HW1).profile), smallest_case(context), *diagnostic_cases(context)]


@pytest.fixture(scope="module")
def lookup_table(tmp_path_factory) -> Path:
    """A class folder holding one student's memorised-answers package, `lookup_table/`."""
    folder = tmp_path_factory.mktemp("class")
    package = folder / "lookup_table"
    package.mkdir()
    answers = {}
    for entry in HW1.derivations:
        table = answers.setdefault(entry.id, {})
        for case in public_cases(entry.context):
            quantities = arguments(entry, TAKES_ALL, TRUTHS.evaluated(case).arrays)
            truth = np.ascontiguousarray(TRUTHS.truth(entry, case).array, dtype=np.float64)
            table[table_key(quantities)] = (list(truth.shape), base64.b64encode(truth.tobytes()).decode())
    (package / "__init__.py").write_text(LOOKUP)
    (package / "answers.py").write_text(f"ANSWERS = {json.dumps(answers)}\n")
    return folder


def secret(key: str):
    """The course secret of a hex key (imported here, so that the attack's own tests also run where it is missing)."""
    from checks.engine.case_secret import CaseSecret

    return CaseSecret(bytes.fromhex(key))


def secret_file(folder: Path, key: str) -> Path:
    path = folder / f"secret-{key[:4]}"
    path.write_text(key + "\n")
    return path


def staff_grades(folder: Path, tmp_path: Path, monkeypatch, *options: str) -> dict:
    """`gradjudge grade .` of the class folder, run from inside it, as staff run it: the JSON it writes."""
    target = tmp_path / f"grades-{len(list(tmp_path.iterdir()))}.json"
    monkeypatch.chdir(folder)
    assert cli.main(["grade", ".", "--json", str(target), *options]) == 0
    return json.loads(target.read_text())


def without_timing(value):
    if isinstance(value, dict):
        return {key: without_timing(item) for key, item in value.items() if key not in json_report.TIMING_FIELDS}
    if isinstance(value, list):
        return [without_timing(item) for item in value]
    return value


def test_the_lookup_table_gets_full_marks_on_the_public_cases(lookup_table, capsys):
    grade = grade_submission(lookup_table / "lookup_table", HW1, rubric.load(HW1), choose())
    assert (grade.score, grade.max_score) == (29, 29), [(row.id, row.status) for row in grade.derivations]
    assert cli.main(["check", str(lookup_table / "lookup_table")]) == 0, "a student's own check meets the public stream"
    assert "29 / 29" in capsys.readouterr().out


def test_graded_as_staff_grade_it_the_lookup_table_gets_nothing(lookup_table, tmp_path, monkeypatch, capsys):
    grades = staff_grades(lookup_table, tmp_path, monkeypatch)
    (grade,) = grades["submissions"]
    assert grade["score"] == 0, [(row["id"], row["status"]) for row in grade["derivations"] if row["score"]]
    assert all(row["status"] == "error" and "KeyError" in row["message"] for row in grade["derivations"])
    key = (Path(os.environ["XDG_CONFIG_HOME"]) / "gradjudge" / "case-secret").read_text().strip()
    assert grades["cases"] == {"secret": secret(key).fingerprint}
    printed = " ".join(capsys.readouterr().out.split())
    assert f"fingerprint {secret(key).fingerprint}" in printed
    assert key not in printed and key not in json.dumps(grades)


def test_the_secret_can_be_named_and_any_secret_defeats_the_table(lookup_table, tmp_path, monkeypatch):
    grades = staff_grades(lookup_table, tmp_path, monkeypatch, "--case-secret", str(secret_file(tmp_path, KEY_A)))
    assert grades["submissions"][0]["score"] == 0
    assert grades["cases"] == {"secret": secret(KEY_A).fingerprint}


def test_the_default_course_secret_is_made_on_first_use_and_kept(lookup_table, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    first = staff_grades(lookup_table, tmp_path, monkeypatch)
    made = tmp_path / "config" / "gradjudge" / "case-secret"
    assert made.stat().st_mode & 0o777 == 0o600
    assert "made the case secret" in capsys.readouterr().out
    second = staff_grades(lookup_table, tmp_path, monkeypatch)
    assert "made the case secret" not in capsys.readouterr().out
    assert first["submissions"][0]["score"] == 0
    assert without_timing(first) == without_timing(second)
    assert first["cases"]["secret"] == secret(made.read_text().strip()).fingerprint


def test_a_secret_named_in_the_rubric_is_used_and_the_flag_outranks_it(lookup_table, tmp_path, monkeypatch):
    secret_file(tmp_path, KEY_B)
    (tmp_path / "course.toml").write_text(f'[grading]\ncase_secret = "secret-{KEY_B[:4]}"\nexamples = 5\n')
    named = staff_grades(lookup_table, tmp_path, monkeypatch, "--rubric", str(tmp_path / "course.toml"))
    assert named["cases"]["secret"] == secret(KEY_B).fingerprint
    flagged = staff_grades(lookup_table, tmp_path, monkeypatch, "--rubric", str(tmp_path / "course.toml"),
                           "--case-secret", str(secret_file(tmp_path, KEY_A)))
    assert flagged["cases"]["secret"] == secret(KEY_A).fingerprint


def test_a_bad_secret_file_is_a_usage_error(lookup_table, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "short"
    bad.write_text("abcd\n")
    monkeypatch.chdir(lookup_table)
    assert cli.main(["grade", ".", "--case-secret", str(bad)]) == 2
    assert "does not hold a key of at least 16 bytes" in " ".join(capsys.readouterr().out.split())


def test_the_autograder_zip_carries_the_secret_and_grades_on_it(lookup_table, tmp_path):
    (tmp_path / "rubric.toml").write_text("[grading]\ntimeout_seconds = 5.0\n")
    bundle = tmp_path / "autograder.zip"
    assert cli.main(["autograder", "--rubric", str(tmp_path / "rubric.toml"), "-o", str(bundle),
                     "--case-secret", str(secret_file(tmp_path, KEY_A))]) == 0
    package = lookup_table / "lookup_table"
    upload = {f"lookup_table/{path.name}": path.read_text() for path in package.glob("*.py")}
    with zipfile.ZipFile(bundle) as archive:
        carried = archive.read("case-secret").decode().strip()
    assert secret(carried).fingerprint == secret(KEY_A).fingerprint, "the zip carries the course secret it was given"
    done, results = run_autograder(gradescope_root(tmp_path / "gradescope", bundle, upload))
    printed = " ".join((done.stdout + done.stderr).split())
    assert f"fingerprint {secret(KEY_A).fingerprint})" in printed, "the grading in the container used that secret"
    assert KEY_A not in printed and KEY_A not in json.dumps(results)
    assert results["score"] == 0
    assert not any(test["score"] for test in results["tests"])


def test_two_secrets_give_different_cases_and_neither_the_public_ones():
    profile = rubric.load(HW1).profile
    a, b = secret(KEY_A), secret(KEY_B)
    for context in HW1.contexts:
        public = {case.key for case in public_cases(context)}
        under_a = {case.key for case in [*case_stream(context, profile, secret=a), smallest_case(context, a),
                                         *diagnostic_cases(context, a)]}
        under_b = {case.key for case in [*case_stream(context, profile, secret=b), smallest_case(context, b),
                                         *diagnostic_cases(context, b)]}
        assert public.isdisjoint(under_a) and public.isdisjoint(under_b) and under_a.isdisjoint(under_b), context.name
        # Each stream is the profile's draws, then a case for each scalar value they miss.
        assert min(len(case_stream(context, profile, secret=a)), len(case_stream(context, profile))) >= profile.max_examples


def test_one_secret_gives_the_same_grades_twice():
    seed = Path(__file__).resolve().parents[2] / "examples" / "seed_submission.py"
    with_secret = dataclasses.replace(rubric.load(HW1), secret=secret(KEY_A))
    first, second = (json.loads(json_report.as_json([grade_submission(seed, HW1, with_secret, choose())]))
                     for _ in range(2))
    assert without_timing(first) == without_timing(second)
    statuses = {row["id"]: row["status"] for row in first["submissions"][0]["derivations"]}
    assert (statuses["eq05_dL_dz1B"], statuses["eq07_dL_db1B"]) == ("failed", "partial"), \
        "the seed's verdicts do not depend on which cases it meets"
    assert first["submissions"][0]["score"] == 17.5


def test_a_shown_case_is_a_keyed_hash_that_names_no_other():
    """The seed a failing case shows is HMAC output: the key, the stream's seed and the other cases' numbers are
    nowhere in it, and neighbouring draws give unrelated seeds."""
    course = secret(KEY_A)
    seeds = [course.case_seed("net", drawn) for drawn in range(200)]
    assert len(set(seeds)) == 200 and all(0 <= seed < 2**32 for seed in seeds)
    assert len({seed - drawn for drawn, seed in enumerate(seeds)}) == 200, "not an offset of the drawn number"
    assert str(course.stream_seed("net")) not in repr(case_stream(HW1.context("net"), rubric.load(HW1).profile, secret=course))
    assert KEY_A not in repr(course) and KEY_A not in repr(dataclasses.replace(rubric.load(HW1), secret=course))
