"""Building a kit: check the target and the assignment, choose the files, scan them, try the wheel, then write it."""
from __future__ import annotations

import io
import json
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from checks import assignments
from checks.kit import contents, scan, wheel
from checks.kit.errors import KitRefused
from checks.reports.outputs import OutputRefused, check_file_target, check_folder_target, write_bytes
from checks.sandbox import children
from checks.sandbox.files import display

PROBE = "checks.kit.probe"
PROBE_SECONDS = 300.0


@dataclass(frozen=True)
class Kit:
    """What was written: the wheel, the name students use, the files inside, and the staff's modules left out."""

    wheel: Path
    assignment: str
    files: tuple[str, ...]
    left_out: tuple[str, ...]


def build_kit(*, assignment: str, output: Path, force: bool = False) -> Kit:
    """The kit of `assignment` (a registered name or `module:ATTRIBUTE`), as a wheel in the folder `output`."""
    spec = assignments.spec_of(assignment)
    module = spec.partition(":")[0]
    top = module.split(".")[0]
    name = assignment if assignment in assignments.known() else assignments.declared(assignment).name
    distribution, version = f"{top}-kit" if name == top else f"{top}-{name}-kit", _version(top)
    target = output / wheel.file_name(distribution, version)
    try:
        check_folder_target(output, [])
        if output.is_dir():
            check_file_target(target, [])
    except OutputRefused as exc:
        raise KitRefused(str(exc)) from None
    if target.exists() and not force:
        raise KitRefused(f"{display(target)} exists; pass --force to overwrite it")
    _refuse_gradjudges_own(top, name)
    declared = assignments.load(assignment)
    declared.reference_module()
    chosen = contents.select(declared, module, _probe("trace", module))
    files = {path: file.read_bytes() for path, file in chosen.files.items()}
    found = scan.findings(files, declared)
    if found:
        raise KitRefused("the kit would give answers away, so it was not written:\n  " + "\n  ".join(found))
    data = wheel.build(name=distribution, version=version, files=files,
                       summary=f"{declared.title}: the assignment without its answers, for gradjudge",
                       requires=[f"gradjudge>={metadata.version('gradjudge')}"],
                       entry_points={assignments.GROUP: {name: spec}})
    with tempfile.TemporaryDirectory(prefix="gradjudge-kit-") as folder:
        zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
        _probe("load", folder, spec, failing=f"{name} does not load from its kit, which leaves out "
                                            f"{', '.join(chosen.left_out)}: the declaration may name them "
                                            "(reference=\"MODULE\", catalog=\"MODULE:ATTRIBUTE\") but not import them")
    output.mkdir(exist_ok=True)
    write_bytes(target, data)
    return Kit(target, name, tuple(sorted(files)), chosen.left_out)


def _refuse_gradjudges_own(top: str, name: str) -> None:
    """The built-in assignments' references ship with gradjudge itself: there is nothing to leave out."""
    if "gradjudge" in metadata.packages_distributions().get(top, []):
        raise KitRefused(f"{name} is one of gradjudge's own assignments, whose reference ships with gradjudge; a kit "
                         "is made from a course's own package (see docs/assignments.md, \"A student kit\")")


def _probe(*arguments: str, failing: str = "its declaration does not import") -> dict:
    done = subprocess.run(children.command(PROBE, arguments), cwd=children.private_folder(), capture_output=True,
                          text=True, timeout=PROBE_SECONDS)
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise KitRefused(f"{failing}: {reason}")
    return json.loads(done.stdout)


def _version(top: str) -> str:
    """The version of the distribution that installs `top`, if one does; else 0."""
    for distribution in metadata.packages_distributions().get(top, []):
        return metadata.version(distribution)
    return "0"
