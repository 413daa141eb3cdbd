"""How often diagnosis explains a wrong answer: the diagnosis corpus graded, each explanation against the expected.

    python benchmarks/diagnosis.py                  # the corpus, 20 examples per id, and the every-id-wrong timing
    python benchmarks/diagnosis.py --examples 10    # a quicker look
    python benchmarks/diagnosis.py --write          # also record the tables in docs/benchmarks.md

Every file of `benchmarks/diagnosis_corpus/` is graded in this process, in its
own sandbox (bubblewrap where available), with a modest example budget. A wrong
id counts as explained when its tags include every tag `expected.toml` gives
it; a correct file's ids must pass with no explanation. The cost of diagnosis
is timed around diagnosis itself (observing the extra cases, choosing the case
shown, and the hypotheses) for every failing id. Then one file with every hw1
id wrong, assembled from the corpus, is graded with the shipped rubric on one
core.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import datetime
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
from checks import assignments, tags  # noqa: E402
from checks.engine.oracles import use_one_thread  # noqa: E402
from checks.grading import counterexamples, diagnosis, rubric  # noqa: E402
from checks.grading.handins import grade_submission  # noqa: E402
from checks.grading.grades import DerivationGrade  # noqa: E402
from checks.sandbox.isolation import choose  # noqa: E402

DOCUMENT = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- diagnosis:start -->", "<!-- diagnosis:end -->"
TARGET = 0.95
"""The share of the corpus's wrong answers diagnosis must explain, as docs/how-it-works.md claims."""
EXPLAINING = tags.EXPLAINING
"""Tag families that explain why an answer is wrong: a correct answer must carry none."""
EVERY_ID_WRONG = "hw1"


def explanations(row: DerivationGrade) -> list[str]:
    """The tags of a graded id that explain a mistake."""
    return [tag for tag in row.tags if tags.family(tag) in EXPLAINING]


@dataclass
class Graded:
    """One corpus file's grade, by id, and the seconds diagnosis took for each of its failing ids."""

    rows: dict[str, DerivationGrade]
    diagnosis_seconds: dict[str, float]


@contextlib.contextmanager
def timing_diagnosis():
    """Within it, the seconds spent diagnosing each id (observing, choosing the case shown, hypotheses), by id."""
    spent: dict[str, float] = defaultdict(float)
    originals = [(diagnosis, "observe"), (diagnosis, "diagnose"), (counterexamples, "shown")]
    depth = [0]

    def timed(function):
        def wrapper(entry, *args, **kwargs):
            """Count only the outermost call: diagnose may observe by itself."""
            depth[0] += 1
            start = time.perf_counter()
            try:
                return function(entry, *args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    spent[entry.id] += time.perf_counter() - start
        return wrapper

    saved = [(module, name, getattr(module, name)) for module, name in originals]
    for module, name, function in saved:
        setattr(module, name, timed(function))
    try:
        yield spent
    finally:
        for module, name, function in saved:
            setattr(module, name, function)


def quick_rubric(folder: Path, examples: int) -> Path:
    """A rubric file with a modest example budget."""
    path = folder / "corpus_rubric.toml"
    path.write_text(f"[grading]\nexamples = {examples}\n")
    return path


def grade_corpus(manifest: corpus.Manifest, rubric_path: Path | None, isolation) -> dict[Path, Graded]:
    """Every corpus file graded once, with the diagnosis time of each failing id."""
    graded = {}
    rubrics = {}
    for assignment_name, path in manifest.files():
        assignment = assignments.load(assignment_name)
        if assignment_name not in rubrics:
            rubrics[assignment_name] = rubric.load(assignment, rubric_path)
        with timing_diagnosis() as spent:
            grade = grade_submission(path, assignment, rubrics[assignment_name], isolation)
        rows = {row.id: row for row in grade.derivations}
        graded[path] = Graded(rows, {id: seconds for id, seconds in spent.items() if rows[id].status != "passed"})
    return graded


@dataclass(frozen=True)
class Verdict:
    """One manifest entry against its grade: the tags found, and whether they are what it expects."""

    name: str
    id: str
    cause: str
    expected: str
    found: str
    matched: bool


def wrong_verdicts(manifest: corpus.Manifest, graded: dict[Path, Graded]) -> list[Verdict]:
    """Each wrong id: explained when it failed and its tags include every expected tag."""
    verdicts = []
    for entry in manifest.wrong:
        row = graded[entry.path].rows[entry.id]
        matched = row.status in ("failed", "partial") and set(entry.tags) <= set(row.tags)
        found = ", ".join(row.tags) if row.status in ("failed", "partial") else f"({row.status}) {', '.join(row.tags)}"
        verdicts.append(Verdict(f"{entry.assignment}/{entry.name}", entry.id, entry.mistake, ", ".join(entry.tags),
                                found, matched))
    return verdicts


def correct_verdicts(manifest: corpus.Manifest, graded: dict[Path, Graded]) -> list[Verdict]:
    """Each correct file: matched when every listed id passed with no explanation."""
    verdicts = []
    for entry in manifest.correct:
        rows = graded[entry.path].rows
        wrong = [id for id in entry.ids if rows[id].status != "passed" or explanations(rows[id])]
        found = "none" if not wrong else "; ".join(f"{id}: {rows[id].status} {', '.join(rows[id].tags)}" for id in wrong)
        verdicts.append(Verdict(f"{entry.assignment}/{entry.name}", f"{len(entry.ids)} ids", entry.style,
                                "none (correct)", found, not wrong))
    return verdicts


def markdown_table(verdicts: list[Verdict], cause: str = "expected cause") -> list[str]:
    """One row per verdict: the submission, the id, the cause in words, the tags expected and found, and the match."""
    lines = [f"| submission | id | {cause} | expected tags | tags found | match |",
             "| --- | --- | --- | --- | --- | :---: |"]
    lines += [f"| {v.name} | `{v.id}` | {v.cause} | {v.expected} | {v.found} | {'yes' if v.matched else '**no**'} |"
              for v in verdicts]
    return lines


def diagnosis_cost(graded: dict[Path, Graded]) -> tuple[int, float, float]:
    """How many failing ids were diagnosed, and the median and the largest seconds one took."""
    seconds = [s for result in graded.values() for s in result.diagnosis_seconds.values()]
    return len(seconds), statistics.median(seconds), max(seconds)


def every_id_wrong(manifest: corpus.Manifest, folder: Path) -> tuple[Path, int]:
    """A file with every hw1 id wrong: each id from the first corpus file that gets it wrong."""
    assignment = assignments.load(EVERY_ID_WRONG)
    first = {}
    for entry in manifest.wrong:
        if entry.assignment == EVERY_ID_WRONG:
            first.setdefault(entry.id, entry.path)
    picks = [(first[entry.id], entry.id) for entry in assignment.derivations if entry.id in first]
    path = folder / "every_id_wrong.py"
    path.write_text(corpus.assemble(picks, assignment.ids, "Every id of hw1 wrong, assembled from the diagnosis corpus."))
    return path, len(picks)


OFF_BY_A_PATTERN = '''

def _off(value):
    """Off by a pattern that no factor, mis-shaping or model of the assignment explains."""
    value = np.asarray(value, dtype=float)
    return value + 1e-3 * (1 + np.abs(value).max()) * np.cos(np.arange(value.size) + 0.5).reshape(value.shape)
'''


def every_id_unexplained(manifest: corpus.Manifest, folder: Path) -> tuple[Path, int]:
    """A file with every hw1 id wrong in a way no hypothesis explains: the corpus's correct answers, each off by a
    pattern. Diagnosis then runs every level (single candidates, paths, terms, pairs) on every id: its worst cost."""
    assignment = assignments.load(EVERY_ID_WRONG)
    first = {}
    for entry in manifest.correct:
        if entry.assignment == EVERY_ID_WRONG:
            for id in entry.ids:
                first.setdefault(id, entry.path)
    picks = [(first[entry.id], entry.id) for entry in assignment.derivations if entry.id in first]
    source = corpus.assemble(picks, assignment.ids, "Every id of hw1 wrong by a pattern no hypothesis explains.")
    picked = [id for _, id in picks]
    right = {id: f"_right_{id}" for id in picked}
    wrappers = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name in right:
            names = ", ".join(argument.arg for argument in node.args.args)
            wrappers.append(f"def {node.name}({names}):\n    return _off({right[node.name]}({names}))\n")
    path = folder / "every_id_unexplained.py"
    path.write_text(corpus.renamed(source, right) + OFF_BY_A_PATTERN + "\n\n" + "\n\n".join(wrappers))
    return path, len(picks)


def time_on_one_core(path: Path, isolation) -> tuple[float, int, int, int]:
    """Grade `path` with the shipped rubric, pinned to one core: seconds, failed ids, explained ids, ids."""
    assignment = assignments.load(EVERY_ID_WRONG)
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        start = time.perf_counter()
        grade = grade_submission(path, assignment, rubric.load(assignment), isolation)
        seconds = time.perf_counter() - start
    finally:
        os.sched_setaffinity(0, before)
    wrong = [row for row in grade.derivations if row.status in ("failed", "partial")]
    return seconds, len(wrong), sum(bool(explanations(row)) for row in wrong), len(grade.derivations)


def _commit() -> str:
    """The short hash of the checked-out commit, or "unknown"."""
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def report(manifest: corpus.Manifest, graded: dict[Path, Graded], examples: int, whole: tuple, worst: tuple,
           isolation, command: str) -> list[str]:
    """The diagnosis section of docs/benchmarks.md, as printed."""
    wrong, correct = wrong_verdicts(manifest, graded), correct_verdicts(manifest, graded)
    explained = sum(v.matched for v in wrong)
    per_assignment = defaultdict(lambda: [0, 0])
    for entry, verdict in zip(manifest.wrong, wrong):
        per_assignment[entry.assignment][0] += verdict.matched
        per_assignment[entry.assignment][1] += 1
    files = {entry.assignment: set() for entry in manifest.wrong}
    for entry in manifest.wrong:
        files[entry.assignment].add(entry.file)
    count, median, largest = diagnosis_cost(graded)
    seconds, failed, said, ids = whole
    worst_seconds, worst_failed, worst_said, _ = worst
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    share = explained / len(wrong)
    lines = [
        "## Diagnosis: how often a wrong answer is explained",
        "",
        "```bash",
        command,
        "```",
        "",
        f"Commit {_commit()}, {now}, {os.cpu_count()} cores, Python {platform.python_version()}, isolation "
        f"{isolation.level}; {examples} examples per id.",
        "",
        f"The corpus (`benchmarks/diagnosis_corpus/`) holds {sum(len(f) for f in files.values())} wrong submissions "
        + "(" + ", ".join(f"{len(files[a])} {a}" for a in sorted(files)) + ")"
        + f" with {len(wrong)} wrong ids, and {len(correct)} correct files in other styles than the reference. "
          "A wrong id is explained when its tags include every tag `expected.toml` gives it, decided from the "
          "mistake itself.",
        "",
        f"- **Explained: {explained} of {len(wrong)} wrong ids ({100 * share:.0f}%)**; target {100 * TARGET:.0f}%. "
        + "; ".join(f"{a}: {per_assignment[a][0]} of {per_assignment[a][1]}" for a in sorted(per_assignment)) + ".",
        f"- **Correct files explained: {sum(not v.matched for v in correct)} of {len(correct)}** "
        f"({sum(len(e.ids) for e in manifest.correct)} correct ids; each must pass with no explanation).",
        f"- **Cost of diagnosis per failing id** ({count} ids): median {median:.2f} s, max {largest:.2f} s.",
        f"- **Every hw1 id wrong** ({failed} of {ids} ids wrong, {said} of them explained), assembled from the corpus "
        f"and graded with the shipped rubric on one core: {seconds:.1f} s.",
        f"- **Every hw1 id wrong, none explainable** ({worst_failed} of {ids} ids wrong, {worst_said} of them given an "
        "explanation), each a correct answer of the corpus off by a pattern, so that every level of hypotheses runs "
        f"on every id (its worst cost), graded the same way: {worst_seconds:.1f} s.",
        "",
        "### Not explained",
        "",
        *(markdown_table([v for v in wrong if not v.matched]) if explained < len(wrong) else ["None."]),
        "",
        "### Wrong answers",
        "",
        *markdown_table(wrong),
        "",
        "### Correct answers",
        "",
        *markdown_table(correct, cause="style"),
    ]
    return lines


def write_section(lines: list[str], document: Path = DOCUMENT) -> None:
    """Put the section between its markers in the document, or append it with them."""
    text = document.read_text()
    section = "\n".join([START, *lines, END])
    if START in text and END in text:
        before, _, rest = text.partition(START)
        _, _, after = rest.partition(END)
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    document.write_text(text)


def main() -> int:
    """Grade the corpus, time the every-id-wrong file, print the section (and write it); 0 if the targets are met."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=20, help="hypothesis examples per id (default 20)")
    parser.add_argument("--write", action="store_true", help=f"record the section in {DOCUMENT.relative_to(ROOT)}")
    args = parser.parse_args()
    use_one_thread()
    isolation = choose()
    manifest = corpus.load()
    with tempfile.TemporaryDirectory() as folder:
        graded = grade_corpus(manifest, quick_rubric(Path(folder), args.examples), isolation)
        path, _ = every_id_wrong(manifest, Path(folder))
        whole = time_on_one_core(path, isolation)
        worst = time_on_one_core(every_id_unexplained(manifest, Path(folder))[0], isolation)
    command = "python benchmarks/diagnosis.py" + (f" --examples {args.examples}" if args.examples != 20 else "")
    lines = report(manifest, graded, args.examples, whole, worst, isolation, command + (" --write" if args.write else ""))
    print("\n".join(lines))
    if args.write:
        write_section(lines)
    explained = sum(v.matched for v in wrong_verdicts(manifest, graded)) / len(manifest.wrong)
    return 0 if explained >= TARGET and all(v.matched for v in correct_verdicts(manifest, graded)) else 1


if __name__ == "__main__":
    sys.exit(main())
