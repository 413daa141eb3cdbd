"""Reading a submission's source without running it: syntax, the ids it defines, forbidden
imports, and evident numeric differentiation (`numeric_evidence`).

The scan runs in the grader, on sources `files.collect` has already capped in size,
and treats them as hostile: whatever the parser raises on a pathological source
(a `SyntaxError`, a `RecursionError` on a chain of 100,000 additions, a
`MemoryError`, a `ValueError` on null bytes) becomes the submission's load error.
Its verdict on imports is the one grading uses; the worker's own import guard
only explains a refusal inside one call.
"""
from __future__ import annotations

import ast
import threading
import warnings
from dataclasses import dataclass, field

from checks.sandbox import numeric_evidence
from checks.sandbox.files import SubmissionFiles

_PARSING = threading.Lock()
"""CPython 3.11's parser is not thread-safe ("AST constructor recursion depth mismatch" when
many threads parse at once, as the grading probe does), and `warnings` filters are global."""


@dataclass(frozen=True)
class ForbiddenImport:
    module: str
    file: str
    line: int
    statement: str = ""
    """The line as written, to say which line to delete."""

    def describe(self) -> str:
        shown = f": `{self.statement}`" if self.statement else ""
        return f"imports {self.module} ({self.file}, line {self.line}{shown})"


@dataclass(frozen=True)
class SourceScan:
    defined: frozenset[str] = frozenset()
    """Top-level names the submission binds (for a package: those its `__init__.py` binds)."""
    forbidden: tuple[ForbiddenImport, ...] = ()
    numeric: dict[str, str] = field(default_factory=dict)
    """Module-level names (functions, classes, assigned names) that evidently differentiate numerically, or use one
    that does, with what gives them away."""
    numeric_everywhere: str | None = None
    """Evidence of numeric differentiation that counts for every id: a number type of its own anywhere in the
    submission, or numeric differentiation run on import."""
    problem: str | None = None
    """Why the source cannot be loaded at all: a syntax error, or a source the parser cannot take."""


def scan(files: SubmissionFiles, forbidden: frozenset[str], *, own_name_allowed: bool) -> SourceScan:
    """Parse the sources the submission imports; `own_name_allowed` lets a package be named like a forbidden module.

    For a package, those are `__init__.py` and the modules it imports, of its own,
    transitively: the ones that run. Only a sandbox without the real module may
    allow a forbidden name: in a plain process, a package named `torch` could
    extend its own `__path__` to the real one.
    """
    sources = dict(files.sources)
    trees: dict[str, ast.Module] = {}
    pending = [files.main]
    while pending:
        relative = pending.pop()
        if relative in trees:
            continue
        try:
            with _PARSING, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trees[relative] = ast.parse(sources[relative], filename=relative)
        except SyntaxError as exc:
            return SourceScan(problem=f"SyntaxError: {exc.msg} ({relative}, line {exc.lineno})")
        except (RecursionError, MemoryError, ValueError) as exc:
            return SourceScan(problem=f"{relative} cannot be parsed: {type(exc).__name__} ({str(exc)[:200]})")
        if files.package:
            pending += [found for found in _own_imports(trees[relative], relative, files.name) if found in sources]
        elif len(sources) > 1:
            pending += [found for found in _module_imports(trees[relative], relative) if found in sources]
    allowed = forbidden - {files.name} if files.package else forbidden
    found = [hit for relative, tree in trees.items() for hit in _forbidden_imports(tree, relative, allowed,
                                                                                   sources[relative])]
    if files.package and files.name in forbidden and not own_name_allowed:
        found.insert(0, ForbiddenImport(files.name, "the package's own name", 0))
    try:
        evidence = numeric_evidence.find({**trees, **_unimported(sources, trees)})
    except RecursionError:
        return SourceScan(problem="its expressions are nested too deeply to be read (RecursionError); "
                                  "split the longest expression into named steps")
    return SourceScan(frozenset(_bound_names(trees[files.main])), tuple(found), evidence.by_name, evidence.everywhere)


def _unimported(sources: dict[str, bytes], imported: dict[str, ast.Module]) -> dict[str, ast.Module]:
    """The sources no import names, parsed where they parse: a module loaded by a computed name is read too."""
    trees = {}
    for relative, source in sources.items():
        if relative in imported:
            continue
        try:
            with _PARSING, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trees[relative] = ast.parse(source, filename=relative)
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            continue
    return trees


def _own_imports(tree: ast.Module, relative: str, package: str) -> list[str]:
    """The files of the package that `tree` may import: its relative imports, and absolute ones of its own name."""
    here = relative.split("/")[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            modules = [here[:len(here) - node.level + 1] + (node.module.split(".") if node.module else [])]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == package:
            modules = [node.module.split(".")[1:]]
        elif isinstance(node, ast.Import):
            modules = [alias.name.split(".")[1:] for alias in node.names if alias.name.split(".")[0] == package]
        else:
            continue
        if isinstance(node, ast.ImportFrom):
            modules += [modules[0] + [alias.name] for alias in node.names]
        for parts in modules:
            found += ["/".join([*parts[:depth], "__init__.py"]) for depth in range(len(parts) + 1)]
            found += ["/".join(parts) + ".py"] if parts else []
    return found


def _module_imports(tree: ast.Module, relative: str) -> list[str]:
    """The files beside `relative` that `tree` may import by absolute name (a hand-in's modules import each other)."""
    here = relative.split("/")[:-1]
    found = []
    for node in ast.walk(tree):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
        for name in names:
            parts = name.split(".")
            found += ["/".join([*here, *parts]) + ".py", "/".join([*here, *parts, "__init__.py"])]
    return found


def _bound_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _forbidden_imports(tree: ast.Module, file: str, forbidden: frozenset[str], source: bytes = b""):
    lines = source.decode("utf-8-sig", errors="replace").splitlines()
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                modules = [first.value]
        for module in modules:
            if module.partition(".")[0] in forbidden:
                statement = lines[node.lineno - 1].strip()[:120] if 0 < node.lineno <= len(lines) else ""
                yield ForbiddenImport(module.partition(".")[0], file, node.lineno, statement)


def _is_dynamic_import(function: ast.expr) -> bool:
    """`__import__(...)` and `importlib.import_module(...)`."""
    if isinstance(function, ast.Name):
        return function.id in ("__import__", "import_module")
    return isinstance(function, ast.Attribute) and function.attr in ("__import__", "import_module")
