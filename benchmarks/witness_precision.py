"""How precise the numeric witness is, and what it costs: measured against autograd on random cases of every id.

    python benchmarks/witness_precision.py                   # 1,500 small cases per assignment, 3 large per hw1 id
    python benchmarks/witness_precision.py --cases 200 --no-write     # a quick look

The witness that confirms autograd (`checks.engine.oracles.numeric_witness`)
estimates `vᵀ J u` for a random direction `u` of the id's `wrt` (a random
coordinate where a kink lies between) and a random covector `v` of its `of`, by
Ridders' extrapolation. On each case this measures its error against the same
product computed from autograd's Jacobian, over the scale its tolerance is taken
against (the truth's scale times the largest sums of |u| and |v|): the numbers
`docs/how-it-works.md` argues from. It also counts the model evaluations each
witness spends, the share of probes the first stage (one window of steps)
settles, the probes discarded at kinks, whether Ridders' own error estimate
covers the real error, and, for comparison on the same cases, what the
elementwise witness (every basis direction: the whole Jacobian, where `wrt` has
at most 64 elements) spends.

Cases are drawn as grading's strategy draws them (batch up to 6, widths up to 5,
each scale, each edge, each scalar's values), from a seeded generator, plus a
few large cases of hw1 (batch 256, widths 128), where dense probes cross the
most ReLU inputs. It writes its results between the `witness` markers of
docs/benchmarks.md, unless --no-write.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import numpy as np  # noqa: E402

from checks import assignments  # noqa: E402
from checks.engine import numeric  # noqa: E402
from checks.engine.cases import Case  # noqa: E402
from checks.engine.oracles import (FULL_JACOBIAN_MAX, autograd_truth, evaluate, magnitude, numeric_witness,  # noqa: E402
                                   project, use_one_thread)
from checks.engine.strategies import SCALES  # noqa: E402
from checks.engine.tolerances import NUMERIC  # noqa: E402
from common import commit, load_average, machine, markdown_table, now, require_keywords, write_section  # noqa: E402

require_keywords(numeric_witness, "entry", "evaluated", "elementwise")
require_keywords(project, "entry", "returned", "directions", "covectors")

SECTION = "witness"
ASSIGNMENTS = ("hw1", "hw2")
MAX_BATCH, MAX_WIDTH = 6, 5
"""As grading's strategy draws them (`checks.engine.strategies.cases`)."""
LARGE = {"batch": 256, "width": 128}
EDGE_SHARE = 0.3
"""Share of drawn cases that take one of their context's deliberate edges."""


def drawn(context, rng: np.random.Generator, *, large: bool = False) -> Case:
    dims = {axis: (LARGE["batch"] if axis == context.batch_axis else LARGE["width"]) if large else
            int(rng.integers(minimum, max(minimum, MAX_BATCH if axis == context.batch_axis else MAX_WIDTH) + 1))
            for axis, minimum in context.axes.items()}
    scalars = {scalar.name: float(rng.choice(scalar.values)) for scalar in context.scalars}
    edge = str(rng.choice(list(context.edges))) if context.edges and not large and rng.random() < EDGE_SHARE else None
    return Case.of(context, seed=int(rng.integers(2**32)), scale=1.0 if large else float(rng.choice(SCALES)),
                   edge=edge, **dims, **scalars)


def measured(entry, case: Case) -> dict:
    """The directional witness of `entry` on `case` against autograd, and the elementwise witness's cost."""
    evaluated = evaluate(case)
    truth = autograd_truth(entry, evaluated).detach()
    scale = magnitude(entry, evaluated, truth)
    begun = time.process_time()
    witness = numeric_witness(entry, evaluated)
    seconds = time.process_time() - begun
    exact = project(entry, truth, witness.directions, witness.covectors).reshape(-1).numpy()
    l1 = lambda vectors: float(np.abs(vectors.reshape(len(vectors), -1).numpy()).sum(1).max())  # noqa: E731
    tolerance_scale = scale * l1(witness.directions) * (1.0 if witness.covectors is None else l1(witness.covectors))
    values, error = witness.values.reshape(len(exact), -1)[:, 0].numpy(), witness.error.reshape(len(exact), -1)[:, 0].numpy()
    kept = ~witness.discarded.numpy()
    gaps = np.abs(values - exact)[kept] / tolerance_scale if tolerance_scale > 0 else np.zeros(int(kept.sum()))
    found = {"gaps": gaps.tolist(), "estimates": (error[kept] / tolerance_scale).tolist() if tolerance_scale > 0 else [],
             "covered": int(np.sum(np.abs(values - exact)[kept] <= error[kept])), "probes": len(exact),
             "discarded": int((~kept).sum()), "evaluations": witness.evaluations, "seconds": seconds,
             "first_stage": witness.evaluations <= 1 + 2 * numeric.COARSE * len(exact)}
    if evaluated.tensors[entry.wrt].numel() <= FULL_JACOBIAN_MAX:
        found["elementwise"] = numeric_witness(entry, evaluated, elementwise=True).evaluations
    return found


def summary(results: list[dict]) -> dict:
    gaps = [gap for result in results for gap in result["gaps"]]
    kept = sum(len(result["gaps"]) for result in results)
    elementwise = [result["elementwise"] for result in results if "elementwise" in result]
    return {
        "cases": len(results), "probes": sum(r["probes"] for r in results), "kept": kept,
        "discarded": sum(r["discarded"] for r in results),
        "worst": max(gaps, default=0.0), "median": statistics.median(gaps) if gaps else 0.0,
        "p999": float(np.quantile(gaps, 0.999)) if gaps else 0.0,
        "worst_estimate": max((e for r in results for e in r["estimates"]), default=0.0),
        "covered": sum(r["covered"] for r in results) / max(kept, 1),
        "first_stage": sum(r["first_stage"] for r in results) / max(len(results), 1),
        "evaluations": statistics.mean(r["evaluations"] for r in results) if results else 0.0,
        "most_evaluations": max((r["evaluations"] for r in results), default=0),
        "milliseconds": 1000 * statistics.median(r["seconds"] for r in results) if results else 0.0,
        "elementwise": statistics.mean(elementwise) if elementwise else None,
        "elementwise_cases": len(elementwise),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1500, help="small cases per assignment (default 1500)")
    parser.add_argument("--large", type=int, default=3, help="large cases per hw1 id (default 3; 0 for none)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the drawn cases (default 0)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not write docs/benchmarks.md")
    args = parser.parse_args()
    use_one_thread()
    started, date, head, host, load_start = time.monotonic(), now(), commit(), machine(), load_average()
    rng = np.random.default_rng(args.seed)
    rows = {}
    for name in ASSIGNMENTS:
        assignment = assignments.load(name)
        entries = [entry for entry in assignment.derivations if entry.wrt is not None]
        results = [measured(entry, drawn(entry.context, rng)) for entry in
                   (entries[int(rng.integers(len(entries)))] for _ in range(args.cases))]
        rows[f"{name}, grading's sizes"] = summary(results)
        print(f"{name}: {args.cases} cases measured")
        if name == "hw1" and args.large:
            large = [measured(entry, drawn(entry.context, rng, large=True)) for entry in entries if entry.kind == "gradient"
                     for _ in range(args.large)]
            rows[f"{name}, batch 256, widths 128"] = summary(large)
            print(f"{name}: {len(large)} large cases measured")
    text = report(args, rows, date, head, host, load_start, load_average(), time.monotonic() - started)
    print("\n" + text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"\nwrote docs/benchmarks.md (between the {SECTION} markers)")
    return 0


def report(args, rows: dict[str, dict], date, head, host, load_start, load_end, wall) -> str:
    table = [[label, f"{s['cases']:,}", f"{s['kept']:,} of {s['probes']:,}", f"{s['worst']:.1e}", f"{s['p999']:.1e}",
              f"{s['median']:.1e}", f"{100 * s['covered']:.1f}%", f"{100 * s['first_stage']:.0f}%",
              f"{s['evaluations']:.1f} (at most {s['most_evaluations']})", f"{s['milliseconds']:.2f} ms",
              "—" if s["elementwise"] is None else f"{s['elementwise']:.0f} (on {s['elementwise_cases']:,} cases)"]
             for label, s in rows.items()]
    worst = max(s["worst"] for s in rows.values())
    return "\n".join([
        "## The numeric witness: precision and cost", "",
        "Generated by `benchmarks/witness_precision.py`; rerun it to refresh this section.", "",
        "```bash", "python benchmarks/witness_precision.py" + (f" --cases {args.cases}" if args.cases != 1500 else ""),
        "```", "",
        f"Run on {date}, commit {head}; {host['cpu']}, shared with other work (load average {load_start:.2f} at the "
        f"start, {load_end:.2f} at the end), {host['python']}; {wall / 60:.1f} min. Random cases of every id with a "
        f"`wrt`, drawn as grading draws them (batch up to {MAX_BATCH}, widths up to {MAX_WIDTH}, every scale, edges on "
        f"{100 * EDGE_SHARE:.0f}% of them, seed {args.seed}), and {args.large} large cases of each hw1 gradient id. "
        "On each, the witness that confirms autograd (`numeric_witness`: `vᵀ J u` by Ridders' extrapolation) "
        "against the same product from autograd's Jacobian, over the scale its tolerance is taken against (the "
        "truth's scale times the largest sums of |u| and |v|).", "",
        markdown_table(["cases", "drawn", "probes kept", "worst error", "99.9th percentile", "median",
                        "real error within Ridders' estimate", "settled in the first stage",
                        "model evaluations per witness", "CPU per witness (median)",
                        "elementwise witness's evaluations (≤ 64 elements)"], [*table], "lrrrrrrrrrr"), "",
        f"- Worst error over every probe: {worst:.1e} of the scale, {NUMERIC.rtol / worst if worst else float('inf'):,.0f} "
        f"times inside the witness's tolerance ({NUMERIC.rtol:g}, widened by Ridders' estimate).",
    ]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
