"""The outputs `gradjudge grade` writes, one module each, found here: a new format is one new module.

Each module of this package defines `FORMAT`, an `OutputFormat`: the option that
asks for it (`--json OUT`), what it needs, the options of its own (`--csv-format`),
and how it writes the grades. A course's package may add formats of its own as
entry points of the group `gradjudge.formats` (`NAME = "package.module:FORMAT"`).
The command line reads this registry; it knows no format by name.
"""
from __future__ import annotations

import functools
import importlib
import pkgutil
from importlib.metadata import entry_points

from checks.reports.formats.base import Option, OutputFormat, Written

GROUP = "gradjudge.formats"

__all__ = ["GROUP", "Option", "OutputFormat", "Written", "registered"]


@functools.lru_cache(maxsize=1)
def registered() -> dict[str, OutputFormat]:
    """Every output format, by its option's name: this package's modules', then installed entry points'."""
    found: dict[str, OutputFormat] = {}
    modules = [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)
               if info.name != "base"]
    formats = [module.FORMAT for module in modules if isinstance(getattr(module, "FORMAT", None), OutputFormat)]
    formats += [point.load() for point in entry_points(group=GROUP)]
    for output in formats:
        if not isinstance(output, OutputFormat):
            raise TypeError(f"{output!r} is registered as an output format, but it is not an OutputFormat")
        if output.name in found:
            raise ValueError(f"two output formats are named {output.name!r}; each option names one")
        found[output.name] = output
    return dict(sorted(found.items()))
