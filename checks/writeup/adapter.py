"""The reader's view of an assignment: its contexts, ids and declared notation, as a `ReadingSpec`."""
from __future__ import annotations

import functools

from checks.errors import GradjudgeError
from checks.assignment import Assignment
from checks.writeup.spec import ContextSpec, IdSpec, QuantitySpec, ReadingSpec


class NoNotation(GradjudgeError, LookupError):
    """The assignment declares no notation, so its write-ups cannot be read."""


@functools.lru_cache(maxsize=None)
def reading_spec(assignment: Assignment) -> ReadingSpec:
    """Everything the reader needs to read write-ups of `assignment`."""
    notation = assignment.notation
    if notation is None:
        raise NoNotation(f"assignment {assignment.name!r} declares no notation, so its write-ups cannot be read; "
                         "declare one (checks.assignment.Notation) to read them")
    contexts = {
        context.name: ContextSpec(
            context.name,
            {name: QuantitySpec(name, quantity.shape, name in context.leaf_names,
                                frozenset(context.graph.ancestors[name]))
             for name, quantity in context.vocabulary.items() if name not in context.hidden},
            tuple(notation.context_keywords.get(context.name, ())))
        for context in assignment.contexts
    }
    ids = tuple(IdSpec(entry.id, entry.context.name, entry.of, entry.wrt, entry.pattern, entry.shape, entry.section,
                       entry.context.loss)
                for entry in assignment.derivations)
    return ReadingSpec(batch_axis=assignment.batch_axis, contexts=contexts, ids=ids, aliases=notation.aliases,
                       axis_symbols=notation.axis_symbols, derivative_aliases=notation.derivative_aliases,
                       sample_letters=tuple(notation.sample_letters))
