"""The Gradescope autograder zip: the running gradjudge, its pins, the course's rubric, and two scripts.

Gradescope builds one image from the zip, running `setup.sh` once, then starts
one container per submission and runs `run_autograder` in it: that is how a
class of thousands is graded in parallel. The zip holds, at its root:

- `setup.sh` and `run_autograder`, kept beside this module in `gradescope/`;
- `autograder.json`: what the scripts read: the gradjudge version, the
  assignment, the upload rule's settings, the oldest Python the pins install on,
  and whether it may grade under process isolation (`allow_process_isolation`);
- `rubric.toml`: the course's rubric, checked when the zip is made;
- `case-secret`: the course secret every case is derived from (`--case-secret`,
  else the rubric's, else the default one, made on first use), so that the
  cases match the course's own `gradjudge grade` and no student's;
- `requirements-torch.txt` (torch, for PyTorch's CPU index) and
  `requirements.txt` (gradjudge's other dependencies), pinned to the versions
  running here;
- `gradjudge/`: the running gradjudge's source tree as pip installs it (its
  `pyproject.toml`, its readme and its packages), since it is on no package index;
- `packages/`: the assignment's own top-level packages, when they are not
  gradjudge's (a course's `module:ATTRIBUTE`); `run_autograder` puts them on
  `PYTHONPATH`;
- `truths/`: a truths store filled with what every upload meets under the rubric
  (`checks.grading.warming`), so every container starts warm; `run_autograder`
  grades with it.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import re
import stat
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING

import checks
from checks.errors import GradjudgeError
from checks import assignments
from checks.reports.outputs import OutputRefused, check_file_target, write_bytes
from checks.sandbox.files import display

if TYPE_CHECKING:
    from checks.grading.course_secret import Chosen

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SCRIPTS = ("setup.sh", "run_autograder")
CASE_SECRET = "case-secret"
"""The zip member holding the course secret; `run_autograder` passes it to `gradjudge grade --case-secret`."""
"""Kept in `gradescope/` beside this module; executable in the zip."""
TORCH = "torch"
"""Installed by setup.sh from PyTorch's CPU index, not from PyPI (whose torch is a CUDA build)."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp: the same source, rubric and options make the same zip."""


class AutograderRefused(GradjudgeError):
    """The autograder zip cannot be made as asked; the message says what and why."""


@dataclass(frozen=True)
class Autograder:
    """What was written: the zip's settings, the assignment's name, and the points it grades out of."""

    settings: dict
    assignment: str
    max_score: float
    secret: Chosen
    """The course secret written into the zip, the file it came from, and whether that file was made just now."""


DEFAULT_RUBRIC = b"# No course rubric was given: the assignment's default points and gradjudge's defaults.\n"
"""`rubric.toml` in a zip made without --rubric: empty of settings, so every default applies."""


def write_autograder(*, output: Path, rubric: Path | None, assignment: str, submission_name: str | None = None,
                     force: bool = False, allow_process_isolation: bool = False,
                     case_secret: Path | None = None) -> Autograder:
    """Check the target, the options and the rubric, then write the zip at `output`, whole or not at all.

    The cheap checks come first, before the imports that reading a rubric needs. Without a `rubric`, the zip
    grades with the assignment's default points. `allow_process_isolation`: the zip grades even where the image
    gives only process isolation; without it, `run_autograder` refuses to grade there.
    """
    try:
        check_file_target(output, [rubric] if rubric is not None else [])
    except OutputRefused as exc:
        raise AutograderRefused(str(exc)) from None
    if output.exists() and not force:
        raise AutograderRefused(f"{display(output)} exists; pass --force to overwrite it")
    spec = assignments.spec_of(assignment)
    from checks.writeup.isolated import SUFFIXES

    _check_submission_name(submission_name, SUFFIXES)
    from checks.grading import course_secret
    from checks.grading.rubric import RubricError, load
    from checks.keyfiles import KeyFileError

    declared = assignments.load(assignment)
    declared.reference_module()
    try:
        loaded = load(declared, rubric)
        secret = course_secret.choose(loaded, case_secret)
    except RubricError as exc:
        raise AutograderRefused(str(exc)) from None
    except (KeyFileError, OSError) as exc:
        raise AutograderRefused(f"case secret: {exc}") from None
    tree, pyproject = _source_tree()
    packages = _tree_packages(pyproject)
    pins = _pins(pyproject["project"]["dependencies"])
    settings = {"gradjudge": pyproject["project"]["version"], "assignment": spec, "submission_name": submission_name,
                "writeup_suffixes": list(SUFFIXES), "python": _oldest_python(["gradjudge", *pins]),
                "allow_process_isolation": allow_process_isolation}
    members = {name: resources.files("checks.reports").joinpath("autograder_files", name).read_bytes() for name in SCRIPTS}
    members["autograder.json"] = (json.dumps(settings, indent=2) + "\n").encode()
    members["rubric.toml"] = rubric.read_bytes() if rubric is not None else DEFAULT_RUBRIC
    members[CASE_SECRET] = (secret.rubric.secret.key.hex() + "\n").encode()
    members["requirements-torch.txt"] = f"{pins.pop(TORCH)}\n".encode()
    members["requirements.txt"] = "".join(f"{line}\n" for line in pins.values()).encode()
    bundled = [tree / "pyproject.toml", tree / pyproject["project"]["readme"], *(tree / name for name in packages)]
    members.update(_files(tree, bundled, "gradjudge"))
    for location in _assignment_packages(spec, declared.reference, packages):
        members.update(_files(location.parent, [location], "packages"))
    members.update(_truths(declared, secret.rubric, members["rubric.toml"] + members[CASE_SECRET]))
    write_bytes(output, _zipped(members))
    return Autograder(settings, declared.name, loaded.max_score, secret)


def _truths(assignment, rubric, rubric_bytes: bytes) -> dict[str, bytes]:
    """The truths store every container starts warm with (`checks.grading.warming`), as members under `truths/`.

    Its secret is derived from the zip's inputs, so that the same inputs still make the same zip; inside a
    container only the grader can write the store, and a worker sandboxed in namespaces cannot see it.
    """
    from checks.engine.store import SECRET_BYTES, Store, namespace
    from checks.grading.warming import warm

    secret = hashlib.sha256(b"gradjudge truths\0" + namespace(assignment).encode() + b"\0" + rubric_bytes).digest()
    with tempfile.TemporaryDirectory(prefix="gradjudge-truths-") as folder:
        store = Store(Path(folder), secret=secret[:SECRET_BYTES])
        warm(store, assignment, rubric)
        return {f"truths/{name}": data for name, data in store.files().items()}


def _check_submission_name(name: str | None, writeup_suffixes: tuple[str, ...]) -> None:
    if name is None:
        return
    if name in ("", ".", "..") or "/" in name or "\\" in name or name.startswith("."):
        raise AutograderRefused(f"submission_name={name!r}, but it must be the name of a file or folder at the top of "
                                "the upload, such as homework.py, and not start with a dot (hidden names are ignored)")
    if not (name.endswith(".py") or Path(name).suffix.lower() in writeup_suffixes or name.isidentifier()):
        raise AutograderRefused(f"submission_name={name!r}, but it must name a .py file, a write-up "
                                f"({', '.join(writeup_suffixes)}) or a package folder (a Python identifier)")


def _source_tree() -> tuple[Path, dict]:
    """The source tree the running gradjudge is imported from, and its pyproject.toml, checked to be this version."""
    tree = Path(checks.__file__).resolve().parent.parent
    pyproject = tree / "pyproject.toml"
    if not pyproject.is_file():
        raise AutograderRefused(f"gradjudge runs from {display(tree)}, which has no pyproject.toml to bundle: make the "
                                "autograder with gradjudge installed from its checkout (`pip install -e .`)")
    table = tomllib.loads(pyproject.read_text())
    project = table["project"]
    running = metadata.version("gradjudge")
    if (project.get("name"), project.get("version")) != ("gradjudge", running):
        raise AutograderRefused(f"{display(pyproject)} declares {project.get('name')} {project.get('version')}, but "
                                f"gradjudge {running} is running: reinstall it from there (`pip install -e .`)")
    return tree, table


def _tree_packages(pyproject: dict) -> list[str]:
    """The top-level packages pip installs from the tree: those of `[tool.setuptools.packages.find] include`."""
    patterns = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted({pattern.split(".")[0].rstrip("*") for pattern in patterns})


def _pins(dependencies: list[str]) -> dict[str, str]:
    """Each of gradjudge's dependencies installed here, as `name==version` (without a local tag such as `+cpu`)."""
    pins = {}
    for requirement in dependencies:
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group()
        marker = requirement.partition(";")[2].strip()
        try:
            version = metadata.version(name).split("+")[0]
        except metadata.PackageNotFoundError:  # not needed here (its marker is false): gradjudge's own requirement stands
            continue
        pins[name] = f"{name}=={version}" + (f"; {marker}" if marker else "")
    return pins


def _oldest_python(names: list[str]) -> list[int]:
    """The highest `>=` bound of the Requires-Python of the installed distributions `names`, as [major, minor]."""
    bounds = [(3, 0)]
    for name in names:
        for clause in (metadata.metadata(name).get("Requires-Python") or "").split(","):
            found = re.fullmatch(r"\s*>=\s*(\d+)\.(\d+)[.\d]*\s*", clause)
            if found:
                bounds.append((int(found[1]), int(found[2])))
    return list(max(bounds))


def _assignment_packages(spec: str, reference: str, bundled: list[str]) -> list[Path]:
    """The folders (or single modules) of the assignment's and its reference's top-level packages, if not gradjudge's."""
    locations = []
    for top in sorted({spec.partition(":")[0].split(".")[0], reference.split(".")[0]} - set(bundled)):
        found = importlib.util.find_spec(top)
        locations.append(Path(found.submodule_search_locations[0]) if found.submodule_search_locations
                         else Path(found.origin))
    return locations


def _files(base: Path, paths: list[Path], prefix: str) -> dict[str, bytes]:
    """Every file of `paths` (files, or folders walked), named `prefix/<path relative to base>`, caches skipped."""
    found = {}
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            relative = file.relative_to(base)
            if file.is_file() and not any(part == "__pycache__" or part.endswith(".pyc") for part in relative.parts):
                found[f"{prefix}/{relative.as_posix()}"] = file.read_bytes()
    return found


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | (0o755 if name in SCRIPTS else 0o644)) << 16
            archive.writestr(info, members[name])
    return buffer.getvalue()
