"""How a case sizes each axis of a context: drawn in a range, drawn from choices, or computed from other sizes.

A context declares one `Size` per axis (a bare int is `Size(minimum=that int)`):

- `Size(minimum=2)`: drawn from 2 up to `maximum`, or, without one, up to the
  drawing's default (`BATCH_MAXIMUM` for the batch axis, `WIDTH_MAXIMUM` for
  every other axis);
- `Size(choices=(1, 3))`: one of these, such as a kernel size;
- `Size(computed="(H + 2*pad - HH)/stride + 1")`: computed from the case's other
  sizes and its integer scalars by an arithmetic expression (`+ - * / // %`,
  parentheses, whole numbers). It must come out a whole number of at least
  `minimum`; where a draw makes it a fraction (a stride that does not divide),
  the case moves the ranged sizes it depends on to the nearest ones that work.

Nothing here draws: the engine's case strategy does, reading these declarations.
"""
from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from checks.errors import GradjudgeError

BATCH_MAXIMUM = 6
"""The largest batch drawn when the batch axis declares no maximum."""
WIDTH_MAXIMUM = 5
"""The largest size drawn for any other ranged axis that declares no maximum."""

_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod}


class SizeError(GradjudgeError, ValueError):
    """A size declaration that cannot work, or sizes that do not satisfy one, with what to change."""


@dataclass(frozen=True)
class Size:
    """How a case sizes one axis: a range from `minimum` to `maximum`, `choices`, or a `computed` expression."""

    minimum: int = 1
    maximum: int | None = None
    """The largest size drawn (a bound of the drawing, not of validity); None for the drawing's default."""
    choices: tuple[int, ...] = ()
    computed: str | None = None
    """An arithmetic expression in the context's other axes and integer scalars, such as `"2*Hp"`."""

    def __post_init__(self) -> None:
        if not isinstance(self.minimum, int) or isinstance(self.minimum, bool) or self.minimum < 1:
            raise SizeError(f"minimum={self.minimum!r}, but a minimum size is an int of at least 1")
        if self.maximum is not None and (not isinstance(self.maximum, int) or self.maximum < self.minimum):
            raise SizeError(f"maximum={self.maximum!r}, but it must be an int of at least the minimum {self.minimum}")
        if self.choices and self.computed is not None:
            raise SizeError(f"choices={self.choices!r} and computed={self.computed!r}: a size is drawn or computed, "
                            "not both")
        if self.choices and (self.maximum is not None or self.minimum != 1):
            raise SizeError(f"choices={self.choices!r} with a minimum or maximum: the choices are every size drawn")
        if any(not isinstance(c, int) or isinstance(c, bool) or c < 1 for c in self.choices):
            raise SizeError(f"choices={self.choices!r}, but every choice must be an int of at least 1")
        if self.computed is not None:
            if self.maximum is not None:
                raise SizeError(f"computed={self.computed!r} with a maximum: a computed size is not drawn")
            self.names  # noqa: B018 (parses the expression, which raises on one it cannot compute)

    @property
    def kind(self) -> str:
        """`range`, `choices` or `computed`."""
        return "computed" if self.computed is not None else "choices" if self.choices else "range"

    @property
    def smallest(self) -> int:
        """The smallest size this axis is drawn at: its minimum, or its smallest choice."""
        return min(self.choices) if self.choices else self.minimum

    @cached_property
    def _tree(self) -> ast.Expression:
        try:
            tree = ast.parse(self.computed, mode="eval")
        except SyntaxError:
            raise SizeError(f"computed={self.computed!r} is not an arithmetic expression") from None
        for node in ast.walk(tree):
            allowed = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd, ast.Name, ast.Load, *_OPERATORS)
            whole = isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool)
            if not (isinstance(node, allowed) or whole):
                raise SizeError(f"computed={self.computed!r}, but it may hold only names, whole numbers, parentheses "
                                "and + - * / // %")
        return tree

    @cached_property
    def names(self) -> tuple[str, ...]:
        """The axes and scalars a computed size is computed from, in the order they appear."""
        if self.computed is None:
            return ()
        return tuple(dict.fromkeys(node.id for node in ast.walk(self._tree) if isinstance(node, ast.Name)))

    def value(self, known: Mapping[str, int]) -> Fraction:
        """The computed size for these sizes and scalars, exactly (a fraction where `/` does not divide)."""
        return _evaluate(self._tree.body, known)

    def describe(self) -> str:
        if self.kind == "computed":
            return self.computed
        if self.kind == "choices":
            return "one of " + ", ".join(map(str, self.choices))
        return f"{self.minimum} to {self.maximum if self.maximum is not None else 'the default maximum'}"


def _evaluate(node: ast.AST, known: Mapping[str, int]) -> Fraction:
    if isinstance(node, ast.Constant):
        return Fraction(node.value)
    if isinstance(node, ast.Name):
        return Fraction(known[node.id])
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, known)
        return -value if isinstance(node.op, ast.USub) else value
    left, right = _evaluate(node.left, known), _evaluate(node.right, known)
    if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)) and right == 0:
        raise SizeError(f"{ast.unparse(node)} divides by zero for {dict(known)}")
    return Fraction(_OPERATORS[type(node.op)](left, right))


def as_size(declared: object, where: str) -> Size:
    """A context's declaration of one axis as a `Size`: an int is the minimum of a ranged size."""
    if isinstance(declared, Size):
        return declared
    if isinstance(declared, int) and not isinstance(declared, bool) and declared >= 1:
        return Size(minimum=declared)
    raise SizeError(f"{where} = {declared!r}, but an axis is declared by its minimum size (an int of at least 1) or "
                    "a Size")


def computed_order(sizes: Mapping[str, Size], scalars: Mapping[str, tuple], where: str) -> tuple[str, ...]:
    """The computed axes in an order in which each is computed after those it reads; checks what they read.

    `scalars` maps each scalar name to the values it is drawn from: a size may read
    only integer scalars.
    """
    pending = {axis: size for axis, size in sizes.items() if size.kind == "computed"}
    for axis, size in pending.items():
        for name in size.names:
            if name not in sizes and name not in scalars:
                raise SizeError(f"{where}: {axis} = {size.computed} reads {name}, which is neither one of its axes "
                                f"({', '.join(sizes)}) nor one of its scalars ({', '.join(scalars) or 'none'})")
            if name in scalars and not all(isinstance(v, int) and not isinstance(v, bool) for v in scalars[name]):
                raise SizeError(f"{where}: {axis} = {size.computed} reads the scalar {name}, whose values "
                                f"{scalars[name]!r} are not all ints; a size can read only integer scalars")
    order: list[str] = []
    while pending:
        ready = [axis for axis, size in pending.items() if not set(size.names) & set(pending)]
        if not ready:
            raise SizeError(f"{where}: the computed sizes {', '.join(pending)} read each other in a circle")
        for axis in ready:
            order.append(axis)
            del pending[axis]
    return tuple(order)


def problem(axis: str, size: Size, value: Fraction) -> str | None:
    """Why `value` cannot be the computed size of `axis`, or None if it can."""
    if value.denominator != 1 or value < size.minimum:
        shown = str(value) if value.denominator != 1 else f"{value.numerator}"
        return (f"{axis} = {size.computed} = {shown}, but a computed size must be a whole number of at least "
                f"{size.minimum}")
    return None


__all__ = ["BATCH_MAXIMUM", "WIDTH_MAXIMUM", "Size", "SizeError", "as_size", "computed_order", "problem"]
