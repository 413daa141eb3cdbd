"""Reading a submission's source without running it: syntax, the ids it defines, forbidden imports."""
from __future__ import annotations

import ast
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path


_PARSING = threading.Lock()
"""CPython 3.11's parser is not thread-safe ("AST constructor recursion depth mismatch" when
many threads parse at once, as the grading probe does), and `warnings` filters are global."""


@dataclass(frozen=True)
class ForbiddenImport:
    module: str
    file: str
    line: int

    def describe(self) -> str:
        return f"imports {self.module} ({self.file}, line {self.line})"


@dataclass(frozen=True)
class SourceScan:
    defined: frozenset[str] = frozenset()
    """Top-level names the submission binds (for a package: those its `__init__.py` binds)."""
    forbidden: tuple[ForbiddenImport, ...] = ()
    problem: str | None = None
    """Why the source cannot be loaded at all: missing, not Python, or a syntax error."""
    files: tuple[Path, ...] = field(default=(), repr=False)


def scan(path: Path, forbidden: frozenset[str]) -> SourceScan:
    if not path.exists():
        return SourceScan(problem=f"{path} does not exist")
    if path.is_dir():
        init = path / "__init__.py"
        if not init.is_file():
            return SourceScan(problem=f"{path} is a folder without __init__.py, not a package")
        files = tuple(sorted(path.rglob("*.py")))
        main = init
        allowed = forbidden - {path.name}
    elif path.suffix == ".py":
        files, main, allowed = (path,), path, forbidden
    else:
        return SourceScan(problem=f"{path} is not a .py file or a package folder")
    trees = {}
    for file in files:
        try:
            with _PARSING, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                trees[file] = ast.parse(file.read_text(encoding="utf-8", errors="replace"), filename=str(file))
        except SyntaxError as exc:
            return SourceScan(problem=f"SyntaxError: {exc.msg} ({file.name}, line {exc.lineno})", files=files)
    found = tuple(hit for file, tree in trees.items() for hit in _forbidden_imports(tree, file.name, allowed))
    return SourceScan(frozenset(_bound_names(trees[main])), found, None, files)


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


def _forbidden_imports(tree: ast.Module, file: str, forbidden: frozenset[str]):
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
                yield ForbiddenImport(module.partition(".")[0], file, node.lineno)


def _is_dynamic_import(function: ast.expr) -> bool:
    """`__import__(...)` and `importlib.import_module(...)`."""
    if isinstance(function, ast.Name):
        return function.id in ("__import__", "import_module")
    return isinstance(function, ast.Attribute) and function.attr in ("__import__", "import_module")
