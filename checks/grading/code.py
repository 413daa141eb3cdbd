"""A hand-in's code, read for the sandbox: its files, and the notebook they were made from, if any.

It imports no torch, so that a one-submission command can start the sandbox
while torch is still importing (`checks.grading.startup`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from checks.grading.discovery import NOTEBOOK, Entry
from checks.sandbox.files import (FILE_LIMIT, NOTEBOOK_LIMIT, Handed, SubmissionFiles, collect_modules,
                                  collect_package, module_name)
from checks.sandbox.notebooks import Notebook, is_percent_script, read_notebook, read_percent_script

__all__ = ["Code", "code_files", "notebook_of"]


@dataclass(frozen=True)
class Code:
    """A hand-in's code as read: the files for the sandbox, and the notebook they were made from, if any."""

    files: SubmissionFiles
    notebook: Notebook | None = None
    staged: str = ""
    """The name of the generated module, for a notebook: messages naming it are placed in its cells."""


def code_files(entry: Entry) -> Code | None:
    """The hand-in's code read for the sandbox (None without code); `Refused` says why it cannot be."""
    if entry.entry is None:
        return None
    where = entry.name
    if entry.package:
        prefix = f"{entry.package}/"
        inside = [Handed(item.name[len(prefix):], item.path, item.size, item.member) for item in entry.code
                  if item.name.startswith(prefix)]
        return Code(collect_package(module_name(PurePosixPath(entry.package).name), inside, where))
    chosen = next(item for item in entry.code if item.name == entry.entry)
    notebook = notebook_of(chosen)
    if notebook is None:
        return Code(collect_modules(list(entry.code), entry.entry, where))
    staged = str(PurePosixPath(entry.entry).with_suffix(".py"))
    if not PurePosixPath(staged).stem.isidentifier():
        staged = str(PurePosixPath(staged).with_name("notebook.py"))
    modules = [item for item in entry.code if item.name != entry.entry]
    files = collect_modules(modules, staged, where, replaced={staged: notebook.code.encode("utf-8")})
    return Code(files, notebook, staged)


def notebook_of(chosen: Handed) -> Notebook | None:
    """The notebook a chosen entry is: a `.ipynb` file, or a percent-format `.py` file; None for plain code."""
    if chosen.suffix == NOTEBOOK:
        return read_notebook(chosen.read(NOTEBOOK_LIMIT), chosen.name)
    data = chosen.read(FILE_LIMIT)
    return read_percent_script(data, chosen.name) if is_percent_script(data) else None
