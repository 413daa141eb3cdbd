"""Reading the equation(s) that answer one id into the body of its function.

The right-hand side is evaluated per sample with column vectors; if its shapes
do not fit columns it is read with row vectors. Its index axes must be those of
the left-hand side. If the result lacks the batch axis the id has, and the
formula sums over the batch, it is read once more with that sum taken per
sample. A Jacobian given as a diagonal and an off-diagonal formula is
assembled from both. A forward pass returns its own intermediates too.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from checks.writeup.math.equations import Equation
from checks.writeup.errors import Unreadable
from checks.writeup.math.definitions import Definition
from checks.writeup.math.scope import Scope
from checks.writeup.numpy.evaluate import Call, Evaluator, Statement
from checks.writeup.numpy.kinds import SAMPLE, Kind, ShapeError, Value
from checks.writeup.spec import IdSpec, ReadingSpec
from checks.writeup.math.symbols import Symbol, UnknownSymbol
from checks.writeup.math.targets import Target
from checks.writeup.math.tree import Name, Num

PROBLEMS = (Unreadable, ShapeError, UnknownSymbol)


@dataclass(frozen=True)
class Generated:
    """An id's function body: parameters, statements, the returned expression, and how it was read."""

    id: IdSpec
    parameters: tuple[str, ...]
    statements: tuple[Statement, ...]
    result: str
    helpers: frozenset[str]
    readings: tuple[str, ...]
    equations: tuple[Equation, ...]
    note: str | None = None


@dataclass(frozen=True)
class Environment:
    """What interpreting needs beyond the equation: the notation, the definitions, other ids' functions."""

    notation: ReadingSpec
    definitions: Mapping[str, Mapping[str, list[Definition]]]
    derivatives: Callable[[str, str, str], Call | None]
    """`derivatives(context, of, wrt)`: a call of the function that answers ∂of/∂wrt, if the write-up derives it;
    raises `Unreadable` saying why if it derives it in an equation that was not read."""
    numerator_layout: bool = False
    """The write-up says its matrix derivatives are in numerator layout (∂L/∂W shaped like Wᵀ)."""
    prime_is_transpose: bool = False
    """The write-up says a prime denotes the transpose."""


def is_diagonal(target: Target, batch_letters: frozenset[str]) -> bool:
    """∂y_i/∂x_i: the same entry letters on both sides of a Jacobian's derivative."""
    if target.wrt is None:
        return False
    letters = [_entry_letters(symbol, batch_letters) for symbol in (target.of, target.wrt)]
    return bool(letters[0]) and letters[0] == letters[1]


def _entry_letters(symbol: Symbol, batch_letters: frozenset[str]) -> list[str]:
    return [index.spelling for index in symbol.indices
            if isinstance(index, Name) and index.spelling not in batch_letters]


def interpret(target: Target, equation: Equation, environment: Environment) -> Generated:
    """The function for `target.id` from one equation; raises with what could not be read."""
    attempts: list[Generated] = []
    first_problem: Exception | None = None
    for convention in ("column", "row"):
        for per_sample in (False, True):
            try:
                generated, fits, lacks_batch = _attempt(target, equation, environment, convention, per_sample)
            except PROBLEMS as problem:
                first_problem = first_problem or problem
                break
            if convention == "row":
                generated = replace(generated, readings=tuple(sorted({*generated.readings, "reading:row_vectors"})))
            if fits:
                return generated
            attempts.append(generated)
            if not lacks_batch:
                break
    if attempts:
        return attempts[0]
    raise first_problem


def interpret_entries(target: Target, general: Equation, diagonal_target: Target, diagonal: Equation,
                      environment: Environment) -> Generated:
    """A Jacobian from its off-diagonal entries (∂y_i/∂x_j) and its diagonal (∂y_i/∂x_i)."""
    entry = target.id
    first_problem: Exception | None = None
    for convention in ("column", "row"):
        try:
            evaluator = _evaluator(target, general, environment, convention, False)
            keys = _lhs_keys(evaluator, target, general)
            diagonal_keys = _lhs_keys(evaluator, diagonal_target, diagonal)
            off = _completed(evaluator, evaluator.evaluate(general.rhs), keys, entry.shape)
            on = _completed(evaluator, evaluator.evaluate(diagonal.rhs), diagonal_keys, entry.shape[:-1])
        except PROBLEMS as problem:
            first_problem = first_problem or problem
            continue
        if off.kind.axes != entry.shape or on.kind.axes != entry.shape[:-1]:
            first_problem = first_problem or ShapeError(
                f"the entries read as {off.kind.describe()} and the diagonal as {on.kind.describe()}, "
                f"but {entry.id} returns ({', '.join(entry.shape)})")
            continue
        evaluator.helpers.add("with_diagonal")
        readings = {*evaluator.tags, "reading:jacobian_from_entries"} | ({"reading:row_vectors"} if convention == "row" else set())
        return Generated(entry, tuple(evaluator.parameters), tuple(evaluator.statements),
                         f"with_diagonal({off.code}, {on.code})", frozenset(evaluator.helpers), tuple(sorted(readings)),
                         (general, diagonal))
    raise first_problem


def _evaluator(target: Target, equation: Equation, environment: Environment, convention: str,
               per_sample: bool) -> Evaluator:
    entry = target.id
    return Evaluator(notation=environment.notation, context=entry.context,
                     mode="forward" if entry.kind == "value" else "gradient", convention=convention,
                     definitions=environment.definitions.get(entry.context, {}),
                     derivatives=lambda of, wrt: environment.derivatives(entry.context, of, wrt),
                     scope=_sample_scope(target, equation, environment.notation), per_sample_sums=per_sample,
                     prime_is_transpose=environment.prime_is_transpose,
                     numerator_layout=environment.numerator_layout and convention == "column")


def _sample_scope(target: Target, equation: Equation, notation: ReadingSpec) -> Scope:
    """The equation's sample letters, and the first index of a left-hand side that indexes every axis of a
    batch-first quantity (`\\partial L/\\partial x_{nl}`: n is the sample, whatever its letter)."""
    letters = set()
    for symbol in (target.of, target.wrt):
        if symbol is None or symbol.sample is not None or not all(isinstance(i, Name) for i in symbol.indices):
            continue
        letter = notation.sample_index(target.id.context, symbol.name, tuple(i.spelling for i in symbol.indices))
        if letter is not None:
            letters.add(letter)
    return equation.scope.with_letters(letters)


def _attempt(target: Target, equation: Equation, environment: Environment, convention: str,
             per_sample: bool) -> tuple[Generated, bool, bool]:
    entry = target.id
    evaluator = _evaluator(target, equation, environment, convention, per_sample)
    keys = _lhs_keys(evaluator, target, equation)
    value = evaluator.composer.canonical(evaluator.evaluate(equation.rhs))
    value = _as_the_id_means(evaluator, entry, target, value, environment)
    summed_away = SAMPLE in dict(keys) and SAMPLE not in value.kind.keys and evaluator.batch_sums > 0
    diagonal = entry.kind == "jacobian" and is_diagonal(target, equation.scope.batch_letters)
    if not summed_away:
        value = _completed(evaluator, value, keys, entry.shape if not diagonal else ())
    if value.mask is not None:
        raise Unreadable(f"the mask {value.mask} stands alone, multiplying nothing")
    axes = value.kind.axes
    fits = axes == entry.shape
    if diagonal and not fits:
        raise Unreadable(f"it gives only the diagonal entries (the same index on both sides); the entries off the "
                         f"diagonal of {entry.id} are not derived")
    lacks_batch = bool(entry.shape) and entry.shape[0] == environment.notation.batch_axis \
        and SAMPLE not in value.kind.keys
    note = None if fits else (f"the formula reads as shape ({', '.join(axes)}), but {entry.id} returns "
                              f"({', '.join(entry.shape)}); it is kept as written")
    statements = list(evaluator.statements)
    result = value.code
    if entry.kind == "value":
        result = _forward_result(evaluator, entry, value, equation)
        statements = list(evaluator.statements)
    if equation.origin.via == "prose":
        evaluator.tags.add("reading:prose_link")
    generated = Generated(entry, tuple(evaluator.parameters), tuple(statements), result,
                          frozenset(evaluator.helpers), tuple(sorted(evaluator.tags)), (equation,), note)
    return generated, fits, lacks_batch


def _as_the_id_means(evaluator: Evaluator, entry: IdSpec, target: Target, value: Value,
                     environment: Environment) -> Value:
    """The value read as the id asks: the diagonal of diag(v) where the id keeps a Jacobian's diagonal, and a
    gradient with respect to a matrix transposed where the write-up declares numerator layout."""
    if entry.kind == "jacobian" and value.diagonal is not None and len(value.kind.axes) == len(entry.shape) + 1:
        evaluator.tags.add("reading:jacobian_diagonal")
        return evaluator.composer.canonical(value.diagonal)
    wrt = environment.notation.quantities(entry.context).get(entry.wrt) if entry.wrt else None
    if environment.numerator_layout and entry.kind == "gradient" and wrt is not None and len(wrt.shape) == 2 \
            and wrt.shape[0] != environment.notation.batch_axis and value.kind.matrix_rank == 2:
        evaluator.tags.add("reading:numerator_layout")
        return evaluator.composer.transpose(value)
    return value


def _lhs_keys(evaluator: Evaluator, target: Target, equation: Equation) -> tuple[tuple[str, str], ...]:
    """The index axes the left-hand side asks for: the sample, then its entry letters; binds those letters."""
    entry = target.id
    notation = evaluator.notation
    quantities = notation.quantities(entry.context)
    if entry.kind == "gradient":
        symbols = [target.wrt]
    elif entry.kind == "jacobian":
        symbols = [target.of, target.wrt]
    else:
        symbols = [target.of]
    keys: dict[str, str] = {}
    if any(quantities[symbol.name].shape[:1] == (notation.batch_axis,) for symbol in symbols):
        keys[SAMPLE] = notation.batch_axis
    for symbol in symbols:
        shape = quantities[symbol.name].shape
        axes = shape[1:] if shape[:1] == (notation.batch_axis,) else shape
        if any(isinstance(index, Num) for index in symbol.indices):
            raise Unreadable(f"the left-hand side's {symbol.spelling} has a fixed index")
        letters = _entry_letters(symbol, evaluator.scope.batch_letters)
        if len(letters) > len(axes):
            raise Unreadable(f"the left-hand side's {symbol.spelling} has more indices than {symbol.name} has axes")
        for letter, axis in zip(letters, axes):
            if keys.setdefault(letter, axis) != axis:
                raise ShapeError(f"index {letter} runs over {keys[letter]} and over {axis} on the left-hand side")
        evaluator.with_letters(dict(zip(letters, axes)))
    return evaluator.composer.ordered(keys.items())


def _completed(evaluator: Evaluator, value: Value, keys: tuple[tuple[str, str], ...],
               shape: tuple[str, ...]) -> Value:
    """The value over the left-hand side's index axes: extra indices refused, missing ones broadcast.

    A scalar that leaves axes of the id's `shape` unfilled (∂y_i/∂β = 1) is repeated over all of them.
    """
    value = evaluator.composer.canonical(value)
    wanted = dict(keys)
    extra = [key for key in value.kind.keys if key not in wanted and key != SAMPLE]
    if extra:
        raise Unreadable(f"the right-hand side depends on the index {', '.join(extra)}, which the left-hand side "
                         "does not have")
    missing = [key for key in wanted if key not in value.kind.keys]
    indices = evaluator.composer.ordered(tuple(keys) + value.kind.indices)
    kind = Kind(indices, value.kind.rows, value.kind.cols)
    fills_shape = bool(shape) and value.kind.scalar and kind.axes != shape and kind.axes == shape[:len(kind.axes)]
    if not missing and not fills_shape:
        return value
    evaluator.tags.add("reading:scalar_broadcast")
    axes = shape if fills_shape else kind.axes
    if fills_shape:
        rest = shape[len(kind.axes):]
        kind = Kind(indices, *(rest + (None, None))[:2]) if len(rest) <= 2 else kind
    sizes = evaluator.shape_code(axes)
    if value.kind == Kind() and _is_number(value.code):
        return Value(f"np.full({sizes}, {float(value.code)!r})", kind)
    aligned = evaluator.composer.aligned(value, indices, len(axes) - len(indices))
    return Value(f"np.broadcast_to({aligned.code}, {sizes}).copy()", kind)


def _is_number(code: str) -> bool:
    try:
        float(code)
    except ValueError:
        return False
    return True


def _forward_result(evaluator: Evaluator, entry: IdSpec, value: Value, equation: Equation) -> str:
    """Assign the forward value, compute the write-up's own intermediates, and return the dict of them.

    The intermediates are the nodes the write-up defines that are the answer's ancestors, or are computed
    from them only (a batch mean of a layer's output, a ReLU mask), each from the write-up's own definition.
    """
    answer = evaluator.assign(entry.of, value, equation.origin.latex)
    quantities = evaluator.notation.quantities(entry.context)
    ancestors = quantities[entry.of].ancestors
    returned = {entry.of: answer}
    masks = []
    for name, quantity in quantities.items():
        if quantity.leaf or name in (entry.of, evaluator.notation.loss) or name not in evaluator.definitions:
            continue
        computed_from = {source for source in quantity.ancestors if not quantities[source].leaf}
        if name not in ancestors and not (computed_from and computed_from <= ancestors):
            continue
        try:
            own = evaluator.compute(name)
        except PROBLEMS:
            continue
        if own.mask is not None:
            masks.append(name)
        else:
            returned[name] = own.code
    for name in masks:
        partner = evaluator.mask_partners.get(name)
        if partner is not None:
            evaluator.helpers.add("step")
            returned[name] = evaluator.assign(name, Value(f"step({partner.code})", partner.kind),
                                              f"{name}: 1 where what it multiplies is positive, else 0")
    if len(returned) == 1:
        return answer
    return "{" + ", ".join(f"{name!r}: {code}" for name, code in returned.items()) + "}"
