"""The diagnosis corpus: at least 95% of its wrong answers explained as expected, none of its correct ones explained.

Every corpus file is graded once per session, sandboxed, with 10 examples per
id. The expected tags come from `benchmarks/diagnosis_corpus/expected.toml`,
decided from each mistake, not from the diagnosis's output.
"""
import ast
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from helpers import ASSIGNMENTS

from checks import tags
from checks.sandbox.isolation import choose

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import corpus  # noqa: E402
import diagnosis as benchmark  # noqa: E402
import make_class  # noqa: E402

TARGET = benchmark.TARGET


@pytest.fixture(scope="session")
def manifest():
    return corpus.load()


@pytest.fixture(scope="session")
def graded(manifest, tmp_path_factory):
    """Every corpus file's grade, with 10 examples per id."""
    rubric_path = benchmark.quick_rubric(tmp_path_factory.mktemp("corpus_rubric"), examples=10)
    return benchmark.grade_corpus(manifest, rubric_path, choose())


def test_the_corpus_is_large_enough_across_the_assignments(manifest):
    files = {name: {entry.file for entry in manifest.wrong if entry.assignment == name} for name in ("hw1", "hw2", "hw3")}
    assert len(files["hw1"]) >= 25 and len(files["hw2"]) >= 15 and len(files["hw3"]) >= 30
    assert len(manifest.correct) >= 5
    assert len([entry for entry in manifest.correct if entry.assignment == "hw3"]) >= 3


def test_every_expected_tag_names_something_declared(manifest):
    """A typo in the manifest would make an entry unmatchable: each tag's family exists, and its detail is declared."""
    by_name = {assignment.name: assignment for assignment in ASSIGNMENTS}
    from checks.grading.candidates.declared_variants import VARIANT_TAGS

    kinds = {**{tag: kind for kind, tag in VARIANT_TAGS.items()}, tags.PATH_SCALED: "path"}
    for entry in manifest.wrong:
        assignment = by_name[entry.assignment]
        entry_context = assignment.by_id[entry.id].context
        for tag in entry.tags:
            family, _, detail = tag.partition(":")
            assert family in tags.VOCABULARY, (entry, tag)
            if family in kinds:
                assert (kinds[family], detail) in {(v.kind, v.name) for v in entry_context.variants}, (entry, tag)
            elif family == tags.KNOWN_MISTAKE:
                assert detail in {v.name for v in assignment.catalog if v.id == entry.id}, (entry, tag)
            elif family == tags.WRONG_NODE:
                assert detail in entry_context.vocabulary, (entry, tag)


def test_every_wrong_answer_of_the_corpus_fails(manifest, graded):
    passing = [(entry.file, entry.id) for entry in manifest.wrong
               if graded[entry.path].rows[entry.id].status not in ("failed", "partial")]
    assert passing == []


def test_at_least_95_percent_of_the_wrong_answers_are_explained_as_expected(manifest, graded):
    verdicts = benchmark.wrong_verdicts(manifest, graded)
    missed = [(v.name, v.id, v.expected, v.found) for v in verdicts if not v.matched]
    assert sum(v.matched for v in verdicts) / len(verdicts) >= TARGET, missed
    for name in {entry.assignment for entry in manifest.wrong}:
        own = [verdict for entry, verdict in zip(manifest.wrong, verdicts) if entry.assignment == name]
        assert sum(v.matched for v in own) / len(own) >= TARGET, (name, [m for m in missed if m[0].startswith(name)])


def test_every_wrong_answer_is_explained_unless_its_gap_is_declared(manifest, graded):
    """A ratchet under the 95% target: an answer explained once stays explained. A corpus entry diagnosis does not
    explain yet says why in its manifest (`gap = "..."`); one that becomes explained must lose its gap."""
    verdicts = benchmark.wrong_verdicts(manifest, graded)
    lost = [(entry.file, entry.id, entry.tags, v.found) for entry, v in zip(manifest.wrong, verdicts)
            if not v.matched and not entry.gap]
    assert lost == [], "explained before, not now (or add `gap` to the manifest entry, saying why)"
    stale = [(entry.file, entry.id) for entry, v in zip(manifest.wrong, verdicts) if v.matched and entry.gap]
    assert stale == [], "explained now: remove their `gap`"


def test_no_correct_answer_is_explained(manifest, graded):
    verdicts = benchmark.correct_verdicts(manifest, graded)
    assert [(v.name, v.found) for v in verdicts if not v.matched] == []


def test_the_share_would_fall_short_without_diagnosis(manifest, graded):
    """The check has teeth: the same grades stripped of their explaining tags explain nothing."""
    def unexplained(row):
        return replace(row, tags=[tag for tag in row.tags if tags.family(tag) not in benchmark.EXPLAINING])

    stripped = {path: benchmark.Graded({id: unexplained(row) for id, row in result.rows.items()},
                                       result.diagnosis_seconds) for path, result in graded.items()}
    assert sum(v.matched for v in benchmark.wrong_verdicts(manifest, stripped)) == 0


def test_diagnosis_was_timed_for_every_failing_id(manifest, graded):
    for entry in manifest.wrong:
        assert graded[entry.path].diagnosis_seconds.get(entry.id, 0) > 0, entry


def test_the_every_id_wrong_file_defines_every_hw1_id(manifest, tmp_path):
    path, count = benchmark.every_id_wrong(manifest, tmp_path)
    hw1 = next(assignment for assignment in ASSIGNMENTS if assignment.name == "hw1")
    defined = {node.name for node in ast.parse(path.read_text()).body if isinstance(node, ast.FunctionDef)}
    assert count == len(hw1.derivations) and defined & hw1.ids == hw1.ids


def test_the_example_class_is_what_make_class_builds(manifest):
    built = make_class.build(manifest)
    assert len(built) >= 12
    assert {name: (make_class.CLASS / name).read_text() for name in built} == built
    assert sorted(path.name for path in make_class.CLASS.glob("student_*.py")) == sorted(built)
