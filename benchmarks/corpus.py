"""The diagnosis corpus: its manifest, and submissions assembled from the ids of several of its files.

`benchmarks/diagnosis_corpus/expected.toml` (and an assignment folder's own
`expected.toml`, in the same format) lists every wrong id of the corpus with
the tags its explanation must include, and every correct file with the ids
that must pass unexplained. `assemble` builds one submission's source from
ids picked out of several corpus files, each with the helpers it calls (renamed
where two files' helpers share a name but not a body), as the every-id-wrong
timing and the example class need.
"""
from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "diagnosis_corpus"
MANIFEST = CORPUS / "expected.toml"


@dataclass(frozen=True)
class _CorpusFile:
    assignment: str
    file: str
    """Relative to the corpus folder."""

    @property
    def path(self) -> Path:
        return CORPUS / self.file

    @property
    def name(self) -> str:
        return Path(self.file).stem


@dataclass(frozen=True)
class Wrong(_CorpusFile):
    """One wrong id of a corpus file, with the tags its explanation must include and its mistake in words."""

    id: str
    tags: tuple[str, ...]
    mistake: str
    gap: str = ""
    """Why diagnosis is known not to explain it yet (`gap = "..."` in the manifest); empty: it must be explained."""


@dataclass(frozen=True)
class Correct(_CorpusFile):
    """A correct corpus file, written in another style than the reference, and the ids that must pass unexplained."""

    style: str
    ids: tuple[str, ...]


@dataclass(frozen=True)
class Manifest:
    """The corpus's wrong ids and correct files, in manifest order."""

    wrong: tuple[Wrong, ...]
    correct: tuple[Correct, ...]

    def files(self) -> list[tuple[str, Path]]:
        """Every corpus file the manifest names, once, with its assignment, in manifest order."""
        seen: dict[Path, str] = {}
        for entry in (*self.wrong, *self.correct):
            seen.setdefault(entry.path, entry.assignment)
        return [(assignment, path) for path, assignment in seen.items()]


def manifests() -> list[Path]:
    """The corpus's manifests: `expected.toml`, then any an assignment's folder holds (`hw3/expected.toml`)."""
    return [MANIFEST, *sorted(CORPUS.glob("*/expected.toml"))]


def load(paths: list[Path] | None = None) -> Manifest:
    """The manifests, read and checked: every file exists, no wrong id is listed twice, every entry says its mistake."""
    tables = [tomllib.loads(path.read_text()) for path in paths or manifests()]
    wrong = tuple(Wrong(e["assignment"], e["file"], e["id"], tuple(e["tags"]), e["mistake"], e.get("gap", ""))
                  for table in tables for e in table.get("wrong", ()))
    correct = tuple(Correct(e["assignment"], e["file"], e["style"], tuple(e["ids"]))
                    for table in tables for e in table.get("correct", ()))
    path = ", ".join(str(path.relative_to(CORPUS)) for path in paths or manifests())
    keys = [(entry.file, entry.id) for entry in wrong]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    missing = sorted({entry.file for entry in (*wrong, *correct) if not entry.path.is_file()})
    untagged = [key for key, entry in zip(keys, wrong) if not entry.tags or not entry.mistake]
    if repeated or missing or untagged:
        raise ValueError(f"{path}: listed twice {repeated}, missing files {missing}, no tags or mistake {untagged}")
    return Manifest(wrong, correct)


@dataclass(frozen=True)
class _Definition:
    """A top-level function or assignment of a corpus file: its source, and the top-level names it uses."""

    name: str
    source: str
    uses: frozenset[str]


def _definitions(path: Path) -> tuple[dict[str, _Definition], list[str]]:
    """A file's top-level definitions by name, in file order, and its import statements."""
    text = path.read_text()
    tree = ast.parse(text)
    lines = text.splitlines()
    found: dict[str, tuple[ast.AST, str]] = {}
    imports = []
    for node in tree.body:
        segment = "\n".join(lines[node.lineno - 1 - len(getattr(node, "decorator_list", ())):node.end_lineno])
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.append(segment)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            found[node.name] = (node, segment)
        elif isinstance(node, ast.Assign) and all(isinstance(target, ast.Name) for target in node.targets):
            for target in node.targets:
                found[target.id] = (node, segment)
    names = set(found)
    definitions = {}
    for name, (node, segment) in found.items():
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & names - {name}
        definitions[name] = _Definition(name, segment, frozenset(used))
    return definitions, imports


def renamed(source: str, renames: dict[str, str]) -> str:
    """`source` with each whole name (not an attribute) renamed."""
    for old, new in renames.items():
        if old != new:
            source = re.sub(rf"(?<![\w.]){re.escape(old)}(?!\w)", new, source)
    return source


def assemble(picks: list[tuple[Path, str]], ids: frozenset[str], docstring: str) -> str:
    """One submission's source: each picked id from its file, with the helpers it calls.

    `ids` are all the assignment's derivation ids. A helper that is an id not
    picked from its own file becomes a private helper (`_eq05_dL_dz1B`), so the
    result defines exactly the picked ids; two files' helpers of the same name
    and different bodies get distinct names.
    """
    chosen = dict((id, path) for path, id in picks)
    if len(chosen) != len(picks):
        raise ValueError("an id is picked twice")
    parsed = {path: _definitions(path) for path in dict.fromkeys(path for path, _ in picks)}
    emitted: dict[str, str] = {}
    renames: dict[Path, dict[str, str]] = {path: {} for path in parsed}

    def emit(path: Path, name: str) -> None:
        mapping = renames[path]
        if name in mapping:
            return
        mapping[name] = name  # placeholder against cycles
        definition = parsed[path][0][name]
        for used in sorted(definition.uses):
            emit(path, used)
        target = name
        if name in ids and chosen.get(name) != path:
            target = f"_{name}"
        base, count = target, 1
        while target in emitted and emitted[target] != renamed(definition.source, {**mapping, name: target}):
            count += 1
            target = f"{base}_{count}"
        mapping[name] = target
        emitted.setdefault(target, renamed(definition.source, mapping))

    for path, id in picks:
        if id not in parsed[path][0]:
            raise ValueError(f"{path} defines no {id}")
        emit(path, id)
    imports = sorted({line for _, statements in parsed.values() for line in statements},
                     key=lambda line: (not line.startswith("import "), line))
    body = "\n\n\n".join(emitted.values())
    return f'"""{docstring}"""\n' + "\n".join(imports) + "\n\n\n" + body + "\n"
