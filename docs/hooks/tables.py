"""MkDocs hook: tables generated from gradjudge's declarations, never kept by hand.

A page asks for one with a marker on a line of its own, `<!-- gradjudge:NAME -->`
or `<!-- gradjudge:NAME ARGUMENT -->`; the hook replaces it with the table, so a
tag, a rubric key or a quantity added to its declaration appears in the docs at
the next `mkdocs build`, and a renamed one disappears. An unknown marker fails the
build.
"""
from __future__ import annotations

import re
import sys
from collections.abc import Callable
from importlib.resources import files

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

MARKER = re.compile(r"^<!-- gradjudge:(?P<name>[a-z_]+)(?: (?P<argument>[\w:.]+))? -->$", re.MULTILINE)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _shape(shape: tuple[str, ...]) -> str:
    return "scalar" if not shape else "`(" + ", ".join(shape) + ("," if len(shape) == 1 else "") + ")`"


def tags_table(_: str | None) -> str:
    """Every tag family of `checks.tags`, those the kinds of hypothesis declare among them, with its description."""
    from checks import tags
    from checks.grading.candidates import registered

    registered()

    rows = [f"| `{name}{':<' + tag.detail + '>' if tag.detail else ''}` | {_cell(tag.description)} |"
            for name, tag in tags.VOCABULARY.items()]
    return "\n".join(["| tag | meaning |", "|---|---|", *rows])


def statuses_table(_: str | None) -> str:
    """Every status a derivation id can have (`checks.statuses`), with what it means."""
    from checks.statuses import STATUSES

    return "\n".join(["| status | meaning |", "|---|---|", *(f"| `{name}` | {_cell(status.description)} |"
                                                            for name, status in STATUSES.items())])


def submission_statuses_table(_: str | None) -> str:
    """Every status a submission can have (`checks.statuses`), with what it means."""
    from checks.statuses import NOT_GRADED, SUBMISSION_STATUSES

    rows = [f"| `{name}` | {'no' if status in NOT_GRADED else 'yes'} | {_cell(status.description)} |"
            for name, status in SUBMISSION_STATUSES.items()]
    return "\n".join(["| status | graded | meaning |", "|---|---|---|", *rows])


def rubric_table(_: str | None) -> str:
    """Every key of the default rubric, its default and the comment above it."""
    text = files("checks.grading").joinpath("default_rubric.toml").read_text()
    defaults = tomllib.loads(text)
    rows, comment, table = [], [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            table, comment = stripped[1:-1], []
        elif stripped.startswith("#"):
            comment.append(stripped.lstrip("# "))
        elif "=" in stripped and table is not None:
            key = stripped.split("=", 1)[0].strip()
            value = defaults[table][key]
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            rows.append(f"| `[{table}] {key}` | `{shown}` | {_cell(' '.join(comment))} |")
            comment = []
        elif not stripped and table is None:
            comment = []
    return "\n".join(["| key | default | meaning |", "|---|---|---|", *rows])


def assignment_tables(name: str | None) -> str:
    """An assignment's axes, each context's names, and its ids, read from its declaration."""
    from checks import assignments

    if not name:
        raise ValueError("<!-- gradjudge:assignment NAME -->: name the assignment")
    declared = assignments.declared(name)
    parts = ["| axis | meaning |", "|---|---|"]
    parts += [f"| `{axis.name}` | {_cell(axis.meaning)} |" for axis in declared.axes]
    for context in declared.contexts:
        parts += ["", f"Context `{context.name}`: {_cell(context.title)}", "", "| name | shape | meaning |", "|---|---|---|"]
        parts += [f"| `{quantity.name}` | {_shape(quantity.shape)} | {_cell(quantity.meaning)} |"
                  for quantity in context.vocabulary.values()]
    parts += ["", "| id | section | returns | shape |", "|---|---|---|---|"]
    parts += [f"| `{entry.id}` | {_cell(entry.section)} | {_cell(entry.title)} | {_shape(entry.shape)} |"
              for entry in declared.derivations]
    return "\n".join(parts)


TABLES: dict[str, Callable[[str | None], str]] = {
    "tags": tags_table,
    "statuses": statuses_table,
    "submission_statuses": submission_statuses_table,
    "rubric": rubric_table,
    "assignment": assignment_tables,
}


def generated(markdown: str) -> str:
    """`markdown` with every marker replaced by its table; an unknown marker raises, naming the known ones."""
    def table(match: re.Match) -> str:
        name = match["name"]
        if name not in TABLES:
            raise ValueError(f"<!-- gradjudge:{name} -->, but the generated tables are {', '.join(TABLES)}")
        return TABLES[name](match["argument"])

    return MARKER.sub(table, markdown)


def on_page_markdown(markdown: str, page, config, files) -> str:  # noqa: ARG001 (MkDocs' hook signature)
    return generated(markdown)
