"""One measurement of `vs_gradcheck.py`, in its own process.

    python benchmarks/bench_worker.py [--mem-gb 8] JOB_JSON

(started by vs_gradcheck.py; not meant to be run by hand).

The address space is capped (RLIMIT_AS) before torch is imported, so an
out-of-memory run ends here, not on the machine. Every event is printed at once
as one line `EVENT {json}`, so that the parent still has the cases that finished
when it kills this process at its timeout.

Jobs (the JSON's "task"):
- "gradcheck": time `torch.autograd.gradcheck` on the reference closed form of
  one id, on several seeds of one size, in slow or fast mode;
- "gradcheck_detect": run gradcheck (both modes, default tolerances) on a list of
  (catalog variant, size, seed) items and report each verdict;
- "ours_memory": one `check_case` on one case; report the peak resident set.
"""
from __future__ import annotations

import json
import resource
import sys
import time
import warnings


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
    {"gradcheck": gradcheck_job, "gradcheck_detect": detect_job, "ours_memory": ours_memory_job}[job["task"]](job)
    emit("finished", maxrss_mb=peak_rss_mb())
    return 0


def run_gradcheck(entry, function, size: str, seed: int, fast_mode: bool) -> tuple[bool, float]:
    """Wrap, then gradcheck with its default tolerances; the time includes evaluating the case, as ours does."""
    import torch

    from gradcheck_wrapping import make_case, wrap

    start = time.perf_counter()
    f, w = wrap(entry, function, make_case(entry.context, size, seed))
    ok = torch.autograd.gradcheck(f, (w,), fast_mode=fast_mode, raise_exception=False)
    return bool(ok), time.perf_counter() - start


def gradcheck_job(job: dict) -> None:
    import derivations
    from checks.registry import BY_ID
    from gradcheck_wrapping import COUNTS

    entry = BY_ID[job["id"]]
    function = getattr(derivations, job["id"])
    if job.get("warmup"):
        run_gradcheck(entry, function, "small", 99, job["fast_mode"])
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
    import derivations
    from checks.catalog import BY_NAME
    from checks.registry import BY_ID
    from gradcheck_wrapping import NotExpressible, output_node

    for item in job["items"]:
        if item.get("variant"):  # a catalog variant
            variant = BY_NAME[item["variant"]]
            name, entry, function = variant.name, BY_ID[variant.id], variant.function
        else:  # the control: the reference closed form of an id
            name, entry = f"reference:{item['id']}", BY_ID[item["id"]]
            function = getattr(derivations, item["id"])
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


def ours_memory_job(job: dict) -> None:
    from checks.check import check_case
    from checks.registry import BY_ID
    from checks.submission import reference
    from gradcheck_wrapping import make_case

    entry = BY_ID[job["id"]]
    submission = reference()
    baseline = peak_rss_mb()
    result = check_case(entry, make_case(entry.context, job["size"], job["seed"]), submission)
    emit("memory", baseline_mb=baseline, maxrss_mb=peak_rss_mb(), passed=result.passed, seconds=result.seconds)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
