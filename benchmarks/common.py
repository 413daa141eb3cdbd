"""What the benchmark scripts share: where they write, provenance, tables, and a check that the engine's API
still has what they call.

Each script writes its results between its own pair of markers in
docs/benchmarks.md (`<!-- NAME:start -->` ... `<!-- NAME:end -->`) and touches
nothing outside them.
"""
from __future__ import annotations

import datetime
import inspect
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC = ROOT / "docs" / "benchmarks.md"


def python_path_environment() -> dict[str, str]:
    """This process's environment with the repository first on PYTHONPATH: a subprocess imports this checkout's
    `checks`, whichever one an installed gradjudge points at."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def require_keywords(function: Callable, *keywords: str) -> None:
    """Fail at import, naming what changed, if `function` no longer takes `keywords` (engine API drift)."""
    parameters = inspect.signature(function).parameters
    missing = [keyword for keyword in keywords if keyword not in parameters]
    if missing:
        raise SystemExit(f"{Path(sys.argv[0]).name}: {function.__module__}.{function.__qualname__} no longer takes "
                         f"{', '.join(missing)} (it takes {', '.join(parameters)}); port this benchmark to the new API")


def commit() -> str:
    """The short commit, marked when checks/ or derivations/ have uncommitted changes."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "checks", "derivations"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes under checks/ or derivations/" if dirty else "")


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> dict[str, str]:
    model = "unknown"
    mem_kb = 0
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), platform.processor() or "unknown")
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
    except (OSError, StopIteration):
        pass
    return {"cpu": f"{os.cpu_count()} cores ({len(os.sched_getaffinity(0))} usable), {model}",
            "ram": f"{mem_kb / 2**20:.1f} GiB", "python": f"Python {platform.python_version()}",
            "system": f"{platform.system()} {platform.release()}"}


def load_average() -> float:
    return os.getloadavg()[0]


def markdown_table(headers: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" * len(headers)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(cell).replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:start -->", f"<!-- {name}:end -->"


def write_section(name: str, section: str, *, replacing: str | None = None, doc: Path = DOC) -> None:
    """Put `section` between the `name` markers of `doc`, and change nothing outside them.

    Where the markers are missing: in place of the `replacing` markers' region if
    there is one (a section renamed), else appended at the end.
    """
    start, end = markers(name)
    doc.parent.mkdir(exist_ok=True)
    text = doc.read_text() if doc.exists() else ""
    block = f"{start}\n{section.strip()}\n{end}"
    if start in text or end in text:
        if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
            raise SystemExit(f"{doc}: expected exactly one {start} ... {end} region; not touching it")
        before, rest = text.split(start, 1)
        doc.write_text(before + block + rest.split(end, 1)[1])
        return
    if replacing is not None:
        old_start, old_end = markers(replacing)
        if text.count(old_start) == 1 and text.count(old_end) == 1 and text.index(old_start) < text.index(old_end):
            before, rest = text.split(old_start, 1)
            doc.write_text(before + block + rest.split(old_end, 1)[1])
            return
    doc.write_text(text.rstrip() + ("\n\n" if text.strip() else "") + block + "\n")


def where(filename: str, line: int, name: str) -> str:
    """A profiled function, named by its path from the package that holds it: `checks/engine/check.py:115(check_cases)`."""
    if filename == "~":
        return name  # a builtin, e.g. <built-in method torch.cat>
    path = Path(filename)
    for anchor in ("checks", "benchmarks", "derivations", "torch", "numpy", "hypothesis"):
        if anchor in path.parts:
            index = len(path.parts) - 1 - path.parts[::-1].index(anchor)
            return f"{'/'.join(path.parts[index:])}:{line}({name})"
    return f"{path.name}:{line}({name})"


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    if ratio < 10:
        return f"{ratio:.2g}×"
    return f"{ratio:.1f}×" if ratio < 100 else f"{ratio:.0f}×"


def fmt_mb(mb: float | None) -> str:
    return "—" if mb is None else f"{mb:,.0f} MB"
