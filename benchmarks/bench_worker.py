"""One measurement of `vs_gradcheck.py`, in its own process.

    python benchmarks/bench_worker.py [--mem-gb 8] JOB_JSON

(started by vs_gradcheck.py; not meant to be run by hand).

The address space is capped (RLIMIT_AS) before torch is imported, so an
out-of-memory run ends here, not on the machine. Every event is printed at once
as one line `EVENT {json}`, so that the parent still has the cases that finished
when it kills this process at its timeout. Each process starts with an empty
truths cache (`checks.engine.truths.TRUTHS`), which is what a first submission
meets.

Jobs (the JSON's "task"):
- "gradcheck": time `torch.autograd.gradcheck` on the reference closed form of
  one id, on several seeds of one size, in slow or fast mode;
- "gradcheck_detect": run gradcheck (both modes, default tolerances) on a list of
  (catalog variant, size, seed) items and report each verdict;
- "ours": for one id, `check_case` (verify mode: every case witnessed) per
  case, nothing cached; then per size and repeat, on seeds not met before: the
  physical limit per case, `check_cases` on the same cases under the grading
  witness policy (SAMPLED), first with nothing cached (a first submission), then
  again (a later one), and once more on other seeds with the witness never due;
  and the same for the shipped rubric's own case stream;
- "ours_memory": one `check_case` on one case; report the peak resident set;
- "profile": cProfile of one of the above measurements, summarised.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for _path in (str(HERE), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

TASKS = ("gradcheck", "gradcheck_detect", "ours", "ours_memory", "profile")
WARMUP_SEED = 99
NO_WITNESS_OFFSET = 10_000
"""The witness-free run of a repeat uses these seeds plus this: cases of the size not met before."""


def emit(event: str, **fields) -> None:
    print("EVENT " + json.dumps({"event": event, "t": time.monotonic(), **fields}), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident set (VmHWM), in MB.

    Not `getrusage(RUSAGE_SELF).ru_maxrss`: Linux carries a parent's high-water
    mark across fork and exec into it, so a worker started by a 1 GB parent would
    report at least 1 GB whatever it does itself.
    """
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def is_out_of_memory(exc: BaseException) -> bool:
    return isinstance(exc, MemoryError) or "allocate" in str(exc) or "out of memory" in str(exc).lower()


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        print(f"tasks: {', '.join(TASKS)}")
        _imports()  # so that an engine change that breaks this worker's imports fails here, not mid-benchmark
        return 0
    mem_gb = None
    if argv[:1] == ["--mem-gb"]:
        mem_gb, argv = float(argv[1]), argv[2:]
    job = json.loads(argv[0])
    if mem_gb is not None:
        limit = int(mem_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    warnings.simplefilter("ignore")
    import torch  # (after the cap)

    torch.set_num_threads(job.get("threads", 1))

    emit("ready", maxrss_mb=peak_rss_mb())
    jobs = {"gradcheck": gradcheck_job, "gradcheck_detect": detect_job, "ours": ours_job,
            "ours_memory": ours_memory_job, "profile": profile_job}
    jobs[job["task"]](job)
    emit("finished", maxrss_mb=peak_rss_mb())
    return 0


def _imports():
    """Everything the jobs use, imported (after the memory cap, in a real job)."""
    from checks.engine import witnessing
    from checks.engine.check import check_case, check_cases
    from checks.engine.profiles import private_storage
    from checks.engine.properties import case_stream
    from checks.engine.submission import reference
    from checks.grading import rubric
    import gradcheck_wrapping

    return witnessing, check_case, check_cases, private_storage, case_stream, reference, rubric, gradcheck_wrapping


# --------------------------------------------------------------------------- gradcheck


def run_gradcheck(entry, function, size: str, seed: int, fast_mode: bool) -> tuple[bool, float]:
    """Wrap, then gradcheck with its default tolerances; the time includes evaluating the case, as ours does."""
    import torch

    from gradcheck_wrapping import make_case, wrap

    start = time.perf_counter()
    f, w = wrap(entry, function, make_case(entry.context, size, seed))
    ok = torch.autograd.gradcheck(f, (w,), fast_mode=fast_mode, raise_exception=False)
    return bool(ok), time.perf_counter() - start


def gradcheck_job(job: dict) -> None:
    from gradcheck_wrapping import COUNTS, assignment

    found = assignment()
    entry = found.by_id[job["id"]]
    function = getattr(found.reference_module(), job["id"])
    if job.get("warmup"):
        run_gradcheck(entry, function, "small", WARMUP_SEED, job["fast_mode"])
    COUNTS.listener = lambda counts: emit("progress", forward=counts.forward, backward=counts.backward)
    for seed in job["seeds"]:
        COUNTS.reset()
        emit("start", seed=seed)
        begun = time.perf_counter()
        try:
            passed, seconds = run_gradcheck(entry, function, job["size"], seed, job["fast_mode"])
        except BaseException as exc:  # noqa: BLE001  (an allocation failure under the cap is the expected end)
            kind = "oom" if is_out_of_memory(exc) else "raised"
            emit(kind, seed=seed, seconds=time.perf_counter() - begun, forward=COUNTS.forward,
                 backward=COUNTS.backward, error=f"{type(exc).__name__}: {str(exc)[:300]}")
            if kind == "oom":
                return
            continue
        emit("done", seed=seed, seconds=seconds, passed=passed, forward=COUNTS.forward, backward=COUNTS.backward,
             maxrss_mb=peak_rss_mb())


def detect_job(job: dict) -> None:
    from gradcheck_wrapping import NotExpressible, assignment, output_node

    found = assignment()
    by_name = {variant.name: variant for variant in found.catalog}
    module = found.reference_module()
    for item in job["items"]:
        if item.get("variant"):  # a catalog variant
            variant = by_name[item["variant"]]
            name, entry, function = variant.name, found.by_id[variant.id], variant.function
        else:  # the control: the reference closed form of an id
            name, entry = f"reference:{item['id']}", found.by_id[item["id"]]
            function = getattr(module, item["id"])
        for fast_mode in (False, True):
            fields = dict(name=name, size=item["size"], seed=item["seed"], mode="fast" if fast_mode else "slow")
            try:
                output_node(entry)
                passed, seconds = run_gradcheck(entry, function, item["size"], item["seed"], fast_mode)
            except NotExpressible as exc:
                emit("verdict", status="n/a", detail=str(exc), **fields)
            except BaseException as exc:  # noqa: BLE001  (e.g. autograd refusing a gradient of the wrong shape)
                emit("verdict", status="raised", detail=f"{type(exc).__name__}: {str(exc)[:200]}", **fields)
            else:
                emit("verdict", status="passed" if passed else "failed", seconds=seconds, **fields)


# --------------------------------------------------------------------------- this project


def _setup(id: str):
    """The assignment, the id's entry, the reference as the submission and its function; the truths cache told that
    this id alone is checked (as for a submission that attempts only it), and no truths store attached."""
    from checks.engine.profiles import private_storage
    from checks.engine.submission import reference
    from checks.engine.truths import TRUTHS
    from gradcheck_wrapping import assignment

    private_storage()  # hypothesis writes nothing into the repository
    found = assignment()
    TRUTHS.know([found.by_id[id]])
    return found, found.by_id[id], reference(found), getattr(found.reference_module(), id)


def _warm_up(entry, submission, function) -> None:
    """One untimed small case through every code path timed later (first-call overheads of torch and numpy)."""
    from checks.engine.check import check_case
    from gradcheck_wrapping import make_case, physical_limit

    check_case(entry, make_case(entry.context, "small", WARMUP_SEED), submission)
    physical_limit(entry, function, make_case(entry.context, "small", WARMUP_SEED + 1))


def _warm_up_size(entry, submission, function, size: str) -> None:
    """One untimed case of `size` through the physical limit and a sampled check (it is witnessed, as the first
    case of its dims): the first large allocations land here, in neither measurement."""
    from gradcheck_wrapping import make_case, physical_limit

    physical_limit(entry, function, make_case(entry.context, size, WARMUP_SEED + 2))
    _sampled_run(entry, [make_case(entry.context, size, WARMUP_SEED + 3)], submission)


def _sampled_run(entry, cases, submission) -> dict:
    """`check_cases` over `cases` in one request under the grading witness policy, as grading calls it."""
    from checks.engine import witnessing
    from checks.engine.check import check_cases

    start = time.perf_counter()
    results = check_cases(entry, cases, submission, witness=witnessing.policy(witnessing.SAMPLED))
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "n": len(results), "witnessed": sum(bool(getattr(r, "witnessed", 0)) for r in results),
            "passed": sum(r.passed for r in results), "evaluations": sum(getattr(r, "evaluations", 0) for r in results),
            "dims": len({case.dims for case in cases})}


def _without_witness(entry, cases, submission) -> dict:
    """`check_cases` with the witness never due: what the truths and the comparison cost alone."""
    from checks.engine.check import check_cases

    start = time.perf_counter()
    results = check_cases(entry, cases, submission, witness=lambda case, agrees: False)
    return {"seconds": time.perf_counter() - start, "n": len(results), "passed": sum(r.passed for r in results)}


def ours_job(job: dict) -> None:
    """Verify mode on its seeds (nothing cached), then per repeat and size: the physical limit, grading's defaults
    for a first and a later submission, and without the witness, each repeat on seeds not met before."""
    from checks.engine.check import check_case
    from gradcheck_wrapping import make_case, physical_limit

    found, entry, submission, function = _setup(job["id"])
    _warm_up(entry, submission, function)
    for size, seeds in job.get("verify", {}).items():
        for seed in seeds:
            case = make_case(entry.context, size, seed)
            start = time.perf_counter()
            result = check_case(entry, case, submission)
            seconds = time.perf_counter() - start
            # The witness's evaluations, plus the forward pass that evaluates the case and the one autograd
            # differentiates.
            emit("verify", size=size, seed=seed, seconds=seconds, passed=result.passed,
                 forward=getattr(result, "evaluations", 0) + 2, probes=getattr(result, "probes", 0),
                 discarded=getattr(result, "discarded", 0))
    for size in job.get("grading", {}):
        _warm_up_size(entry, submission, function, size)
    for size, repeats in job.get("grading", {}).items():
        for repeat, seeds in enumerate(repeats):
            physical = [physical_limit(entry, function, make_case(entry.context, size, seed)) for seed in seeds]
            emit("physical", size=size, repeat=repeat, seeds=seeds, phases=physical)
            first = _sampled_run(entry, [make_case(entry.context, size, seed) for seed in seeds], submission)
            emit("first", size=size, repeat=repeat, **first)
            later = _sampled_run(entry, [make_case(entry.context, size, seed) for seed in seeds], submission)
            emit("later", size=size, repeat=repeat, **later)
            others = [seed + NO_WITNESS_OFFSET for seed in seeds]
            bare = _without_witness(entry, [make_case(entry.context, size, seed) for seed in others], submission)
            emit("no_witness", size=size, repeat=repeat, **bare)
    if job.get("stream"):
        from checks.engine.properties import case_stream
        from checks.grading.rubric import load

        stream = list(case_stream(entry.context, load(found).profile))
        physical = [physical_limit(entry, function, _fresh(case)) for case in stream]
        emit("physical", size="stream", repeat=0, phases=physical)
        emit("first", size="stream", repeat=0, **_sampled_run(entry, [_fresh(case) for case in stream], submission))
        emit("later", size="stream", repeat=0, **_sampled_run(entry, [_fresh(case) for case in stream], submission))


def _fresh(case):
    """The same case as a new object, its leaves not drawn yet (every method draws them inside its timing)."""
    from dataclasses import replace

    return replace(case)


def ours_memory_job(job: dict) -> None:
    from checks.engine.check import check_case
    from gradcheck_wrapping import make_case

    found, entry, submission, _ = _setup(job["id"])
    baseline = peak_rss_mb()
    result = check_case(entry, make_case(entry.context, job["size"], job["seed"]), submission)
    emit("memory", baseline_mb=baseline, maxrss_mb=peak_rss_mb(), passed=result.passed, seconds=result.seconds)


def profile_job(job: dict) -> None:
    """cProfile of one measurement ("first": check_cases under SAMPLED, nothing cached; "verify": check_case on
    each case), summarised as the functions that take the most time, cumulative and own."""
    import cProfile
    import pstats

    from checks.engine.check import check_case
    from common import where
    from gradcheck_wrapping import make_case

    found, entry, submission, function = _setup(job["id"])
    _warm_up(entry, submission, function)
    if job["mode"] == "first":
        _warm_up_size(entry, submission, function, job["size"])
    cases = [make_case(entry.context, job["size"], seed) for seed in job["seeds"]]
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    if job["mode"] == "first":
        _sampled_run(entry, cases, submission)
    else:
        for case in cases:
            check_case(entry, case, submission)
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler).stats
    total = max(ct for (_, _, _, ct, _) in stats.values()) or wall
    rows = []
    for (filename, line, name), (_, calls, own, cumulative, _) in stats.items():
        rows.append({"where": where(filename, line, name), "ours": "/checks/" in filename or "/benchmarks/" in filename,
                     "calls": calls, "own": own, "cumulative": cumulative})
    emit("profile", id=job["id"], size=job["size"], mode=job["mode"], cases=len(cases), wall=wall, total=total,
         cumulative=sorted((r for r in rows if r["ours"]), key=lambda r: -r["cumulative"])[:40],
         own=sorted(rows, key=lambda r: -r["own"])[:15])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
