"""Evaluating a formula into numpy code, per sample with column (or row) vectors, checking shapes throughout.

The evaluator walks the syntax tree once. Symbols become the function's
parameters (or, in a forward pass, the write-up's own definitions computed from
leaves); products, sums and functions become numpy code whose kinds
(`checks.writeup.numpy.kinds`) must fit together. Index letters become array
axes: an entry formula (`\\partial L/\\partial W_{kl} = \\sum_n …`) is read as the
array of its entries, a Kronecker delta as an identity, `\\mathbb{1}[k = l]` as
the indicator it writes. Every charitable reading it applies is recorded in
`tags`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from checks.writeup.errors import Unreadable
from checks.writeup.math.definitions import Definition, derivative_key
from checks.writeup.math.functions import Function, function_of, greek_function
from checks.writeup.math.patterns import AroundSpecial, dotted_column
from checks.writeup.math.scope import Scope
from checks.writeup.math.symbols import Symbol, UnknownSymbol, UnreadScript, resolve
from checks.writeup.math.tree import (Add, Args, Cases, Derivative, Dots, Frac, Func, Group, Indicator, Matrix, Name,
                                      Node, Norm, Num, Ones, Product, Prose, Relation, Row, Script, Scripted, Sqrt, Sum,
                                      spell)
from checks.writeup.numpy.grouping import group
from checks.writeup.numpy.kinds import (ATOM, COMPARISON, POSTFIX, POWER, SAMPLE, UNARY, Composer, Kind, ShapeError,
                                        Value, wrap)
from checks.writeup.spec import ReadingSpec

OTHERWISE = ("otherwise", "else", "否则", "其他", "其它", "other")
RELATION_CODE = {"=": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}
KRONECKER = "delta"
"""The letter whose two index subscripts (`\\delta_{kl}`) write the identity, where the write-up defines no delta."""
NORMALIZATION_PARAMETERS = {"gamma": "gamma", "beta": "beta", "eps": "epsilon"}
"""The notation spellings BN(·) and LN(·) take their scale, shift and epsilon from."""


@dataclass(frozen=True)
class Statement:
    target: str
    code: str
    comment: str


@dataclass(frozen=True)
class Call:
    """A call of another generated function, standing for a derivative written inside a formula."""

    function: str
    parameters: tuple[str, ...]
    shape: tuple[str, ...]


DerivativeLookup = Callable[[str, str], Call | None]


def step_argument(node: Node) -> Node | None:
    """`A` for a definition `1 if A > 0 else 0` (a 0/1 step of A), else None."""
    if not isinstance(node, Cases) or len(node.rows) != 2:
        return None
    values = [row.value.clauses[0] if row.value.clauses else None for row in node.rows]
    if not all(isinstance(value, Num) for value in values) or sorted(v.value for v in values) != [0.0, 1.0]:
        return None
    one = node.rows[[v.value for v in values].index(1.0)]
    condition = one.condition.clauses[0] if one.condition and one.condition.clauses else None
    if isinstance(condition, Relation) and condition.relations in ((">",), (">=",)) \
            and isinstance(condition.items[1], Num) and condition.items[1].value == 0:
        return condition.items[0]
    return None


class Evaluator:
    """Evaluates formulas of one context into numpy code, collecting parameters, statements and readings."""

    def __init__(self, *, notation: ReadingSpec, context: str, mode: str, convention: str,
                 definitions: Mapping[str, list[Definition]], derivatives: DerivativeLookup, scope: Scope,
                 per_sample_sums: bool = False, prime_is_transpose: bool = False, numerator_layout: bool = False):
        if mode not in ("forward", "gradient"):
            raise ValueError(f"mode={mode!r}, but a formula is read as a forward pass or as a gradient")
        if convention not in ("column", "row"):
            raise ValueError(f"convention={convention!r}, but per-sample vectors are columns or rows")
        self.notation = notation
        self.context = context
        self.mode = mode
        self.convention = convention
        self.definitions = definitions
        self.derivatives = derivatives
        self.scope = scope
        self.per_sample_sums = per_sample_sums
        self.prime_is_transpose = prime_is_transpose
        self.numerator_layout = numerator_layout
        """Gradients of the loss with respect to vectors are rows (the write-up declares numerator layout)."""
        self.composer = Composer()
        self.parameters: list[str] = []
        self.statements: list[Statement] = []
        self.tags: set[str] = set()
        self.helpers: set[str] = set()
        self.mask_partners: dict[str, Value] = {}
        self._locals: dict[str, Value] = {}
        self._local_samples: dict[str, int] = {}
        """For a symbol the write-up defines with the sample among its indices (`\\Delta_i = (Y_i - T_i)/m`): where."""
        self._pending: list[str] = []
        self._bound: dict[str, str] = {}
        self._batch_sum_depth = 0
        self._summed_letter: str | None = None
        self.batch_sums = 0
        """How many outermost sums over the batch the formula has."""
        self._quantities = notation.quantities(context)

    # -- names -------------------------------------------------------------------------------------------------

    def with_letters(self, letters: Mapping[str, str]) -> None:
        """Bind index letters of the left-hand side (class k, entry j) to their axes."""
        for letter, axis in letters.items():
            self._bind(letter, axis)
            self.composer.register(letter)

    def lookup(self, spelling: str) -> str | None:
        name = self.notation.alias(self.context, spelling)
        if name is not None:
            return name
        return spelling if spelling in self.definitions else None

    def known_spellings(self) -> list[str]:
        return self.notation.spellings(self.context) + sorted(self.definitions)

    def resolve(self, node: Name | Scripted) -> Symbol:
        return resolve(node, self.lookup, sample_letters=self.sample_letters, known=self.known_spellings())

    @property
    def sample_letters(self) -> frozenset[str]:
        return frozenset(self.notation.sample_letters) | self.scope.batch_letters

    def quantity_kind(self, shape: tuple[str, ...]) -> Kind:
        """The kind of a quantity of `shape`: batch-first arrays are per-sample, the rest as declared."""
        indices: tuple[tuple[str, str], ...] = ()
        if shape and shape[0] == self.notation.batch_axis:
            indices, shape = ((SAMPLE, shape[0]),), shape[1:]
        if len(shape) == 0:
            return Kind(indices)
        if len(shape) == 1:
            return Kind(indices, shape[0], None) if self.convention == "column" else Kind(indices, None, shape[0])
        if len(shape) == 2:
            return Kind(indices, shape[0], shape[1])
        raise Unreadable(f"a quantity of shape {shape} has more axes than a matrix")

    def evaluate(self, node: Node) -> Value:
        """The numpy code for `node`, or `Unreadable` / `ShapeError` saying what does not read."""
        method = getattr(self, f"_{type(node).__name__.lower()}", None)
        if method is None:
            raise Unreadable(f"{type(node).__name__.lower()} ({spell(node)!r}) has no meaning in a formula's value")
        return method(node)

    def _num(self, node: Num) -> Value:
        value = node.value
        return Value(str(int(value)) if float(value).is_integer() else repr(value), Kind())

    def _name(self, node: Name) -> Value:
        if node.spelling == "pi" and self.lookup("pi") is None:
            return Value("np.pi", Kind())
        if not node.accents and node.spelling in self._bound:
            return self._index_value(node.spelling)
        if not node.accents and self.lookup(node.spelling) is None:
            axis = self.notation.axis_of_bound(self.context, node.spelling)
            if axis is not None:
                return Value(self.axis_size(axis), Kind(), POSTFIX)
        return self._symbol(node)

    def _index_value(self, letter: str) -> Value:
        """An index letter used as a value (`\\mathbb{1}[k = l]`): its position along its axis."""
        axis = self._bound[letter]
        return Value(f"np.arange({self.axis_size(axis)})", Kind(((letter, axis),)))

    def _scripted(self, node: Scripted) -> Value:
        if isinstance(node.base, Name) and function_of(node.base) is None:
            if node.base.spelling == "e" and node.sup is not None and self.lookup("e") is None and node.sub is None:
                return self._apply(function_of(Func("exp")), self._script_value(node.sup))
            return self._symbol(node)
        if isinstance(node.base, Norm):
            return self._norm(node.base, node.sub, node.sup)
        if isinstance(node.base, Ones):
            return self._ones_of(node)
        if isinstance(node.base, Group) and node.base.delimiter == "evaluated":
            return self._superscript(self.evaluate(node.base.body), node.sup, spell(node))
        value = self.evaluate(node.base)
        if node.sub is not None and node.sub.spelling in self.sample_letters and SAMPLE in value.kind.keys:
            self._check_sample_letter(node.sub.spelling, spell(node))
        elif node.sub is not None:
            raise Unreadable(f"the subscript _{{{node.sub.spelling}}} of {spell(node.base)!r} is not read")
        value = self._superscript(value, node.sup, spell(node))
        return self.composer.transpose(value) if node.primes and self.prime_is_transpose else value

    def _superscript(self, value: Value, sup: Script | None, where: str) -> Value:
        if sup is None:
            return value
        if sup.spelling in ("T", "top", "intercal"):
            return self.composer.transpose(value)
        if len(sup.parts) == 1:
            exponent = self.evaluate(sup.parts[0])
            if exponent.kind == Kind():
                if not value.kind.scalar and value.kind.matrix_rank == 2:
                    raise Unreadable(f"{where}: a power of a matrix is not supported")
                return Value(f"{wrap(value, POWER + 1)} ** {wrap(exponent, POWER)}", value.kind, POWER)
        raise Unreadable(f"{where}: the superscript ^{{{sup.spelling}}} is not read")

    def _script_value(self, script: Script) -> Value:
        if len(script.parts) != 1:
            raise Unreadable(f"^{{{script.spelling}}} is not one expression")
        return self.evaluate(script.parts[0])

    def _symbol(self, node: Name | Scripted) -> Value:
        transposed = False
        if isinstance(node, Scripted) and node.primes and self.prime_is_transpose:
            node, transposed = replace(node, primes=0), True
        try:
            symbol = self.resolve(node)
        except UnreadScript as error:
            raise Unreadable(str(error)) from None
        except UnknownSymbol:
            kronecker = self._kronecker(node)
            if kronecker is not None:
                return kronecker
            raise
        value = self.symbol_value(symbol)
        return self.composer.transpose(value) if transposed else value

    def _kronecker(self, node: Name | Scripted) -> Value | None:
        """`\\delta_{kl}`: 1 where k = l, else 0, over the axis k and l run over."""
        if not (isinstance(node, Scripted) and isinstance(node.base, Name) and node.base.spelling == KRONECKER
                and node.sub is not None and node.sup is None):
            return None
        parts = list(node.sub.parts)
        if len(parts) == 1 and isinstance(parts[0], Product) and len(parts[0].factors) == 2:
            parts = list(parts[0].factors)
        if len(parts) == 1 and isinstance(parts[0], Relation) and parts[0].relations == ("=",):
            parts = list(parts[0].items)
        if len(parts) != 2 or not all(isinstance(part, Name) and len(part.spelling) == 1 for part in parts):
            return None
        first, second = (part.spelling for part in parts)
        axis = self._bound.get(first) or self._bound.get(second)
        if axis is None:
            raise Unreadable(f"δ_{{{first}{second}}}: neither {first} nor {second} is an index of a known axis here")
        self.with_letters({first: axis, second: axis})
        size = self.axis_size(axis)
        return Value(f"np.eye({size})", Kind(self.composer.ordered(((first, axis), (second, axis)))))

    def symbol_value(self, symbol: Symbol) -> Value:
        """The value of a resolved symbol: the quantity, with its indices, transpose and power applied."""
        value = self._named(symbol.name)
        if symbol.sample is not None:
            self._check_sample_letter(symbol.sample, symbol.spelling)
        if symbol.sample is not None and SAMPLE not in value.kind.keys:
            raise Unreadable(f"{symbol.spelling}^{symbol.sample} marks a sample, but {symbol.name} has no batch axis")
        indices = symbol.indices
        self._infer_sample(symbol, self._quantities.get(symbol.name))
        position = self._local_samples.get(symbol.name)
        if position is not None and position < len(indices) and isinstance(indices[position], Name):
            self.scope = self.scope.with_letters({indices[position].spelling})
        for index in indices:
            value = self._index(value, index, symbol)
        value = self.composer.canonical(value)
        if not indices and symbol.sample is None and self.notation.batch_matrix(self.context, symbol.spelling):
            value = replace(value, batch="rows" if self.convention == "row" else "columns")
        if symbol.transpose:
            value = self.composer.transpose(value)
        if symbol.power is not None:
            exponent = self.evaluate(symbol.power)
            value = Value(f"{wrap(value, POWER + 1)} ** {wrap(exponent, POWER)}", value.kind, POWER)
        return value

    def _infer_sample(self, symbol: Symbol, quantity) -> None:
        """A batch-first quantity indexed on every axis (`x_{nl}`, `A_{n,qk}`): its first index is the sample."""
        if quantity is None or symbol.sample is not None or not all(isinstance(i, Name) for i in symbol.indices):
            return
        letter = self.notation.sample_index(self.context, quantity.name,
                                            tuple(index.spelling for index in symbol.indices))
        if letter is not None and letter not in self._bound:
            self.scope = self.scope.with_letters({letter})

    def _index(self, value: Value, index: Node, symbol: Symbol) -> Value:
        if not isinstance(index, Name):
            raise Unreadable(f"{symbol.spelling} with the fixed index {spell(index)!r} is only read as a row of "
                             "a `\\dots` pattern")
        letter = index.spelling
        if letter in value.kind.keys:
            return value
        if letter in self.scope.batch_letters and letter not in self._bound:
            self._check_sample_letter(letter, symbol.spelling)
            if SAMPLE not in value.kind.keys:
                raise Unreadable(f"{symbol.spelling}_{letter}: {letter} is the sample, but {symbol.name} has no batch "
                                 "axis")
            return value
        kind = value.kind
        if kind.rows is None and kind.cols is None:
            raise Unreadable(f"{symbol.spelling}_{letter}: {symbol.name} has no entries left to index")
        axis = kind.rows if kind.rows is not None else kind.cols
        self._bind(letter, axis)
        self.composer.register(letter)
        rest = kind.cols if kind.rows is not None else None
        vector = (rest, None) if self.convention == "column" else (None, rest)
        kind = Kind(kind.indices + ((letter, axis),), *vector)
        return replace(value, kind=kind, einsum=None)

    def _check_sample_letter(self, letter: str, spelling: str) -> None:
        """Inside a sum over samples j, every sample marker must be j: sample i there is not read."""
        if self._summed_letter is not None and letter != self._summed_letter:
            raise Unreadable(f"{spelling} is sample {letter} inside a sum over samples {self._summed_letter}; "
                             "two samples in one term are not read")

    def _bind(self, letter: str, axis: str) -> None:
        bound = self._bound.get(letter)
        if bound is None:
            self._bound[letter] = axis
        elif bound != axis:
            raise ShapeError(f"index {letter} runs over {bound} in one place and over {axis} in another")

    def bound_axis(self, letter: str) -> str | None:
        """The axis an index letter runs over, if it is bound."""
        return self._bound.get(letter)

    # -- quantities and the write-up's own definitions ---------------------------------------------------------

    def _named(self, name: str) -> Value:
        quantity = self._quantities.get(name)
        if quantity is None:
            return self._local(name)
        if quantity.name == self.notation.loss:
            raise Unreadable(f"the loss {name} itself appears in the formula")
        if self.mode == "gradient" or quantity.leaf:
            if name not in self.parameters:
                self.parameters.append(name)
            return Value(name, self.quantity_kind(quantity.shape))
        return self._local(name)

    def compute(self, name: str) -> Value:
        """The write-up's own value of `name`, from its definitions (a local variable)."""
        return self._local(name)

    def assign(self, name: str, value: Value, comment: str) -> str:
        """Emit `name = value` (under a free variable name) and return the variable."""
        target = self._variable_name(name)
        self.statements.append(Statement(target, value.code, comment))
        return target

    def _local(self, name: str) -> Value:
        """A symbol the write-up defines, computed once into a local variable from its definition."""
        if name in self._locals:
            return self._locals[name]
        if name in self._pending:
            raise Unreadable(f"the definition of {name} depends on itself")
        candidates = self.definitions.get(name, [])
        if not candidates:
            if name in self._quantities:
                raise Unreadable(f"{name} is computed by the network, and a forward pass may only take leaves "
                                 "(inputs, parameters, targets, masks, scalars); the write-up gives no definition "
                                 f"of {name}")
            raise Unreadable(f"{name} is not defined")
        problems = []
        for definition in candidates:
            self._pending.append(name)
            try:
                value = self._definition_value(definition)
            except (Unreadable, ShapeError, UnknownSymbol) as error:
                problems.append((definition, error))
                continue
            finally:
                self._pending.pop()
            self._locals[name] = value
            return value
        definition, error = problems[0]
        more = f" (and {len(problems) - 1} other definition{'s' if len(problems) > 2 else ''})" if len(problems) > 1 \
            else ""
        raise Unreadable(f"it uses {name}, defined at line {definition.line} (`{definition.latex}`){more}, which "
                         f"could not be read: {error}")

    def _definition_value(self, definition: Definition) -> Value:
        saved = (self.scope, dict(self._bound), self._batch_sum_depth, self.per_sample_sums, self._summed_letter)
        self.scope, self._batch_sum_depth, self.per_sample_sums, self._summed_letter = definition.scope, 0, False, None
        self._bound = {}
        try:
            letters = [index.spelling for index in definition.lhs.indices if isinstance(index, Name)]
            entry_letters = [letter for letter in letters if letter not in definition.scope.batch_letters]
            expected = self._expected_kind(definition.name)
            if expected is not None:
                axes = [axis for axis in (expected.rows, expected.cols) if axis]
                self.with_letters(dict(zip(entry_letters, axes)))
            argument = step_argument(definition.rhs)
            try:
                value = self.evaluate(definition.rhs)
                samples = [letter for letter in entry_letters if letter in self.scope.batch_letters]
                if samples:
                    self._local_samples[definition.name] = letters.index(samples[0])
                value = self._entries_as_vector(value, [letter for letter in entry_letters if letter not in samples])
            except (Unreadable, ShapeError, UnknownSymbol):
                if argument is None or expected is None:
                    raise
                value = None
            if expected is not None and (value is None or value.kind != expected):
                if argument is not None:
                    self.tags.add("reading:mask_as_relu")
                    return Value(definition.name, expected, mask=definition.name)
                raise ShapeError(f"it gives {value.kind.describe()}, but {definition.name} is {expected.describe()}")
        finally:
            self.scope, self._bound, self._batch_sum_depth, self.per_sample_sums, self._summed_letter = saved
        return Value(self.assign(definition.name, value, definition.latex), value.kind)

    def _entries_as_vector(self, value: Value, letters: list[str]) -> Value:
        """A definition of entries (`y_i = …`, `G_{sa} = …`) read as the vector (or matrix) of them; a letter that
        indexes vectors (`e_{is}`, a vector per token s) stays an index."""
        present = [letter for letter in letters if letter in value.kind.keys]
        if len(present) >= 2 and value.kind.scalar:
            return self.composer.entries_to_matrix(value, present[-2], present[-1])
        for letter in reversed(present):
            if value.kind.scalar:
                value = self.composer.entries_to_column(value, letter, self.convention == "column")
        return value

    def _expected_kind(self, name: str) -> Kind | None:
        quantity = self._quantities.get(name)
        return self.quantity_kind(quantity.shape) if quantity is not None else None

    def _variable_name(self, name: str) -> str:
        cleaned = name.replace("hat ", "").replace("∂", "d").replace("/", "_")
        base = "".join(char if char.isalnum() else "_" for char in cleaned.strip()) or "value"
        if name.startswith("hat "):
            base += "_hat"
        if not base.isidentifier() or not base.isascii():
            base = "v_" + "".join(char if char.isascii() and char.isalnum() else "_" for char in base)
        taken = set(self.parameters) | {statement.target for statement in self.statements} | {"np"}
        candidate = base
        while candidate in taken:
            candidate += "_"
        return candidate

    # -- structure ---------------------------------------------------------------------------------------------

    def _group(self, node: Group) -> Value:
        if isinstance(node.body, Relation):
            if node.delimiter in ("bracket", "set"):
                return self._indicator(Indicator(node.body))
            raise Unreadable(f"the condition ({spell(node.body)}) is not a value")
        return self.evaluate(node.body)

    def _indicator(self, node: Indicator) -> Value:
        """`\\mathbb{1}[h > 0]`: 1.0 where the condition holds, else 0.0."""
        condition = self.evaluate(node.condition)
        return Value(f"({condition.code}).astype(float)", condition.kind, POSTFIX)

    def _ones(self, node: Ones) -> Value:
        """`\\mathbf{1}`: ones, as many as the product it stands in needs (`X^T 1` sums the rows of X)."""
        return Value("1", Kind(), ones="column")

    def _ones_of(self, node: Scripted) -> Value:
        """`\\mathbf{1}_t`: a column of ones over the axis its subscript names (or an indicator of a condition)."""
        if node.sub is not None and len(node.sub.parts) == 1 and isinstance(node.sub.parts[0], Relation):
            return self._indicator(Indicator(node.sub.parts[0]))
        if node.sub is None:
            return self._superscript(self._ones(Ones()), node.sup, spell(node))
        axis = self.notation.axis_of_bound(self.context, node.sub.spelling)
        if axis is None:
            raise Unreadable(f"the ones vector {spell(node)!r}: its subscript names no axis")
        value = Value(f"np.ones({self.axis_size(axis)})", Kind((), axis, None))
        return self._superscript(value, node.sup, spell(node))

    def _frac(self, node: Frac) -> Value:
        numerator = self.evaluate(node.numerator)
        denominator = self.evaluate(node.denominator)
        if not denominator.kind.scalar and not numerator.kind.scalar and denominator.kind.dims != numerator.kind.dims:
            raise ShapeError(f"cannot divide {numerator.kind.describe()} by {denominator.kind.describe()}")
        return self.composer.elementwise(numerator, denominator, "/")

    def _sqrt(self, node: Sqrt) -> Value:
        return self._apply_code("np.sqrt", self.evaluate(node.argument))

    def _norm(self, node: Norm, sub: Script | None = None, sup: Script | None = None) -> Value:
        value = self.evaluate(node.argument)
        if sub is not None and sub.spelling not in ("2", "F"):
            raise Unreadable(f"only the 2-norm (and Frobenius) is read, not the {sub.spelling}-norm")
        rank = value.kind.matrix_rank
        axes = "-1" if rank == 1 else "(-2, -1)"
        squares = Value(f"np.sum({wrap(value, POWER + 1)} ** 2, axis={axes})", Kind(value.kind.indices))
        if rank == 0:
            squares = Value(f"{wrap(value, POWER + 1)} ** 2", Kind(value.kind.indices), POWER)
        if sup is not None and sup.spelling == "2":
            return squares
        if sup is not None:
            raise Unreadable(f"the norm's superscript ^{{{sup.spelling}}} is not read")
        return self._apply_code("np.sqrt", squares)

    def _add(self, node: Add) -> Value:
        value = None
        for sign, term in node.terms:
            operand = self.evaluate(term)
            if value is None:
                value = operand if sign == "+" else self._negate(operand)
            else:
                value = self._elementwise(value, operand, sign)
        return value

    def _elementwise(self, left: Value, right: Value, operator: str) -> Value:
        """`left ∘ right` elementwise; a vector meeting a matrix is added to each of its rows (or columns)."""
        try:
            return self.composer.elementwise(left, right, operator)
        except ShapeError:
            found = self.composer.broadcast_vector(left, right, operator)
            if found is None:
                raise
            self.tags.add("reading:vector_broadcast")
            return found

    def _negate(self, value: Value) -> Value:
        return replace(value, code=f"-{wrap(value, UNARY)}", precedence=UNARY, einsum=None)

    def _product(self, node: Product) -> Value:
        operands: list[Value] = []
        operators: list[str] = []
        factors = list(node.factors)
        joins = list(node.operators)
        index = 0
        while index < len(factors):
            factor = factors[index]
            function = self._function_at(factors, joins, index)
            join = joins[index - 1] if index > 0 else None
            if function is not None:
                if index + 1 >= len(factors) or joins[index] != "juxtapose":
                    raise Unreadable(f"the function {function.name} has no argument")
                operand = self._apply(function, self._argument(factors[index + 1]))
                index += 2
            else:
                operand = self.evaluate(factor)
                index += 1
            if operands:
                operators.append(join)
            operands.append(operand)
        if len(operands) == 1:
            return operands[0]
        try:
            value, regrouped = group(operands, operators, self._combine)
        except ShapeError:
            value, regrouped = group(operands, operators, self._combine_loosely)
        if regrouped:
            self.tags.add("reading:grouping_by_shape")
        if value.mask is not None:
            raise Unreadable(f"the mask {value.mask} multiplies nothing elementwise")
        if value.ones is not None:
            raise Unreadable("the ones vector multiplies nothing whose shape gives its length")
        return value

    def _function_at(self, factors: list[Node], joins: list[str], index: int) -> Function | None:
        """The function factor `index` names: a function word, or a Greek function applied to `(…)`."""
        factor = factors[index]
        function = function_of(factor)
        if function is not None:
            return function
        greek = greek_function(factor)
        if greek is not None and index + 1 < len(factors) and joins[index] == "juxtapose" \
                and isinstance(factors[index + 1], (Group, Args)) and self.lookup(factor.spelling) is None:
            return greek
        return None

    def _argument(self, node: Node) -> Value | tuple[Value, ...]:
        if isinstance(node, Args):
            return tuple(self.evaluate(item) for item in node.items)
        if isinstance(node, Group) and isinstance(node.body, Args):
            return tuple(self.evaluate(item) for item in node.body.items)
        return self.evaluate(node)

    def _args(self, node: Args) -> Value:
        raise Unreadable(f"the list ({spell(node)}) is not a value")

    def _combine_loosely(self, left: Value, operator: str, right: Value) -> Value:
        """As `_combine`, and the loose readings tried only when no grouping fits without them: a product of two
        operands of one shape that no matrix product fits is elementwise; a vector times a matrix elementwise is
        broadcast against its rows (or columns)."""
        try:
            return self._combine(left, operator, right)
        except ShapeError:
            if operator in ("juxtapose", "cdot", "times") and left.kind.dims == right.kind.dims \
                    and not left.kind.scalar and not (left.mask or right.mask or left.ones or right.ones):
                self.tags.add("reading:product_elementwise")
                return self.composer.elementwise(left, right, "*")
            if operator not in ("odot", "/"):
                raise
            found = self.composer.broadcast_vector(left, right, "*" if operator == "odot" else "/")
            if found is None:
                raise
            self.tags.add("reading:vector_broadcast")
            return found

    def _combine(self, left: Value, operator: str, right: Value) -> Value:
        if operator == "odot" and (left.mask or right.mask):
            mask, partner = (left, right) if left.mask else (right, left)
            if partner.mask or partner.kind != mask.kind:
                raise ShapeError(f"the mask {mask.mask} is {mask.kind.describe()}, but multiplies "
                                 f"{partner.kind.describe()}")
            self.mask_partners.setdefault(mask.mask, partner)
            self.helpers.add("relu")
            return Value(f"relu({partner.code})", partner.kind)
        if left.mask or right.mask:
            raise ShapeError("a mask multiplies only elementwise")
        if left.ones or right.ones:
            return self._with_ones(left, operator, right)
        if operator in ("juxtapose", "cdot", "times") and left.batch == "columns" and right.batch == "rows" \
                and SAMPLE in left.kind.keys and SAMPLE in right.kind.keys:
            self.tags.add("reading:batch_matrix")
            return self.composer.reduce(self.composer.matmul(left, right), SAMPLE)
        if operator == "odot":
            if left.kind.dims != right.kind.dims and not (left.kind.scalar or right.kind.scalar):
                raise ShapeError(f"cannot multiply {left.kind.describe()} and {right.kind.describe()} elementwise")
            return self.composer.elementwise(left, right, "*")
        if operator == "/":
            return self.composer.elementwise(left, right, "/")
        return self.composer.matmul(left, right)

    def _with_ones(self, left: Value, operator: str, right: Value) -> Value:
        """A product with the ones vector: it sums what it contracts, broadcasts what it multiplies."""
        if operator in ("odot", "/"):
            return right if left.ones else left
        if right.ones == "column" and left.batch == "columns" and SAMPLE in left.kind.keys:
            return self.composer.reduce(replace(left, batch=None), SAMPLE)
        if left.ones == "row" and right.batch == "rows" and SAMPLE in right.kind.keys:
            return self.composer.reduce(replace(right, batch=None), SAMPLE)
        if left.ones == "column" and right.ones is None:
            if right.kind.rows is None and right.kind.cols is not None:
                return right
            raise ShapeError(f"a column of ones cannot multiply {right.kind.describe()}")
        if left.ones == "row" and right.ones is None:
            if right.kind.rows is None:
                raise ShapeError(f"a row of ones cannot multiply {right.kind.describe()}")
            summed = Kind(right.kind.indices, None, right.kind.cols)
            code = f"{wrap(right, POSTFIX)}.sum(axis={-2 if right.kind.cols is not None else -1})"
            return Value(code, summed if right.kind.cols is not None else Kind(right.kind.indices), POSTFIX)
        if right.ones == "column" and left.ones is None:
            if left.kind.cols is None:
                if left.kind.rows is not None:
                        return left
                raise ShapeError(f"{left.kind.describe()} cannot multiply a column of ones")
            return Value(f"{wrap(left, POSTFIX)}.sum(axis=-1)", Kind(left.kind.indices, left.kind.rows, None),
                         POSTFIX)
        if right.ones == "row" and left.ones is None and left.kind.cols is None and left.kind.rows is not None:
            return left
        raise ShapeError("a product of ones vectors is not read")

    # -- functions -----------------------------------------------------------------------------------------------

    def _func(self, node: Func) -> Value:
        raise Unreadable(f"the function {node.name} has no argument")

    def _apply(self, function: Function, argument: Value | tuple[Value, ...]) -> Value:
        if function.kind in ("max", "min"):
            return self._extremum(function, argument)
        if isinstance(argument, tuple):
            raise Unreadable(f"{function.name} takes one argument, not {len(argument)}")
        if argument.mask is not None:
            raise Unreadable(f"the mask {argument.mask} appears inside {function.name}")
        if function.kind == "elementwise":
            if function.code.isidentifier():
                self.helpers.add(function.code)
            return self._apply_code(function.code, argument)
        if function.kind == "step":
            if self.mode == "gradient":
                self.tags.add("reading:sgn_as_step")
                self.helpers.add("step")
                return self._apply_code("step", argument)
            return self._apply_code("np.sign", argument)
        if function.kind == "vector":
            if argument.kind.matrix_rank == 0:
                raise ShapeError(f"{function.name} applies to a vector (or each row of a matrix), not to "
                                 f"{argument.kind.describe()}")
            self.helpers.add(function.code)
            return self._apply_code(function.code, argument)
        if function.kind == "diag":
            return self._diag(argument)
        if function.kind == "normalization":
            return self._normalization(function, argument)
        raise Unreadable(f"the function {function.name} is not supported")

    def _apply_code(self, function: str, argument: Value) -> Value:
        return Value(f"{function}({argument.code})", argument.kind)

    def _extremum(self, function: Function, argument: Value | tuple[Value, ...]) -> Value:
        """`max(0, h)` as ReLU; `max(a, b)` elementwise."""
        if not isinstance(argument, tuple) or len(argument) != 2:
            raise Unreadable(f"{function.name} of one argument (over what?) is not read; "
                             f"{function.name}(a, b) is, elementwise")
        first, second = argument
        if function.name == "max" and (first.code == "0" or second.code == "0"):
            other = second if first.code == "0" else first
            self.helpers.add("relu")
            return self._apply_code("relu", other)
        indices = self.composer.union(first.kind, second.kind)
        if not (first.kind.dims == second.kind.dims or first.kind.scalar or second.kind.scalar):
            raise ShapeError(f"cannot take the {function.name} of {first.kind.describe()} and "
                             f"{second.kind.describe()}")
        kind = Kind(indices, *(first.kind.dims if not first.kind.scalar else second.kind.dims))
        codes = [self.composer.aligned(value, indices, kind.matrix_rank).code for value in (first, second)]
        return Value(f"{function.code}({codes[0]}, {codes[1]})", kind)

    def _diag(self, argument: Value) -> Value:
        """diag(v): the square matrix with v on its diagonal (`diagonal` keeps v for a diagonal Jacobian)."""
        if argument.kind.matrix_rank != 1:
            raise ShapeError(f"diag applies to a vector, not to {argument.kind.describe()}")
        axis = argument.kind.rows or argument.kind.cols
        self.helpers.add("diag_matrix")
        return Value(f"diag_matrix({argument.code})", Kind(argument.kind.indices, axis, axis), diagonal=argument)

    def _normalization(self, function: Function, argument: Value) -> Value:
        """BN(z) over the batch, LN(x) over the last axis, with the notation's γ, β and ε."""
        if function.name == "BN" and (not argument.kind.keys or argument.kind.keys[0] != SAMPLE):
            raise Unreadable("BN(·) normalizes over the batch, but its argument has no sample axis")
        parameters = []
        for spelling in NORMALIZATION_PARAMETERS.values():
            name = self.lookup(spelling)
            if name is None:
                raise Unreadable(f"{function.name}(·) uses {spelling}, which names nothing in this context")
            parameters.append(self._named(name))
        self.helpers.add(function.code)
        gamma, beta, eps = parameters
        return Value(f"{function.code}({argument.code}, {gamma.code}, {beta.code}, {eps.code})", argument.kind)

    # -- sums, relations, cases ------------------------------------------------------------------------------------

    def _sum(self, node: Sum) -> Value:
        letter, upper = self._sum_limits(node)
        axis = self.notation.axis_of_bound(self.context, upper) if upper is not None else None
        batch = axis == self.notation.batch_axis or (axis is None and letter in self.sample_letters
                                                     and letter not in self._bound)
        if batch:
            return self._batch_sum(node, letter, upper)
        if axis is None and upper is not None:
            raise Unreadable(f"the sum's upper limit {upper!r} names no axis")
        if letter in self._bound:
            raise Unreadable(f"the sum over {letter} sits inside another use of {letter}")
        if axis is not None:
            self._bind(letter, axis)
        self.composer.register(letter)
        try:
            body = self.evaluate(node.body)
        finally:
            self._bound.pop(letter, None)
        if letter not in body.kind.keys and letter in self.scope.batch_letters and SAMPLE in body.kind.keys:
            self.batch_sums += self._batch_sum_depth == 0
            return self.composer.reduce(body, SAMPLE)
        if letter not in body.kind.keys:
            raise ShapeError(f"nothing under the sum over {letter} depends on {letter}")
        return self.composer.reduce(body, letter)

    def _batch_sum(self, node: Sum, letter: str, upper: str | None) -> Value:
        outermost = self._batch_sum_depth == 0
        saved_scope, saved_letter = self.scope, self._summed_letter
        self.scope = Scope(self.scope.batch_letters | {letter})
        self._summed_letter = letter
        self._batch_sum_depth += 1
        try:
            body = self.evaluate(node.body)
        finally:
            self._batch_sum_depth -= 1
            self.scope, self._summed_letter = saved_scope, saved_letter
        if outermost:
            self.batch_sums += 1
        if outermost and self.per_sample_sums:
            self.tags.add("reading:per_sample_sum")
            return body
        if SAMPLE not in body.kind.keys:
            if upper is None:
                raise ShapeError("nothing under the sum over the batch depends on the sample")
            count = self._named(self.lookup(upper) or upper)
            return self.composer.elementwise(count, body, "*")
        return self.composer.reduce(body, SAMPLE)

    def _sum_limits(self, node: Sum) -> tuple[str, str | None]:
        lower = node.lower.parts[0] if node.lower is not None and node.lower.parts else None
        if isinstance(lower, Relation) and isinstance(lower.items[0], Name):
            letter = lower.items[0].spelling
        elif isinstance(lower, Name):
            letter = lower.spelling
        else:
            raise Unreadable("a sum must name its index (\\sum_{i=1}^m or \\sum_i)")
        return letter, node.upper.spelling if node.upper is not None else None

    def _relation(self, node: Relation) -> Value:
        if len(node.relations) != 1 or node.relations[0] not in RELATION_CODE:
            raise Unreadable(f"{spell(node)!r} is not a condition")
        left, right = (self.evaluate(item) for item in node.items)
        if not (left.kind.dims == right.kind.dims or left.kind.scalar or right.kind.scalar):
            raise ShapeError(f"cannot compare {left.kind.describe()} with {right.kind.describe()}")
        indices = self.composer.union(left.kind, right.kind)
        kind = Kind(indices, *(left.kind.dims if not left.kind.scalar else right.kind.dims))
        a = self.composer.aligned(left, indices, kind.matrix_rank)
        b = self.composer.aligned(right, indices, kind.matrix_rank)
        code = f"{wrap(a, COMPARISON + 1)} {RELATION_CODE[node.relations[0]]} {wrap(b, COMPARISON + 1)}"
        return Value(code, kind, COMPARISON)

    def _cases(self, node: Cases) -> Value:
        branches: list[tuple[Value | None, Value]] = []
        for row in node.rows:
            if not row.value.clauses:
                raise Unreadable("a case with no value")
            value = self.evaluate(row.value.clauses[0])
            condition = self._condition(row.condition)
            branches.append((condition, value))
        default_index = next((i for i, (condition, _) in enumerate(branches) if condition is None), len(branches) - 1)
        result = branches[default_index][1]
        for index in range(len(branches) - 1, -1, -1):
            if index == default_index:
                continue
            condition, value = branches[index]
            result = self.where(condition, value, result)
        return result

    def _condition(self, row: Row | None) -> Value | None:
        if row is None or not row.clauses:
            return None
        clause = row.clauses[0]
        if isinstance(clause, Prose) and clause.text.strip().lower().startswith(OTHERWISE):
            return None
        if isinstance(clause, Name) and clause.text and clause.spelling.lower() in OTHERWISE:
            return None
        return self.evaluate(clause)

    def where(self, condition: Value, yes: Value, no: Value) -> Value:
        """`np.where(condition, yes, no)`, broadcast over all three."""
        if not all(v.kind.scalar or v.kind.dims == c.kind.dims for v in (yes, no) for c in (condition, yes, no)
                   if not c.kind.scalar):
            raise ShapeError(f"the cases are {yes.kind.describe()} and {no.kind.describe()}")
        dims = next((v.kind.dims for v in (condition, yes, no) if not v.kind.scalar), (None, None))
        indices = self.composer.union(condition.kind, yes.kind, no.kind)
        kind = Kind(indices, *dims)
        parts = [self.composer.aligned(v, indices, kind.matrix_rank).code for v in (condition, yes, no)]
        return Value(f"np.where({', '.join(parts)})", kind)

    # -- derivatives and patterns --------------------------------------------------------------------------------

    def _derivative(self, node: Derivative) -> Value:
        value = self._derivative_value(node)
        of, _ = self.derivative_symbols(node)
        if self.numerator_layout and of.name == self.notation.loss and value.kind.matrix_rank == 1 \
                and value.kind.cols is None:
            return self.composer.transpose(value)
        return value

    def _derivative_value(self, node: Derivative) -> Value:
        of, wrt = self.derivative_symbols(node)
        value = self._derivative_of(of, wrt)
        if not wrt.indices and wrt.sample is None and self.notation.batch_matrix(self.context, wrt.spelling):
            value = replace(value, batch="rows" if self.convention == "row" else "columns")
        return value

    def _derivative_of(self, of: Symbol, wrt: Symbol) -> Value:
        alias = self.notation.derivative_alias(self.context, of.name, wrt.name)
        if alias is not None:
            return self.symbol_value(Symbol(f"d{of.name}/d{wrt.name}", alias, wrt.indices, wrt.sample))
        self._infer_sample(wrt, self._quantities.get(wrt.name))
        call = self.derivatives(of.name, wrt.name)
        if call is None:
            key = derivative_key(of.name, wrt.name)
            if key in self.definitions:
                value = self._local(key)
                for index in wrt.indices:
                    value = self._index(value, index, wrt)
                return self.composer.canonical(value)
            raise Unreadable(f"it uses ∂{of.name}/∂{wrt.name}, which the write-up does not derive as one of the "
                             "ids it answers, nor defines")
        for name in call.parameters:
            if name not in self.parameters:
                self.parameters.append(name)
        arguments = ", ".join(f"{name}={name}" for name in call.parameters)
        value = Value(f"{call.function}({arguments})", self.quantity_kind(call.shape))
        for index in wrt.indices:
            value = self._index(value, index, wrt)
        return self.composer.canonical(value)

    def derivative_symbols(self, node: Derivative) -> tuple[Symbol, Symbol]:
        try:
            return tuple(self.resolve(part) for part in (node.of, node.wrt))
        except UnreadScript as error:
            raise Unreadable(str(error)) from None

    def _matrix(self, node: Matrix) -> Value:
        """A column written with `\\dots`: its template evaluated over the index that varies."""
        pattern = dotted_column(node, self.composer.keys())
        letter = pattern.letter
        if isinstance(pattern, AroundSpecial):
            axis = self.bound_axis(pattern.special)
            if axis is None:
                raise Unreadable(f"the special row {pattern.special} is not an index of the left-hand side")
            self.with_letters({letter: axis})
            general = self.evaluate(pattern.template)
            at_special = self.evaluate(pattern.middle)
            same = Value(f"np.eye({self.axis_size(axis)}, dtype=bool)",
                         Kind(self.composer.ordered(((pattern.special, axis), (letter, axis)))))
            column = self.where(same, at_special, general)
            return self.composer.entries_to_column(column, letter, self.convention == "column")
        axis = self.notation.axis_of_bound(self.context, pattern.upper)
        if axis is None:
            raise Unreadable(f"the rows run from 1 to {pattern.upper}, which names no axis")
        self.with_letters({letter: axis})
        value = self.evaluate(pattern.template)
        return self.composer.entries_to_column(value, letter, self.convention == "column")

    def shape_code(self, axes: tuple[str, ...]) -> str:
        """Code for an array shape over `axes`: a parameter's `.shape` if one has exactly them."""
        for name in self.parameters + [name for name, q in self._quantities.items() if q.leaf]:
            if self._quantities.get(name) is not None and self._quantities[name].shape == axes:
                if name not in self.parameters:
                    self.parameters.append(name)
                return f"{name}.shape"
        return "(" + ", ".join(self.axis_size(axis) for axis in axes) + ",)"

    def axis_size(self, axis: str) -> str:
        """Code for the length of `axis`, from a parameter that has it (taking one on if none does yet)."""
        names = self.parameters + [name for name, quantity in self._quantities.items()
                                   if quantity.leaf and name not in self.parameters]
        for name in names:
            quantity = self._quantities.get(name)
            if quantity is not None and axis in quantity.shape:
                if name not in self.parameters:
                    self.parameters.append(name)
                return f"{name}.shape[{quantity.shape.index(axis)}]"
        raise Unreadable(f"no quantity of the context has the axis {axis}")

    def _dots(self, node: Dots) -> Value:
        raise Unreadable("`\\dots` stands for terms left out, so the formula is unfinished (only the rows of a column "
                         "written with `\\dots` around them are read)")

    def _prose(self, node: Prose) -> Value:
        raise Unreadable(f"the words {node.text!r} inside the formula")


__all__ = ["ATOM", "Call", "Evaluator", "Statement", "step_argument"]
