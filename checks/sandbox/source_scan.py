"""Reading a submission's source without running it: syntax, the ids it defines, forbidden
imports, and evident numeric differentiation.

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
    """Top-level functions that evidently differentiate numerically, with what gives them away."""
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
    return SourceScan(frozenset(_bound_names(trees[files.main])), tuple(found), _numeric_differentiation(trees))


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


def _numeric_differentiation(trees: dict[str, ast.Module]) -> dict[str, str]:
    """Top-level functions whose own body, or a function it calls by name, gives numeric differentiation away.

    Only evident cases: a complex step (a complex literal, `complex(...)`, `.imag`),
    or one function called at inputs shifted both up and down by the same step
    (`f(x + h) - f(x - h)`, or an element nudged by `+=`/`-=` between calls).
    """
    functions = {node.name: node for tree in trees.values() for node in tree.body
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    own = {name: _evidence(node) for name, node in functions.items()}
    calls = {name: {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
             for name, node in functions.items()}
    found = {}
    for name in functions:
        seen, stack = set(), [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in functions:
                continue
            seen.add(current)
            if own[current]:
                found[name] = own[current] if current == name else f"{own[current]} (in {current}, which it calls)"
                break
            stack.extend(calls[current])
    return found


def _evidence(function: ast.AST) -> str | None:
    for node in ast.walk(function):
        if isinstance(node, ast.Constant) and isinstance(node.value, complex):
            return "a complex step"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "complex":
            return "a complex step"
        if isinstance(node, ast.Attribute) and node.attr == "imag":
            return "a complex step"
    calls: dict[str, list[list[tuple[str, str | None, str | None]]]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            calls.setdefault(ast.dump(node.func), []).append([_split_shift(arg) for arg in arguments])
    for made in calls.values():
        if any(_shifted_pair(a, b) for index, a in enumerate(made) for b in made[index + 1:]):
            return "one function evaluated at inputs shifted by a step (finite differences)"
    nudged = {node.target.value.id for node in ast.walk(function)
              if isinstance(node, ast.AugAssign) and isinstance(node.op, (ast.Add, ast.Sub))
              and isinstance(node.target, ast.Subscript) and isinstance(node.target.value, ast.Name)}
    for made in calls.values():
        passed = {base for arguments in made for base, op, _ in arguments if op is None}
        if len(made) >= 2 and any(ast.dump(ast.Name(id=name, ctx=ast.Load())) in passed for name in nudged):
            return "one function evaluated again after nudging an element of its input (finite differences)"
    return None


def _split_shift(argument: ast.expr) -> tuple[str, str | None, str | None]:
    """`x + h` as (x, "+", h); anything else as (itself, None, None)."""
    if isinstance(argument, ast.BinOp) and isinstance(argument.op, (ast.Add, ast.Sub)):
        return ast.dump(argument.left), "+" if isinstance(argument.op, ast.Add) else "-", ast.dump(argument.right)
    return ast.dump(argument), None, None


def _shifted_pair(first: list, second: list) -> bool:
    """Two calls whose arguments differ in one place only: `x + h` against `x - h`, or against `x` itself."""
    if len(first) != len(second):
        return False
    differing = [(a, b) for a, b in zip(first, second) if a != b]
    if len(differing) != 1:
        return False
    (base_a, op_a, step_a), (base_b, op_b, step_b) = differing[0]
    if op_a and op_b:
        return base_a == base_b and step_a == step_b and op_a != op_b
    if op_a or op_b:
        return (base_a if op_a else base_b) == (base_b if op_a else base_a)
    return False
