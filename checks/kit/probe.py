"""What `gradjudge kit` asks in a separate process: what a declaration imports, and whether a kit loads on its own.

`python -I ... checks.kit.probe trace MODULE` imports MODULE and prints, as
JSON, every module of its top-level package that came with it, with its file.
`... probe load FOLDER SPEC` loads the assignment SPEC from a kit installed in
FOLDER, first on the path, runs its check (the reference is not there to read)
and renders its template; it prints what it found. A problem is printed on
standard error, with exit status 1.
"""
from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path


def trace(module: str) -> dict[str, str]:
    top = module.split(".")[0]
    importlib.import_module(module)
    return {name: found.__file__ for name, found in list(sys.modules.items())
            if (name == top or name.startswith(top + ".")) and getattr(found, "__file__", None)}


def load(folder: str, spec: str) -> dict:
    sys.path.insert(0, folder)
    from checks import assignments
    from checks.engine.validation import validate
    from checks.template import render

    assignment = assignments.declared(spec)
    module = sys.modules[spec.partition(":")[0]]
    if Path(folder).resolve() not in Path(module.__file__).resolve().parents:
        raise RuntimeError(f"{module.__name__} was imported from {module.__file__}, not from the kit")
    if assignment.references_present:
        raise RuntimeError(f"its reference {assignment.reference} is importable beside the kit")
    validate(assignment)
    return {"assignment": assignment.name, "ids": len(assignment.derivations), "catalog": len(assignment.catalog),
            "template": len(render(assignment))}


def main(arguments: list[str]) -> int:
    command, *rest = arguments
    try:
        found = trace(*rest) if command == "trace" else load(*rest)
    except Exception as exc:  # the course's own code, imported here: whatever it raises is the answer
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    json.dump(found, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
