"""What the reader needs to know about an assignment: its contexts, its ids and how write-ups spell things.

Nothing here names an assignment: `checks.writeup.adapter.reading_spec` builds a
`ReadingSpec` from an assignment's declarations and its declared notation.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ANY_CONTEXT = "*"
"""Key of the aliases and axis symbols that hold in every context."""


@dataclass(frozen=True)
class QuantitySpec:
    """One named quantity: its shape in axis names, and whether it is a leaf (an input, never computed)."""

    name: str
    shape: tuple[str, ...]
    leaf: bool
    ancestors: frozenset[str] = frozenset()
    """Every quantity it is computed from (none for a leaf)."""

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"name={self.name!r}, but a quantity is passed by name and must be an identifier")
        if not all(isinstance(axis, str) and axis for axis in self.shape):
            raise ValueError(f"shape={self.shape!r}, but a shape is a tuple of axis names")


@dataclass(frozen=True)
class ContextSpec:
    """A context: its quantities by name, and words in a heading that announce it (`Dropout`)."""

    name: str
    quantities: Mapping[str, QuantitySpec]
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        wrong = [key for key, quantity in self.quantities.items() if key != quantity.name]
        if wrong:
            raise ValueError(f"quantities={wrong!r}, but each quantity must be filed under its own name")


@dataclass(frozen=True)
class IdSpec:
    """One derivation id: what it is the derivative of, with respect to what, and the shape it returns."""

    id: str
    context: str
    of: str
    wrt: str | None
    pattern: str | None
    shape: tuple[str, ...]
    section: str
    loss: str = "L"
    """The name of the scalar loss: an id `of` it is a gradient."""

    def __post_init__(self) -> None:
        if not self.id.isidentifier():
            raise ValueError(f"id={self.id!r}, but an id is a function name and must be an identifier")
        if (self.pattern is None) != (self.kind != "jacobian"):
            raise ValueError(f"pattern={self.pattern!r}, but exactly a Jacobian id (of a node, wrt something) has one")

    @property
    def kind(self) -> str:
        if self.wrt is None:
            return "value"
        return "gradient" if self.of == self.loss else "jacobian"


@dataclass(frozen=True)
class ReadingSpec:
    """Everything assignment-specific the reader uses.

    `aliases[context][spelling]` names the quantity a spelling stands for
    (`"hat y_B"` for `\\hat{\\mathbf{y}}_B`: accents, then the letter or Greek name,
    then `_` and the subscript, then `^` and a superscript that is part of the
    name, such as `sigma^2`); the context `"*"` holds for all. `axis_symbols`
    does the same for the upper limits of sums (`b` for the number of classes).
    `derivative_aliases[context][(of, wrt)]` names a quantity written as a
    derivative (the upstream gradient `dy` as `\\partial L / \\partial y`).
    `sample_letters` are the superscripts that mark sample i.
    """

    batch_axis: str
    contexts: Mapping[str, ContextSpec]
    ids: tuple[IdSpec, ...]
    aliases: Mapping[str, Mapping[str, str]]
    axis_symbols: Mapping[str, Mapping[str, str]]
    derivative_aliases: Mapping[str, Mapping[tuple[str, str], str]] = field(default_factory=dict)
    sample_letters: tuple[str, ...] = ("i",)
    loss: str = "L"

    def __post_init__(self) -> None:
        if not isinstance(self.batch_axis, str) or not self.batch_axis:
            raise ValueError(f"batch_axis={self.batch_axis!r}, but it names the axis of samples")
        for entry in self.ids:
            if entry.context not in self.contexts:
                raise ValueError(f"ids: {entry.id} has context={entry.context!r}, but no such context is declared")
            quantities = self.contexts[entry.context].quantities
            for name in filter(None, (entry.of, entry.wrt)):
                if name not in quantities:
                    raise ValueError(f"ids: {entry.id} names {name!r}, but it is not in the {entry.context} vocabulary")
        for table_name, table in (("aliases", self.aliases), ("derivative_aliases", self.derivative_aliases)):
            for context, entries in table.items():
                if context != ANY_CONTEXT and context not in self.contexts:
                    raise ValueError(f"{table_name}: context={context!r}, but no such context is declared")
                scope = self.contexts.values() if context == ANY_CONTEXT else [self.contexts[context]]
                for spelling, name in entries.items():
                    if not any(name in spec.quantities for spec in scope):
                        raise ValueError(f"{table_name}[{context!r}][{spelling!r}]={name!r}, "
                                         "but no context in its scope has that quantity")

    def quantities(self, context: str) -> Mapping[str, QuantitySpec]:
        return self.contexts[context].quantities

    def alias(self, context: str, spelling: str) -> str | None:
        """The quantity `spelling` stands for in `context`, or None.

        A capital that names nothing is tried once more in lower case: it is the batch matrix whose rows are the
        lower-case vectors (`X` for the `x^(i)`), as write-ups in the batch-matrix style spell them.
        """
        found = self._alias(context, spelling)
        if found is None:
            other = _other_case(spelling)
            found = self._alias(context, other) if other != spelling else None
        return found

    def sample_index(self, context: str, name: str, letters: tuple[str, ...]) -> str | None:
        """The letter among a symbol's index `letters` that names the sample, from the quantity's shape alone: the
        first index of a batch-first quantity indexed on every axis (`x_{nl}`, `A_{n,qk}`), or the single index of
        a batch-first quantity of matrices when it is a sample letter (`X_i`, sequence i)."""
        quantity = self.contexts[context].quantities.get(name)
        if quantity is None or quantity.shape[:1] != (self.batch_axis,) or not letters:
            return None
        if len(letters) == len(quantity.shape):
            return letters[0]
        if len(letters) == 1 and len(quantity.shape) >= 3 and letters[0] in self.sample_letters:
            return letters[0]
        return None

    def batch_matrix(self, context: str, spelling: str) -> bool:
        """Whether `spelling` is a capital standing for the batch matrix of a batch-first quantity spelled in lower
        case (`X` for the rows `x^(i)`, `\\hat Y_A`): found only in the other case, its letter upper case."""
        other = _other_case(spelling)
        if other == spelling or self._alias(context, spelling) is not None:
            return False
        name = self._alias(context, other)
        letter = spelling.split(" ")[-1][:1]
        return name is not None and letter.isupper() and \
            self.contexts[context].quantities[name].shape[:1] == (self.batch_axis,)

    def _alias(self, context: str, spelling: str) -> str | None:
        quantities = self.contexts[context].quantities
        for table in (self.aliases.get(context, {}), self.aliases.get(ANY_CONTEXT, {})):
            name = table.get(spelling)
            if name is not None and name in quantities:
                return name
        return spelling if spelling in quantities else None

    def axis_of_bound(self, context: str, spelling: str) -> str | None:
        """The axis a sum's upper limit names (`m` for the batch), or None."""
        for table in (self.axis_symbols.get(context, {}), self.axis_symbols.get(ANY_CONTEXT, {})):
            if spelling in table:
                return table[spelling]
        return None

    def derivative_alias(self, context: str, of: str, wrt: str) -> str | None:
        return self.derivative_aliases.get(context, {}).get((of, wrt))

    def spellings(self, context: str) -> list[str]:
        """Every spelling known in `context`, for suggestions when a symbol is unknown."""
        names = set(self.aliases.get(context, {})) | set(self.aliases.get(ANY_CONTEXT, {}))
        return sorted(names | set(self.contexts[context].quantities))


def _other_case(spelling: str) -> str:
    """`hat Y_A` for `hat y_A`: the spelling with the letter of its name (after the accents) in the other case."""
    *accents, name = spelling.split(" ")
    if not name or not name[0].isascii() or not name[0].isalpha() or (len(name) > 1 and name[1].isalpha()):
        return spelling
    return " ".join([*accents, name[0].swapcase() + name[1:]])
