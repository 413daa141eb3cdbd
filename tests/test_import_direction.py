"""One direction of import: declarations know nothing of the engine; the engine reads declarations.

Read from the source (every `import` statement, at any depth, type-checking
blocks included), not from what happens to be loaded: everything
`checks.declare` reaches must stay outside the engine's packages and modules,
and a shipped assignment imports from `checks` only through `checks.declare`.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ("checks.engine", "checks.grading", "checks.sandbox", "checks.reports", "checks.writeup", "checks.cli",
          "checks.assignments", "checks.pytest_plugin", "checks.template", "checks.tags")
"""What reads declarations: the engine, grading, the sandbox, reports, write-ups and the front ends."""
PUBLIC = "checks.declare"


def _path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported(path: Path, package: str) -> set[str]:
    """Every module an import statement of the file names, relative imports resolved against `package`."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if _path(f"{base}.{alias.name}")}
    return found


def reached_from(start: str) -> set[str]:
    """The `checks` modules `start` imports, directly or through others."""
    seen, pending = set(), [start]
    while pending:
        module = pending.pop()
        if module in seen or _path(module) is None:
            continue
        seen.add(module)
        path = _path(module)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        pending += [name for name in imported(path, package) if name.startswith("checks")]
    return seen


def _in_engine(module: str) -> bool:
    return any(module == part or module.startswith(part + ".") for part in ENGINE)


def test_the_declarations_reach_nothing_of_the_engine():
    reached = reached_from(PUBLIC)
    assert {"checks.assignment", "checks.sizes", "checks.model", "checks.lazy"} <= reached
    assert sorted(module for module in reached if _in_engine(module)) == []


def test_a_shipped_assignment_imports_from_checks_only_through_the_public_module():
    offending = {}
    for path in sorted((ROOT / "derivations").rglob("*.py")):
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
        names = {name for name in imported(path, package) if name.split(".")[0] == "checks"}
        if names - {PUBLIC}:
            offending[str(path.relative_to(ROOT))] = sorted(names - {PUBLIC})
    assert offending == {}


def test_the_check_sees_an_engine_import_at_any_depth(tmp_path):
    source = tmp_path / "declaration.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from checks.engine.cases import Case\n"
                      "def f():\n    import checks.grading.diagnosis\n")
    assert {"checks.engine.cases", "checks.grading.diagnosis"} <= imported(source, "tmp")
    assert all(_in_engine(name) for name in ("checks.engine.cases", "checks.grading.diagnosis"))
