"""`evidence = "writeup"`: code alone earns nothing; each id keeps the lesser of what its code and its write-up earn.

A class graded as staff grade it (`gradjudge grade .` from inside the class
folder) under a rubric with `evidence = "writeup"`. Expected, before running:

- `autodiff`: the vendored reverse-mode autodiff package, 29/29 on its values,
  with no write-up: 0, every id `error` tagged `unsupported`, its evidence
  `{"code": passed 1, "writeup": None}`;
- `seed`: the seed transcription `hw1.py` with the seed write-up `hw1.txt`
  beside it (they give the same verdict on every id): 17.5, as without the policy;
- `right_code_seed_writeup`: a file right on all 29 ids, with the seed write-up
  beside it: 17.5, the write-up's verdicts: its 4 wrong ids `unsupported`, eq. (7)
  `partial` as its write-up earns;
- `renamed`: the same pair named `answers.py` and `derivation.txt`, the only
  code and write-up of the student's folder: paired, 17.5;
- `two_writeups`: the right file with two write-ups of other names beside it:
  `first.txt` the seed write-up, `second.md` the same with its eq. (7) corrected
  to the right answer, 0 (BatchNorm's mean subtraction cancels b1B), so it alone
  earns 18 (`second_only`): each id is held to the first write-up that answers it,
  `first.txt`, so 17.5 with eq. (7) `partial`, as with the seed write-up alone,
  and not the better 18;
- under the default rubric (`evidence = "code"`), the right file alone: 29.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from checks import cli

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "numeric_corpus"
SEED_CODE = ROOT / "examples" / "seed_submission.py"
SEED_WRITEUP = ROOT / "examples" / "seed_writeup.txt"
RIGHT = CORPUS / "honest" / "zeros_n_plus_one.py"
SEED_EQ07 = (r"$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_{1B}} = \frac{\partial \mathcal{L}}{\partial "
             r"\mathbf{H}_{BN}^i} = \frac{1}{m} \sum_{i=1}^m (\theta_{2B})^T (\hat{\mathbf{y}}_B^i - \mathbf{y}_B^i) "
             r"\odot \text{sgn}(\mathbf{z}_{BN}^i) \quad (7)$$")
RIGHT_EQ07 = r"$$\frac{\partial \mathcal{L}}{\partial \mathbf{b}_{1B}} = 0 \quad (7)$$"
"""The seed's eq. (7) and its right answer: b1B cancels in BatchNorm's mean subtraction, so the loss does not
depend on it."""
SEED_SCORES = {"passed": 1.0, "partial": 0.5}
"""What each id of the seed earns: its wrong ids nothing, eq. (7) half (error carried forward)."""


def corrected_writeup(target: Path) -> Path:
    """The seed write-up with its eq. (7) corrected: better than the seed write-up on that id only."""
    text = SEED_WRITEUP.read_text(encoding="utf-8")
    assert text.count(SEED_EQ07) == 1
    target.write_text(text.replace(SEED_EQ07, RIGHT_EQ07), encoding="utf-8")
    return target


def grade_class(folder: Path, rubric: Path, target: Path) -> dict:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        assert cli.main(["grade", ".", "--rubric", str(rubric), "--json", str(target)]) == 0
    finally:
        os.chdir(previous)
    return {grade["name"]: grade for grade in json.loads(target.read_text())["submissions"]}


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("evidence")
    folder = base / "class"
    better = corrected_writeup(base / "corrected_writeup.md")
    for student, files in {
        "autodiff": {"mathutils_autodiff": CORPUS / "hostile" / "mathutils_autodiff"},
        "seed": {"hw1.py": SEED_CODE, "hw1.txt": SEED_WRITEUP},
        "right_code_seed_writeup": {"hw1.py": RIGHT, "hw1.txt": SEED_WRITEUP},
        "renamed": {"answers.py": RIGHT, "derivation.txt": SEED_WRITEUP},
        "two_writeups": {"hw1.py": RIGHT, "first.txt": SEED_WRITEUP, "second.md": better},
        "second_only": {"hw1.py": RIGHT, "second.md": better},
    }.items():
        (folder / student).mkdir(parents=True)
        for name, source in files.items():
            (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / student / name)
    (base / "writeup.toml").write_text('[grading]\nevidence = "writeup"\nexamples = 10\n')
    (base / "code.toml").write_text("[grading]\nexamples = 10\n")
    return {"writeup": grade_class(folder, base / "writeup.toml", base / "writeup.json"),
            "code": grade_class(folder, base / "code.toml", base / "code.json")}


def rows(grade: dict) -> dict[str, dict]:
    return {row["id"]: row for row in grade["derivations"]}


def test_code_alone_earns_nothing(graded):
    grade = graded["writeup"]["autodiff"]
    assert graded["code"]["autodiff"]["score"] == 29
    assert grade["score"] == 0 and grade["writeup"] is None
    for row in grade["derivations"]:
        assert (row["status"], "unsupported" in row["tags"]) == ("error", True), row["id"]
        assert row["evidence"] == {"code": {"status": "passed", "score": 1.0}, "writeup": None}
        assert "no write-up was handed in with the code" in row["message"]


def test_code_and_its_own_writeup_agreeing_keep_their_grade(graded):
    grade = graded["writeup"]["seed"]
    assert grade["score"] == graded["code"]["seed"]["score"] == 17.5
    assert grade["writeup"].endswith("hw1.txt")
    for row in grade["derivations"]:
        if row["status"] != "not_attempted":
            assert row["evidence"]["code"]["status"] == row["evidence"]["writeup"]["status"] == row["status"], row["id"]


@pytest.mark.parametrize("student", ["right_code_seed_writeup", "renamed"])
def test_each_id_keeps_what_its_writeup_earns(graded, student):
    seed = rows(graded["code"]["seed"])
    grade = graded["writeup"][student]
    assert graded["code"][student]["score"] == 29
    assert grade["score"] == 17.5
    for id, row in rows(grade).items():
        assert row["score"] == SEED_SCORES.get(seed[id]["status"], 0.0), id
        assert row["evidence"]["code"] == {"status": "passed", "score": 1.0}
        if seed[id]["status"] in ("failed", "not_attempted"):
            assert (row["status"], "unsupported" in row["tags"]) == ("error", True), id
    assert rows(grade)["eq07_dL_db1B"]["status"] == "partial"


def test_the_second_writeup_alone_earns_more(graded):
    grade = graded["writeup"]["second_only"]
    assert grade["score"] == 18 and grade["writeup"] == "second.md"
    assert rows(grade)["eq07_dL_db1B"]["status"] == "passed"
    assert rows(grade)["eq07_dL_db1B"]["evidence"]["writeup"] == {"status": "passed", "score": 1.0}


def test_each_id_is_held_to_the_first_writeup_that_answers_it(graded):
    seed = rows(graded["code"]["seed"])
    grade = graded["writeup"]["two_writeups"]
    assert grade["score"] == 17.5 and grade["writeup"] == "first.txt"
    for id, row in rows(grade).items():
        written = seed[id]["status"]
        expected = None if written == "not_attempted" else {"status": written, "score": SEED_SCORES.get(written, 0.0)}
        assert row["evidence"]["writeup"] == expected, id
        assert row["score"] == SEED_SCORES.get(written, 0.0), id
    assert rows(grade)["eq07_dL_db1B"]["status"] == "partial"


def test_the_default_policy_is_the_code(graded):
    assert graded["code"]["two_writeups"]["score"] == 29
    assert all(row["evidence"] is None for row in graded["code"]["two_writeups"]["derivations"])
