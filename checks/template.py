"""`gradjudge template`: a blank submission with every id, what it asks for, its shape, and the names it may use.

Each stub takes no parameters and raises `NotImplementedError` (so it counts as
not attempted); its docstring lists every name a correct answer may ask for,
which is the id's context vocabulary (only the leaves, for a forward value),
never the reference's own choice among them.
"""
from __future__ import annotations

import textwrap

from checks.assignment import Assignment, Derivation


def render(assignment: Assignment) -> str:
    parts, context = [assignment.template], None
    for entry in assignment.derivations:
        if entry.context is not context:
            context = entry.context
            parts.append(f"\n# {'-' * 76}\n# {context.title}\n")
        parts.append(_function(entry))
    return "\n".join(parts)


def _function(entry: Derivation) -> str:
    shape = ", ".join(entry.shape) + ("," if len(entry.shape) == 1 else "")
    may_use = textwrap.fill(f"Ask for any of: {', '.join(entry.offered)}.", width=88, initial_indent="    ",
                            subsequent_indent="    ")
    return (f'\ndef {entry.id}():\n'
            f'    r"""{_asks(entry)}, returned as `({shape})`. Section {entry.section}.\n\n'
            f'{may_use}\n'
            f'    """\n'
            f'    raise NotImplementedError\n')


def _asks(entry: Derivation) -> str:
    if entry.kind == "value":
        return f"The forward value {entry.of}"
    if entry.kind == "gradient":
        return f"∂{entry.of}/∂{entry.wrt}, shaped like {entry.wrt}"
    inputs, output = entry.pattern.split("->")
    n_of = len(entry.context.vocabulary[entry.of].shape)
    of, wrt = inputs[:n_of], inputs[n_of:]
    return f"Entry [{', '.join(output)}] is ∂{entry.of}[{', '.join(of)}]/∂{entry.wrt}[{', '.join(wrt)}]"
