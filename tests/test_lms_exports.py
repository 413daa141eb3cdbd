"""The example Canvas, Moodle and Gradescope exports graded as staff grade them, every written expectation met.

Each export's `expected.toml` was written before grading: one row per student of
the export and the roster with their id, the status, the score (or `score_of`: a
file whose own grade the row must equal), where ids were answered from, the
late flag and the group's size. Nobody may be missing and nobody invented.
"""
import json
import sys
from pathlib import Path

import pytest

from checks import cli

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "examples" / "exports"
RUBRIC = "[grading]\nexamples = 5\ntimeout_seconds = 3.0\n"


def graded(folder: Path, out: Path, rubric: Path, *extra: str) -> dict:
    expected = tomllib.loads((folder / "expected.toml").read_text())
    target = out / "grades.json"
    arguments = ["grade", str(folder / expected["export"]), "--rubric", str(rubric), "--json", str(target),
                 "--jobs", "2", *extra]
    if expected.get("roster"):
        arguments += ["--roster", str(folder / expected["roster"])]
    assert cli.main(arguments) == 0
    return json.loads(target.read_text())


def unmet(folder: Path, document: dict, rubric: Path, scores_of: dict[str, float]) -> list[str]:
    """Every expectation of `folder/expected.toml` that the grades `document` do not meet, said."""
    expected = tomllib.loads((folder / "expected.toml").read_text())
    misses = []
    if document["layout"] != expected["layout"]:
        misses.append(f"layout {document['layout']!r}, expected {expected['layout']!r}")
    by_id: dict[str, list[dict]] = {}
    for row in document["submissions"]:
        by_id.setdefault((row["student"] or {}).get("id") or "", []).append(row)
    wanted = {row["id"] for row in expected["row"]}
    for id, found in by_id.items():
        if id not in wanted:
            misses.append(f"a row nobody expected: {[row['name'] for row in found]} (id {id or 'none'})")
    for want in expected["row"]:
        found = by_id.get(want["id"], [])
        if len(found) != 1:
            misses.append(f"{want['name']} ({want['id']}): {len(found)} rows, expected exactly one")
            continue
        (row,) = found
        student = row["student"]
        score = scores_of[want["score_of"]] if "score_of" in want else want["score"]
        checks = [("name", student["name"], want["name"]), ("status", row["status"], want["status"]),
                  ("score", row["score"], score)]
        if "late" in want:
            checks.append(("late", student["late"], want["late"]))
        if "members" in want:
            checks.append(("members", len(student["members"]), want["members"]))
        if "origins" in want:
            origins = {r["id"]: r["origin"] for r in row["derivations"] if r["id"] in want["origins"]}
            checks.append(("origins", origins, want["origins"]))
        if "says" in want:
            checks.append(("says", want["says"] in row["message"], True))
        misses += [f"{want['name']} ({want['id']}): {what} {got!r}, expected {expected_value!r}"
                   for what, got, expected_value in checks if got != expected_value]
    return misses


def expectation_count(folder: Path) -> int:
    expected = tomllib.loads((folder / "expected.toml").read_text())
    return 1 + sum(1 + sum(key in row for key in ("late", "members", "origins", "says")) + 2 for row in expected["row"])


@pytest.fixture(scope="module")
def rubric(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rubric") / "quick.toml"
    path.write_text(RUBRIC)
    return path


@pytest.fixture(scope="module")
def scores_of(rubric, tmp_path_factory) -> dict[str, float]:
    """The score of grading each file that a row's `score_of` names, alone, under the same rubric."""
    named = sorted({row["score_of"] for folder in EXPORTS.iterdir() if (folder / "expected.toml").is_file()
                    for row in tomllib.loads((folder / "expected.toml").read_text())["row"] if "score_of" in row})
    out = tmp_path_factory.mktemp("alone") / "alone.json"
    assert cli.main(["grade", *(str(ROOT / name) for name in named), "--rubric", str(rubric), "--json", str(out),
                     "--jobs", "2"]) == 0
    return {name: row["score"] for name, row in zip(named, json.loads(out.read_text())["submissions"])}


@pytest.mark.parametrize("lms", ["canvas", "moodle", "gradescope"])
def test_every_expectation_of_the_example_export_is_met(lms, rubric, scores_of, tmp_path):
    document = graded(EXPORTS / lms, tmp_path, rubric)
    assert unmet(EXPORTS / lms, document, rubric, scores_of) == []
    assert document["not_graded"] and all(item["reason"] for item in document["not_graded"])


@pytest.mark.parametrize(("lms", "layout", "header"), [
    ("canvas", "canvas", "Student,ID,SIS User ID,SIS Login ID,Section,"),
    ("moodle", "moodle", "Identifier,Full name,Email address,Status,Grade,Maximum Grade,"),
    ("gradescope", "gradescope", "Name,SID,Email,Total Score"),
])
def test_the_gradebook_layout_has_every_student_by_their_id(lms, layout, header, rubric, tmp_path):
    target = tmp_path / "gradebook.csv"
    graded(EXPORTS / lms, tmp_path, rubric, "--csv", str(target), "--csv-format", layout)
    lines = target.read_text().splitlines()
    assert lines[0].startswith(header)
    expected = tomllib.loads((EXPORTS / lms / "expected.toml").read_text())
    for row in expected["row"]:
        shown = f"Participant {row['id']}" if lms == "moodle" else row["id"]
        assert sum(f",{shown}," in f",{line}," for line in lines) == 1, (row, lines)


def test_a_moodle_online_text_without_math_is_nothing_gradable_and_with_math_a_writeup(tmp_path, rubric):
    export = tmp_path / "submissions"
    for name, text in (("Ann Lee_401", "<p>I ran out of time, sorry.</p>"),
                       ("Bob Jones_402", "<p>$\\frac{\\partial L}{\\partial \\beta} = \\sum_{i=1}^m dy_i$</p>")):
        folder = export / f"{name}_assignsubmission_onlinetext_"
        folder.mkdir(parents=True)
        (folder / "onlinetext.html").write_text(text)
    target = tmp_path / "grades.json"
    assert cli.main(["grade", str(export), "--rubric", str(rubric), "--json", str(target), "--jobs", "1"]) == 0
    document = json.loads(target.read_text())
    statuses = {row["student"]["name"]: row["status"] for row in document["submissions"]}
    assert statuses == {"Ann Lee": "nothing_gradable", "Bob Jones": "graded"}
    assert any("online text without math" in item["reason"] for item in document["skipped"])
