"""Whether a kit's files hold any answer: the built files are read back and searched, whatever put them there.

An answer can hide in a kit as the reference's own file, a compiled file, a
function's source or bytecode, or a mapping from a name to its formula (a
docstring's formula, or the expression a closed form returns, written out in a
table or a string). Each reference function (every function of the reference
module and below), and each catalog entry (its function's source and its hint),
is looked for in every file in each of those forms; a secret by its name.
"""
from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import ModuleType

from checks.assignment import Assignment
from checks.kit.contents import within

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

SECRET = re.compile(r"secret|pseudonym|(^|[/._-])keys?($|[/._-])", re.IGNORECASE)
"""A file name, or a TOML key, that looks like a secret: a course's case secret or a pseudonym key."""
SHORTEST_TEXT = 10
"""Shorter sources and formulas than this (squeezed of spaces) are not searched for: too common to mean anything."""
SHORTEST_CODE = 16
"""Bytecode shorter than this is not searched for."""
SMALLEST_EXPRESSION = 4
"""Returned expressions of fewer AST nodes than this (`dy * M`) are not searched for."""


@dataclass(frozen=True)
class Answer:
    """One form of one answer: what it is, and how it would look in a file."""

    label: str
    text: str = ""
    """Squeezed of white space; searched for in every file, squeezed alike."""
    code: bytes = b""
    """Searched for in every file's bytes."""
    expression: str = ""
    """An `ast.dump`; searched for among the expressions of every Python file (as `text` also holds it written out,
    for a table or a string)."""


def findings(members: Mapping[str, bytes], assignment: Assignment) -> list[str]:
    """Every answer or secret found in the kit's files (by path inside it), each as `path: what`."""
    answers = [*_reference_answers(assignment), *_catalog_answers(assignment), *_staff_keys()]
    found = []
    for name, data in sorted(members.items()):
        found += [f"{name}: {what}" for what in _named_wrongly(name, assignment)]
        text = data.decode("utf-8", errors="replace")
        squeezed = _squeezed(text)
        expressions = _expressions(text) if name.endswith(".py") else set()
        for answer in answers:
            if ((answer.text and answer.text in squeezed) or (answer.code and answer.code in data)
                    or (answer.expression and answer.expression in expressions)):
                found.append(f"{name}: {answer.label}")
        if name.endswith(".toml"):
            found += [f"{name}: a key named like a secret, {key!r}" for key in _secret_keys(text)]
    return found


def _staff_keys() -> Iterator[Answer]:
    """The keys of this machine's default key files (the course secret, the pseudonym key), as they are written and
    as bytes, wherever they exist: a kit must hold neither, however it got there."""
    from checks.grading.course_secret import default_file
    from checks.reports.pseudonyms import default_key_file

    for what, path in (("the course secret", default_file()), ("the pseudonym key", default_key_file())):
        try:
            written = path.read_text(encoding="ascii").strip() if path.is_file() and not path.is_symlink() else ""
            key = bytes.fromhex(written)
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if key:
            yield Answer(f"{what} of {path}", code=written.encode())
            yield Answer(f"{what} of {path}, as bytes", code=key)


def _named_wrongly(name: str, assignment: Assignment) -> Iterator[str]:
    if name.endswith((".pyc", ".pyo")) or "__pycache__" in name.split("/"):
        yield "compiled Python, which could hold any code"
    if SECRET.search(name.rsplit("/", 1)[-1]):
        yield "a file named like a secret or a key"
    module = name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
    if name.endswith(".py") and within(module, assignment.reference):
        yield f"a file of the reference {assignment.reference}"


def _reference_answers(assignment: Assignment) -> Iterator[Answer]:
    reference = assignment.reference_module()
    for function in _functions_below(reference, assignment.reference):
        where = f"the reference's {function.__name__}"
        yield from _source_answers(function, where)
        first = (inspect.getdoc(function) or "").split("\n", 1)[0]
        for formula in re.findall(r"\$([^$]+)\$", first):
            if len(_squeezed(formula)) >= SHORTEST_TEXT:
                yield Answer(f"{where}'s formula, {formula}", text=_squeezed(formula))


def _catalog_answers(assignment: Assignment) -> Iterator[Answer]:
    for variant in assignment.catalog:
        yield from _source_answers(variant.function, f"catalog entry {variant.name}'s wrong formula")
        yield Answer(f"catalog entry {variant.name}'s hint", text=_squeezed(variant.hint))


def _functions_below(module: ModuleType, name: str) -> list[Callable]:
    """Every function of `module` defined in it or in a module below it (a package's closed forms come from below)."""
    return [value for _, value in inspect.getmembers(module, inspect.isfunction)
            if within(getattr(value, "__module__", "") or "", name)]


def _source_answers(function: Callable, where: str) -> Iterator[Answer]:
    """Its body's source (without the docstring), its bytecode, and each expression it returns."""
    try:
        source = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        source = ""
    if source:
        tree = ast.parse(source)
        definition = tree.body[0]
        body = definition.body[1:] if ast.get_docstring(definition) is not None else definition.body
        text = _squeezed("\n".join(ast.get_source_segment(source, statement) or "" for statement in body))
        if len(text) >= SHORTEST_TEXT:
            yield Answer(f"{where}, its source", text=text)
        for node in ast.walk(definition):
            if isinstance(node, ast.Return) and node.value is not None and _size(node.value) >= SMALLEST_EXPRESSION:
                written = _squeezed(ast.unparse(node.value))
                yield Answer(f"{where}, the expression it returns ({ast.unparse(node.value)})",
                             text=written if len(written) >= SHORTEST_TEXT else "", expression=ast.dump(node.value))
    code = getattr(getattr(function, "__code__", None), "co_code", b"")
    if len(code) >= SHORTEST_CODE:
        yield Answer(f"{where}, its bytecode", code=code)


def _expressions(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return set()
    return {ast.dump(node) for node in ast.walk(tree) if isinstance(node, ast.expr) and _size(node) >= SMALLEST_EXPRESSION}


def _secret_keys(text: str) -> list[str]:
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    found, pending = [], [table]
    while pending:
        current = pending.pop()
        for key, value in current.items():
            if SECRET.search(key):
                found.append(key)
            if isinstance(value, dict):
                pending.append(value)
    return found


def _size(node: ast.AST) -> int:
    return sum(1 for _ in ast.walk(node))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)
