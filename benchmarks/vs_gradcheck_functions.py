"""`checks.testing.assert_function` against `torch.autograd.gradcheck` on twelve custom autograd Functions.

    python benchmarks/vs_gradcheck_functions.py

Every subject of `custom_functions.py` (a fused layer norm, a memory-saving
GELU, a straight-through estimator, a masked softmax, a fused linear + SiLU, a
log-sum-exp, a batched matmul, a weight-normalised linear, an embedding
gather, a stable sigmoid BCE, a rotary embedding, a clamp with a custom
gradient), correct and with each planted bug, goes through:

- gradcheck in slow and in fast mode at its defaults (eps 1e-6, atol 1e-5,
  rtol 1e-3), on three cases of one fixed size chosen by hand (seeds 0, 1, 2),
  as a gradcheck user writes them; a bug is caught if any case fails or raises;
  for a bug in the double backward, gradgradcheck too (a note, not a column);
- gradjudge, `function(...).run()` with the Function's reference, its knobs,
  and the `ci` profile (100 derandomized hypothesis cases per check).

It records what each says (a short excerpt), whether gradjudge names the cause
written down for the bug beforehand, and what one call of each costs, and
writes the table between the `vs_gradcheck_functions` markers of
docs/testing-benchmark.md. About 5 to 10 minutes on a 2-core machine.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from hypothesis import settings  # noqa: E402
from torch.autograd.gradcheck import GradcheckError  # noqa: E402

from checks.engine import profiles  # noqa: E402
from checks.engine.oracles import use_one_thread  # noqa: E402
from checks.testing import GradientMismatch, function  # noqa: E402
from checks.testing import model as models  # noqa: E402
from common import commit, fmt_seconds, load_average, machine, markdown_table, now, require_keywords, write_section  # noqa: E402
from custom_functions import SUBJECTS, Bug, Subject  # noqa: E402

require_keywords(function, "reference", "shapes", "inputs", "constants", "knobs", "differentiable", "wrt", "name")
DOC = ROOT / "docs" / "testing-benchmark.md"
SECTION = "vs_gradcheck_functions"
SEEDS = (0, 1, 2)
PROFILE = "ci"
MODES = ("slow", "fast")


@dataclass
class Verdict:
    """One tool on one Function: caught or not, what it said, and what its calls cost."""

    caught: bool
    said: str
    seconds: list[float] = field(default_factory=list)
    tags: tuple[str, ...] = ()
    cases: int = 0


def gradcheck_verdict(subject: Subject, function_class: type, mode: str, *, second_order: bool = False) -> Verdict:
    """gradcheck (or gradgradcheck) at its defaults on the subject's fixed-size cases."""
    check = declared(subject, function_class)
    wrt = check.wrt
    caught, said, seconds = False, "passed on every case", []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        values = {n: torch.from_numpy(models.draw(spec, rng, subject.gradcheck_sizes, 1.0))
                  for n, spec in check.inputs.items()}
        tracked = tuple(values[w].clone().requires_grad_(True) for w in wrt)

        def applied(*tensors):
            return check.apply({**values, **dict(zip(wrt, tensors))})

        begun = time.perf_counter()
        try:
            if second_order:
                torch.autograd.gradgradcheck(applied, tracked, fast_mode=mode == "fast")
            else:
                torch.autograd.gradcheck(applied, tracked, fast_mode=mode == "fast")
        except GradcheckError as failed:
            caught, said = True, f"seed {seed}: " + _first_line(str(failed))
        except Exception as raised:  # gradcheck's own run raised (autograd refused a gradient's shape, ...)
            caught, said = True, f"seed {seed}: raised {type(raised).__name__}: " + _first_line(str(raised))
        seconds.append(time.perf_counter() - begun)
        if caught:
            break
    return Verdict(caught, said, seconds)


def gradjudge_verdict(subject: Subject, function_class: type) -> Verdict:
    check = declared(subject, function_class)
    begun = time.perf_counter()
    try:
        checked = check.run()
    except GradientMismatch as failed:
        seconds = time.perf_counter() - begun
        first = failed.failures[0]
        said = first.message.splitlines()[0]
        explained = [line[2:] for f in failed.failures for line in f.message.splitlines() if line.startswith("- ")]
        if explained:
            said += " | " + explained[0]
        tags = tuple(sorted({tag for f in failed.failures for tag in f.tags}))
        return Verdict(True, said, [seconds], tags)
    seconds = time.perf_counter() - begun
    return Verdict(False, str(checked), [seconds], cases=sum(r.examples for r in checked.reports))


def declared(subject: Subject, function_class: type):
    return function(function_class, reference=subject.reference, shapes=subject.shapes, inputs=subject.inputs,
                    constants=subject.constants, knobs=subject.knobs, differentiable=subject.differentiable,
                    wrt=subject.wrt, name=subject.name)


def named(bug: Bug, verdict: Verdict) -> bool | None:
    """Whether gradjudge's tags name the cause written down for the bug (None where none was expected)."""
    if bug.cause is None:
        return None
    return any(tag == bug.cause or tag.startswith(bug.cause + ":") for tag in verdict.tags)


def _first_line(text: str, limit: int = 150) -> str:
    line = " ".join(text.strip().splitlines()[0].split()) if text.strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _cell(text: str, limit: int = 150) -> str:
    text = " ".join(text.split()).replace("`", "'")
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass
class Row:
    subject: Subject
    bug: Bug | None
    gradcheck: dict[str, Verdict]
    gradjudge: Verdict
    gradgradcheck: Verdict | None = None


def run(subjects: list[Subject]) -> list[Row]:
    rows = []
    for subject in subjects:
        for bug in (None, *subject.bugs):
            function_class = subject.function if bug is None else bug.function
            gradcheck = {mode: gradcheck_verdict(subject, function_class, mode) for mode in MODES}
            second = gradcheck_verdict(subject, function_class, "slow", second_order=True) \
                if bug is not None and bug.double_backward else None
            ours = gradjudge_verdict(subject, function_class)
            rows.append(Row(subject, bug, gradcheck, ours, second))
            print(f"  {subject.name:22s} {bug.name if bug else '(correct)':30s} gradcheck slow "
                  f"{'caught' if gradcheck['slow'].caught else 'passed':6s} fast "
                  f"{'caught' if gradcheck['fast'].caught else 'passed':6s} gradjudge "
                  f"{'caught' if ours.caught else 'passed':6s} {fmt_seconds(ours.seconds[0]):>8s} "
                  f"{','.join(ours.tags)[:60]}", flush=True)
    return rows


def report(rows: list[Row], notes: dict) -> tuple[str, str]:
    bugs = [row for row in rows if row.bug is not None]
    controls = [row for row in rows if row.bug is None]
    unjudged = {mode: {row.subject.name for row in controls if row.gradcheck[mode].caught} for mode in MODES}
    """Per gradcheck mode, the subjects whose correct Function it fails: it cannot tell their bugs from them."""
    for row in bugs:
        for mode in MODES:
            if row.subject.name in unjudged[mode]:
                row.gradcheck[mode] = Verdict(False, "n/a: fails the correct Function too (" + row.gradcheck[mode].said
                                              + ")", row.gradcheck[mode].seconds)
    table = []
    for row in bugs:
        bug = row.bug
        cause = named(bug, row.gradjudge)
        cause_cell = ("—" if not row.gradjudge.caught else "named" if cause else
                      "not expected (no hypothesis covers it)" if cause is None else "**not named**")
        table.append([row.subject.name, bug.name, _cell(bug.wrong, 110),
                      _verdict_cell(row.gradcheck["slow"]), _verdict_cell(row.gradcheck["fast"]),
                      _verdict_cell(row.gradjudge), f"{bug.cause or '—'}: {cause_cell}",
                      _cell(row.gradcheck["slow"].said), _cell(row.gradjudge.said, 220)])
    control_table = [[row.subject.name, _verdict_cell(row.gradcheck["slow"], control=True),
                      _verdict_cell(row.gradcheck["fast"], control=True), _verdict_cell(row.gradjudge, control=True),
                      fmt_seconds(statistics.median(row.gradcheck["slow"].seconds)),
                      fmt_seconds(statistics.median(row.gradcheck["fast"].seconds)),
                      fmt_seconds(row.gradjudge.seconds[0]),
                      fmt_seconds(row.gradjudge.seconds[0] / row.gradjudge.cases) if row.gradjudge.cases else "—"]
                     for row in controls]
    caught = {tool: sum(_caught(row, tool) for row in bugs) for tool in ("slow", "fast", "gradjudge")}
    either = [row for row in bugs if row.gradcheck["slow"].caught or row.gradcheck["fast"].caught]
    missed_by_gradcheck = [row for row in bugs if not (row.gradcheck["slow"].caught or row.gradcheck["fast"].caught)]
    ours_on_theirs = sum(row.gradjudge.caught for row in either)
    ours_on_missed = sum(row.gradjudge.caught for row in missed_by_gradcheck)
    causes = sum(bool(named(row.bug, row.gradjudge)) for row in bugs if row.gradjudge.caught)
    false_alarms = [row.subject.name for row in controls if row.gradjudge.caught]
    gradcheck_false = {mode: [row.subject.name for row in controls if row.gradcheck[mode].caught] for mode in MODES}
    cost = {mode: statistics.median(s for row in controls for s in row.gradcheck[mode].seconds) for mode in MODES}
    ours_call = statistics.median(row.gradjudge.seconds[0] for row in controls if not row.gradjudge.caught)
    ours_case = statistics.median(row.gradjudge.seconds[0] / row.gradjudge.cases for row in controls
                                  if row.gradjudge.cases)
    findings = [
        f"- **Caught**: gradcheck slow mode {caught['slow']} of {len(bugs)} planted bugs, fast mode {caught['fast']}, "
        f"gradjudge {caught['gradjudge']}. A bug of a Function whose correct version gradcheck fails as well (a "
        f"surrogate gradient: {', '.join(sorted(unjudged['slow'] | unjudged['fast'])) or 'none'}) is not counted as "
        "caught by it: its verdict there says nothing about the bug.",
        f"- gradjudge catches {ours_on_theirs} of the {len(either)} bugs gradcheck catches in either mode, and "
        f"{ours_on_missed} of the {len(missed_by_gradcheck)} it misses (or cannot judge) in both"
        + (f" ({', '.join(f'{r.subject.name}/{r.bug.name}' for r in missed_by_gradcheck)})." if missed_by_gradcheck
           else "."),
        f"- **Causes named**: gradjudge's diagnosis names the cause written down beforehand for {causes} of the "
        f"{caught['gradjudge']} bugs it catches ({100 * causes / max(caught['gradjudge'], 1):.0f}%); for "
        f"{sum(row.bug.cause is None for row in bugs)} bugs no hypothesis was expected to cover the cause.",
        "- **False alarms on the correct Functions**: gradjudge "
        + (", ".join(false_alarms) if false_alarms else "none") + "; gradcheck slow mode "
        + (", ".join(gradcheck_false["slow"]) or "none") + ", fast mode " + (", ".join(gradcheck_false["fast"]) or "none")
        + ".",
        f"- **Cost per call** (medians over the correct Functions): gradcheck slow {fmt_seconds(cost['slow'])} and "
        f"fast {fmt_seconds(cost['fast'])} for one case of one fixed size; gradjudge {fmt_seconds(ours_call)} for a "
        f"whole call ({fmt_seconds(ours_case)} per checked case: forward value, backward and, where defined, double "
        "backward, each on 100 hypothesis-drawn cases of every size in range, sampled cases witnessed numerically).",
    ]
    second = [row for row in bugs if row.gradgradcheck is not None]
    if second:
        findings.append("- Bugs in the double backward, which gradcheck does not look at: gradgradcheck (slow mode, "
                        "defaults) " + "; ".join(f"{r.subject.name}/{r.bug.name}: "
                                                 f"{'caught' if r.gradgradcheck.caught else 'missed'}" for r in second)
                        + ".")
    expectation = [f"{r.subject.name}/{r.bug.name} (expected: {r.bug.gradcheck.split(':')[0]}, slow mode "
                   f"{'caught' if r.gradcheck['slow'].caught else 'missed'})" for r in bugs
                   if _expected_gradcheck(r.bug) is not None and _expected_gradcheck(r.bug) != r.gradcheck["slow"].caught]
    if expectation:
        findings.append("- Where gradcheck did otherwise than written down beforehand: " + "; ".join(expectation) + ".")
    bug_md = markdown_table(["Function", "planted bug", "what is wrong (written before running)", "gradcheck slow",
                             "gradcheck fast", "gradjudge", "cause expected: named?", "gradcheck says (slow)",
                             "gradjudge says"], table)
    control_md = markdown_table(["Function", "gradcheck slow", "gradcheck fast", "gradjudge", "gradcheck slow per call",
                                 "gradcheck fast per call", "gradjudge per call", "gradjudge per case"],
                                control_table, "llllrrrr")
    md = f"""Measured {notes['date']} on commit {notes['commit']}: {notes['cpu']}, {notes['ram']} RAM, {notes['python']},
torch {torch.__version__}; load average {notes['load_start']:.1f} at start and {notes['load_end']:.1f} at the end (a
shared machine: times are indicative). Command: `python benchmarks/vs_gradcheck_functions.py` ({notes['minutes']:.1f}
min).

{chr(10).join(findings)}

### Every planted bug

{bug_md}

### The correct Functions (controls) and what a call costs

{control_md}
"""
    console = "\n".join([*[f.replace("**", "") for f in findings]])
    return md, console


def _caught(row: Row, tool: str) -> bool:
    return row.gradjudge.caught if tool == "gradjudge" else row.gradcheck[tool].caught


def _expected_gradcheck(bug: Bug) -> bool | None:
    said = bug.gradcheck.split(":")[0]
    return {"caught": True, "missed": False}.get(said)


def _verdict_cell(verdict: Verdict, control: bool = False) -> str:
    if control:
        return "**false alarm**" if verdict.caught else "passed"
    if verdict.said.startswith("n/a"):
        return "n/a (fails the correct one too)"
    return "caught" if verdict.caught else "**missed**"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", metavar="NAME", help="run only these subjects (development only)")
    parser.add_argument("--no-write", action="store_true", help=f"do not write {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    use_one_thread()
    profiles.private_storage()
    settings.load_profile(PROFILE)
    chosen = [s for s in SUBJECTS if not args.only or s.name in args.only]
    begun, load_start = time.monotonic(), load_average()
    print(f"checks.testing vs torch.autograd.gradcheck on {len(chosen)} custom Functions "
          f"({sum(len(s.bugs) for s in chosen)} planted bugs)")
    rows = run(chosen)
    notes = {"date": now(), "commit": commit(), **machine(), "load_start": load_start, "load_end": load_average(),
             "minutes": (time.monotonic() - begun) / 60}
    markdown, console = report(rows, notes)
    print("\n" + console)
    if not args.no_write and not args.only:
        write_section(SECTION, markdown, doc=DOC)
        print(f"\nwrote {DOC.relative_to(ROOT)} (between the {SECTION} markers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
