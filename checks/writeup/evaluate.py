"""Evaluating a formula into numpy code, per sample with column (or row) vectors, checking shapes throughout.

The evaluator walks the syntax tree once. Symbols become the function's
parameters (or, in a forward pass, the write-up's own definitions computed from
leaves); products, sums and functions become numpy code whose kinds
(`checks.writeup.kinds`) must fit together. Every charitable reading it applies
is recorded in `tags`.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from checks.writeup.errors import Unreadable
from checks.writeup.grouping import group
from checks.writeup.kinds import COMPARISON, POWER, SAMPLE, UNARY, Composer, Kind, ShapeError, Value, wrap
from checks.writeup.patterns import dotted_column
from checks.writeup.spec import ReadingSpec
from checks.writeup.symbols import Symbol, UnknownSymbol, UnreadScript, resolve
from checks.writeup.tree import (Add, Cases, Derivative, Dots, Frac, Func, Group, Matrix, Name, Node, Norm, Num,
                                 Product, Prose, Relation, Row, Script, Scripted, Sqrt, Sum, spell)

ELEMENTWISE = {"sin": "np.sin", "cos": "np.cos", "tan": "np.tan", "tanh": "np.tanh", "sinh": "np.sinh",
               "cosh": "np.cosh", "exp": "np.exp", "log": "np.log", "ln": "np.log"}
STEP_FUNCTIONS = frozenset({"sgn", "sign", "Sgn", "Sign"})
VECTOR_FUNCTIONS = {"softmax": "softmax", "Softmax": "softmax", "SoftMax": "softmax"}
ELEMENTWISE_HELPERS = {"relu": "relu", "ReLU": "relu", "ReLu": "relu", "Relu": "relu"}
OTHERWISE = ("otherwise", "else", "否则", "其他", "其它", "other")
RELATION_CODE = {"=": "==", "!=": "!=", "<": "<", ">": ">", "<=": "<=", ">=": ">="}


@dataclass(frozen=True)
class Scope:
    """Letters that name the sample in a formula: as superscripts, and as subscripts bound to the batch by a sum."""

    batch_letters: frozenset[str]


@dataclass(frozen=True)
class Definition:
    """`lhs = rhs` for a symbol, as the write-up states it (in a bullet, a `where` clause, a chain)."""

    name: str
    lhs: Symbol
    rhs: Node
    latex: str
    line: int
    scope: Scope


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


def is_function_name(node: Node) -> str | None:
    """The function a chain element names (`\\sin`, `\\text{sgn}`, `\\text{Softmax}`), or None."""
    if isinstance(node, Func):
        return node.name
    if isinstance(node, Name) and node.text and not node.accents:
        if node.spelling in ELEMENTWISE or node.spelling in STEP_FUNCTIONS or node.spelling in VECTOR_FUNCTIONS \
                or node.spelling in ELEMENTWISE_HELPERS:
            return node.spelling
    return None


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
                 per_sample_sums: bool = False):
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
        self.composer = Composer()
        self.parameters: list[str] = []
        self.statements: list[Statement] = []
        self.tags: set[str] = set()
        self.helpers: set[str] = set()
        self.mask_partners: dict[str, Value] = {}
        self._locals: dict[str, Value] = {}
        self._pending: list[str] = []
        self._bound: dict[str, str] = {}
        self._batch_sum_depth = 0
        self._summed_letter: str | None = None
        self.batch_sums = 0
        """How many outermost sums over the batch the formula has."""
        self._quantities = notation.quantities(context)

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
        if node.spelling in ("pi",) and self.lookup("pi") is None:
            return Value("np.pi", Kind())
        return self._symbol(node)

    def _scripted(self, node: Scripted) -> Value:
        if isinstance(node.base, Name) and not is_function_name(node.base):
            if node.base.spelling == "e" and node.sup is not None and self.lookup("e") is None and node.sub is None:
                return self._apply("exp", self._script_value(node.sup))
            return self._symbol(node)
        if isinstance(node.base, Norm):
            return self._norm(node.base, node.sub, node.sup)
        value = self.evaluate(node.base)
        if node.sub is not None:
            raise Unreadable(f"the subscript _{{{node.sub.spelling}}} of {spell(node.base)!r} is not read")
        return self._superscript(value, node.sup, spell(node))

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
        try:
            symbol = self.resolve(node)
        except UnreadScript as error:
            raise Unreadable(str(error)) from None
        return self.symbol_value(symbol)

    def symbol_value(self, symbol: Symbol) -> Value:
        """The value of a resolved symbol: the quantity, with its indices, transpose and power applied."""
        value = self._named(symbol.name)
        if symbol.sample is not None:
            self._check_sample_letter(symbol.sample, symbol.spelling)
        if symbol.sample is not None and SAMPLE not in value.kind.keys:
            raise Unreadable(f"{symbol.spelling}^{symbol.sample} marks a sample, but {symbol.name} has no batch axis")
        for index in symbol.indices:
            value = self._index(value, index, symbol)
        value = self.composer.canonical(value)
        if symbol.transpose:
            value = self.composer.transpose(value)
        if symbol.power is not None:
            exponent = self.evaluate(symbol.power)
            value = Value(f"{wrap(value, POWER + 1)} ** {wrap(exponent, POWER)}", value.kind, POWER)
        return value

    def _index(self, value: Value, index: Node, symbol: Symbol) -> Value:
        if not isinstance(index, Name):
            raise Unreadable(f"{symbol.spelling} with the fixed index {spell(index)!r} is only read as a row of "
                             "a `\\dots` pattern")
        letter = index.spelling
        if letter in self.scope.batch_letters and letter not in self._bound:
            self._check_sample_letter(letter, symbol.spelling)
            if SAMPLE not in value.kind.keys:
                raise Unreadable(f"{symbol.spelling}_{letter}: {letter} is the sample, but {symbol.name} has no batch axis")
            return value
        kind = value.kind
        if kind.rows is None and kind.cols is None:
            raise Unreadable(f"{symbol.spelling}_{letter}: {symbol.name} has no entries left to index")
        axis = kind.rows if kind.rows is not None else kind.cols
        self._bind(letter, axis)
        self.composer.register(letter)
        cols = kind.cols if kind.rows is not None else None
        kind = Kind(kind.indices + ((letter, axis),), None, cols)
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
                problems.append(f"{definition.latex!r} (line {definition.line}): {error}")
                continue
            finally:
                self._pending.pop()
            self._locals[name] = value
            return value
        raise Unreadable(f"no definition of {name} reads: " + "; ".join(problems))

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
                value = self._entries_as_vector(self.evaluate(definition.rhs), entry_letters)
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
        """A definition of entries (`y_i = …`) read as the vector of them."""
        for letter in reversed(letters):
            if letter in value.kind.keys:
                value = self.composer.entries_to_column(value, letter, self.convention == "column")
        return value

    def _expected_kind(self, name: str) -> Kind | None:
        quantity = self._quantities.get(name)
        return self.quantity_kind(quantity.shape) if quantity is not None else None

    def _variable_name(self, name: str) -> str:
        base = "".join(char if char.isalnum() else "_" for char in name.replace("hat ", "").strip()) or "value"
        if name.startswith("hat "):
            base += "_hat"
        if not base.isidentifier():
            base = f"v_{base}"
        taken = set(self.parameters) | {statement.target for statement in self.statements} | {"np"}
        candidate = base
        while candidate in taken:
            candidate += "_"
        return candidate

    def _group(self, node: Group) -> Value:
        if isinstance(node.body, Relation):
            raise Unreadable(f"the condition ({spell(node.body)}) is not a value")
        return self.evaluate(node.body)

    def _frac(self, node: Frac) -> Value:
        numerator = self.evaluate(node.numerator)
        denominator = self.evaluate(node.denominator)
        if not denominator.kind.scalar and denominator.kind.dims != numerator.kind.dims:
            raise ShapeError(f"cannot divide {numerator.kind.describe()} by {denominator.kind.describe()}")
        return self.composer.elementwise(numerator, denominator, "/")

    def _sqrt(self, node: Sqrt) -> Value:
        return self._apply_code("np.sqrt", self.evaluate(node.argument))

    def _norm(self, node: Norm, sub: Script | None = None, sup: Script | None = None) -> Value:
        value = self.evaluate(node.argument)
        if sub is not None and sub.spelling != "2":
            raise Unreadable(f"only the 2-norm is read, not the {sub.spelling}-norm")
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
                value = self.composer.elementwise(value, operand, sign)
        return value

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
            function = is_function_name(factor)
            if function is not None:
                if index + 1 >= len(factors) or joins[index] != "juxtapose":
                    raise Unreadable(f"the function {function} has no argument")
                operand = self._apply(function, self.evaluate(factors[index + 1]))
                join = joins[index - 1] if index > 0 else None
                index += 2
            else:
                operand = self.evaluate(factor)
                join = joins[index - 1] if index > 0 else None
                index += 1
            if operands:
                operators.append(join)
            operands.append(operand)
        if len(operands) == 1:
            return operands[0]
        value, regrouped = group(operands, operators, self._combine)
        if regrouped:
            self.tags.add("reading:grouping_by_shape")
        if value.mask is not None:
            raise Unreadable(f"the mask {value.mask} multiplies nothing elementwise")
        return value

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
        if operator == "odot":
            if left.kind.dims != right.kind.dims and not (left.kind.scalar or right.kind.scalar):
                raise ShapeError(f"cannot multiply {left.kind.describe()} and {right.kind.describe()} elementwise")
            return self.composer.elementwise(left, right, "*")
        if operator == "/":
            return self.composer.elementwise(left, right, "/")
        return self.composer.matmul(left, right)

    def _func(self, node: Func) -> Value:
        raise Unreadable(f"the function {node.name} has no argument")

    def _apply(self, function: str, argument: Value) -> Value:
        if argument.mask is not None:
            raise Unreadable(f"the mask {argument.mask} appears inside {function}")
        if function in ELEMENTWISE:
            return self._apply_code(ELEMENTWISE[function], argument)
        if function in STEP_FUNCTIONS:
            if self.mode == "gradient":
                self.tags.add("reading:sgn_as_step")
                self.helpers.add("step")
                return self._apply_code("step", argument)
            return self._apply_code("np.sign", argument)
        if function in VECTOR_FUNCTIONS:
            if argument.kind.matrix_rank != 1:
                raise ShapeError(f"{function} applies to a vector, not to {argument.kind.describe()}")
            self.helpers.add(VECTOR_FUNCTIONS[function])
            return self._apply_code(VECTOR_FUNCTIONS[function], argument)
        if function in ELEMENTWISE_HELPERS:
            self.helpers.add(ELEMENTWISE_HELPERS[function])
            return self._apply_code(ELEMENTWISE_HELPERS[function], argument)
        raise Unreadable(f"the function {function} is not supported")

    def _apply_code(self, function: str, argument: Value) -> Value:
        return Value(f"{function}({argument.code})", argument.kind)

    def _sum(self, node: Sum) -> Value:
        letter, upper = self._sum_limits(node)
        axis = self.notation.axis_of_bound(self.context, upper) if upper is not None else None
        batch = axis == self.notation.batch_axis or (axis is None and letter in self.sample_letters)
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

    def _derivative(self, node: Derivative) -> Value:
        of, wrt = self.derivative_symbols(node)
        alias = self.notation.derivative_alias(self.context, of.name, wrt.name)
        if alias is not None:
            return self.symbol_value(Symbol(f"d{of.name}/d{wrt.name}", alias, wrt.indices, wrt.sample))
        call = self.derivatives(of.name, wrt.name)
        if call is None:
            raise Unreadable(f"it uses ∂{of.name}/∂{wrt.name}, which the write-up does not derive as one of the "
                             "ids it answers")
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
        return dotted_column(self, node)

    def bound_axis(self, letter: str) -> str | None:
        """The axis an index letter runs over, if it is bound."""
        return self._bound.get(letter)

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
        names = self.parameters + [name for name, q in self._quantities.items() if q.leaf and name not in self.parameters]
        for name in names:
            shape = self._quantities[name].shape
            if axis in shape:
                if name not in self.parameters:
                    self.parameters.append(name)
                return f"{name}.shape[{shape.index(axis)}]"
        raise Unreadable(f"no quantity of the context has the axis {axis}")

    def _dots(self, node: Dots) -> Value:
        raise Unreadable("\\dots outside a matrix pattern")

    def _prose(self, node: Prose) -> Value:
        raise Unreadable(f"the words {node.text!r} inside the formula")
