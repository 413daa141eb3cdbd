"""Numeric differentiation, complex steps and vendored autodiff are found by what they do; honest code never is.

The corpus is `numeric_corpus/`: hostile files and packages, each with the ids
it defines and the kind of evidence the scan must name, decided in
`expected.toml` when the file was written; and honest files in other styles
(loops, einsum, helpers, classes, closures, np.pad, index arithmetic, a
residual stream through one helper, a gradient check under `__main__`, ...),
which, with every file of the diagnosis corpus, the examples and the reference
derivations, must have no id flagged.

Two files under `dodges/` slip past the scan (a complex dtype looked up by a
computed name; shifts made by a helper): the worker's watch must see them at
run time, and must see nothing in any honest file's calls.

Graded as staff grade a class, with `numeric_differentiation = "refuse"`
(expected, before running): the vendored reverse-mode autodiff in `mathutils`
(29/29 where the scan does not see it), the complex step through a factory,
the one behind `np.emath.sqrt(-1)` and a float view, the one made from a float
view, and the two dodges each get 0, every id they define tagged; the honest
file with `np.zeros(n + 1)` beside `np.zeros(n)` gets 29/29, untagged.
"""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from helpers import ASSIGNMENTS

from checks import cli
from checks.sandbox.files import collect
from checks.sandbox.source_scan import scan

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "numeric_corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text())["hostile"]
DODGES = tomllib.loads((CORPUS / "expected.toml").read_text())["dodges"]
KINDS = {"complex": "a complex step", "engine": "a number type that carries derivatives through arithmetic",
         "shifted": "one function evaluated at shifted copies of its input"}
IDS = frozenset(id for assignment in ASSIGNMENTS for id in assignment.ids)
HONEST = sorted((CORPUS / "honest").glob("*.py")) + sorted((ROOT / "benchmarks" / "diagnosis_corpus").rglob("*.py")) + \
    sorted(path for path in (ROOT / "examples").rglob("*.py") if "exports" not in path.parts)
"""Honest files: the exports' multi-file hand-ins are left out, since this test loads each file alone."""


def reference_folder(assignment) -> Path:
    """The folder of an assignment's reference package, found as Python finds it (and checked to be this
    checkout's)."""
    spec = importlib.util.find_spec(assignment.reference)
    assert spec is not None and spec.submodule_search_locations, assignment.reference
    folder = Path(spec.submodule_search_locations[0]).resolve()
    assert folder.is_relative_to(ROOT), (folder, ROOT)
    return folder


REFERENCES = [reference_folder(assignment) for assignment in ASSIGNMENTS]
"""The reference packages of every shipped assignment: honest code too, each loaded as the package it is."""
HONEST += REFERENCES


def hostile(name: str) -> Path:
    path = CORPUS / "hostile" / name
    return path if path.is_dir() else path.with_suffix(".py")


def flagged(path: Path) -> dict[str, str]:
    """Each id the scan flags in the file or package at `path`, with its evidence (evidence that counts for the
    whole submission flags every id, as grading applies it to every id the submission attempts)."""
    found = scan(collect(path), frozenset(), own_name_allowed=True)
    assert found.problem is None, found.problem
    return {id: evidence for id in IDS if (evidence := found.numeric.get(id) or found.numeric_everywhere)}


def test_the_honest_corpus_is_large_and_varied():
    assert len(list((CORPUS / "honest").glob("*.py"))) >= 15
    assert len(HONEST) >= 100


def test_every_shipped_assignments_reference_is_honest_code():
    assert {assignment.name for assignment in ASSIGNMENTS} >= {"hw1", "hw2", "hw3"}
    assert [folder.name for folder in REFERENCES] == [assignment.reference.rpartition(".")[2]
                                                      for assignment in ASSIGNMENTS]
    assert all((folder / "__init__.py").is_file() for folder in REFERENCES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_hostile_trick_is_flagged_by_what_it_does(name):
    expected = EXPECTED[name]
    found = flagged(hostile(name))
    assert set(expected["ids"]) <= set(found)
    assert all(KINDS[expected["evidence"]] in found[id] for id in expected["ids"]), found
    if expected["evidence"] != "engine":
        assert sorted(found) == sorted(expected["ids"]), "a function's own evidence flags only the ids that use it"


@pytest.mark.parametrize("path", HONEST, ids=lambda path: str(path.relative_to(ROOT)))
def test_honest_code_is_never_flagged(path):
    assert flagged(path) == {}


@pytest.mark.parametrize("name", sorted(DODGES))
def test_a_dodge_of_the_scan_is_not_in_the_source(name):
    assert flagged(CORPUS / "dodges" / f"{name}.py") == {}


def test_the_watch_sees_nothing_in_honest_calls():
    """Every id of every honest file and reference package, called on its public stream and diagnostic cases with
    the watch on (watching the package's own folder), in this process (these files are the project's own)."""
    from checks.engine.cases import diagnostic_cases
    from checks.engine.properties import case_stream
    from checks.engine.submission import arguments
    from checks.engine.truths import TRUTHS
    from checks.grading import rubric
    from checks.sandbox.calling import call, signature_of
    from checks.sandbox.watch import Watch

    seen = {}
    called = set()
    for path in HONEST:
        if path.is_dir():
            name = f"honest_package_{path.name}"
            spec = importlib.util.spec_from_file_location(name, path / "__init__.py",
                                                          submodule_search_locations=[str(path)])
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
            finally:
                for loaded in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
                    del sys.modules[loaded]
        else:
            spec = importlib.util.spec_from_file_location(f"honest_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
        assignment = max(ASSIGNMENTS, key=lambda assignment: sum(hasattr(module, id) for id in assignment.ids))
        watch = Watch(str(path if path.is_dir() else path.parent))
        for entry in assignment.derivations:
            function = getattr(module, entry.id, None)
            if not callable(function):
                continue
            for case in [*case_stream(entry.context, rubric.load(assignment).profile), *diagnostic_cases(entry.context)]:
                with watch:
                    call(function, arguments(entry, signature_of(function), TRUTHS.evaluated(case).arrays))
                called.add((path, entry.id))
                if watch.found:
                    seen[f"{path.name}:{entry.id}"] = sorted(watch.found)
                    break
    assert seen == {}
    for folder, assignment in zip(REFERENCES, ASSIGNMENTS):
        assert {id for path, id in called if path == folder} == set(assignment.ids), folder


@pytest.fixture(scope="module")
def refused_class(tmp_path_factory) -> dict:
    """The graded hostile files and the honest np.zeros file, graded as staff grade, under "refuse"."""
    base = tmp_path_factory.mktemp("numeric")
    folder = base / "class"
    folder.mkdir()
    for name in (name for name, expected in EXPECTED.items() if expected.get("graded")):
        source = hostile(name)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / source.name)
    shutil.copy(CORPUS / "honest" / "zeros_n_plus_one.py", folder / "zeros_n_plus_one.py")
    for name in DODGES:
        shutil.copy(CORPUS / "dodges" / f"{name}.py", folder / f"{name}.py")
    (base / "refuse.toml").write_text('[grading]\nnumeric_differentiation = "refuse"\nexamples = 10\n')
    target = base / "grades.json"
    previous = os.getcwd()
    os.chdir(folder)
    try:
        assert cli.main(["grade", ".", "--rubric", str(base / "refuse.toml"), "--json", str(target)]) == 0
    finally:
        os.chdir(previous)
    return {Path(grade["path"]).stem: grade for grade in json.loads(target.read_text())["submissions"]}


@pytest.mark.parametrize("name", sorted(name for name, expected in EXPECTED.items() if expected.get("graded")))
def test_under_refuse_a_hidden_trick_earns_nothing(refused_class, name):
    grade = refused_class[name]
    rows = {row["id"]: row for row in grade["derivations"]}
    assert grade["score"] == 0
    assert {id for id, row in rows.items() if "numeric_differentiation" in row["tags"]} == set(EXPECTED[name]["ids"])


@pytest.mark.parametrize("name", sorted(DODGES))
def test_what_dodges_the_scan_the_watch_sees_at_run_time(refused_class, name):
    grade = refused_class[name]
    rows = {row["id"]: row for row in grade["derivations"]}
    assert grade["score"] == 0
    for id in DODGES[name]["ids"]:
        assert {"numeric_differentiation", DODGES[name]["watch"]} <= set(rows[id]["tags"]), rows[id]["tags"]
        assert "at run time" in rows[id]["message"]


def test_under_refuse_an_honest_file_with_zeros_of_n_plus_one_keeps_full_marks(refused_class):
    grade = refused_class["zeros_n_plus_one"]
    assert (grade["score"], grade["max_score"]) == (29, 29)
    assert not any("numeric_differentiation" in row["tags"] for row in grade["derivations"])
