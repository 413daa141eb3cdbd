"""Values of the generated code: a numpy expression and its kind, the shape it has per sample and per index.

A kind has leading index axes (the sample, or an index such as class k) and a
matrix part: nothing (a scalar), a column or a row vector, or a matrix, each
over named axes. The array behind a value has the index axes first, in the
evaluator's order, then the matrix axes: exactly gradjudge's batch-first
layout for a per-sample column. Each operation checks the kinds, as a reader
checks the shapes of a formula, and composes plain numpy code.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

SAMPLE = "@sample"
"""Index key of the batch axis: sample i, however the write-up names it."""

ATOM, POSTFIX, POWER, UNARY, PRODUCT, SUM, COMPARISON = 100, 95, 90, 80, 70, 60, 50


class ShapeError(ValueError):
    """Two operands whose shapes do not fit together (the message says how)."""


@dataclass(frozen=True)
class Kind:
    """Index axes `(key, axis)` first, then the matrix part `rows` x `cols` (either may be None)."""

    indices: tuple[tuple[str, str], ...] = ()
    rows: str | None = None
    cols: str | None = None

    @property
    def axes(self) -> tuple[str, ...]:
        """The array's shape in axis names."""
        return tuple(axis for _, axis in self.indices) + tuple(axis for axis in (self.rows, self.cols) if axis)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for key, _ in self.indices)

    @property
    def dims(self) -> tuple[str | None, str | None]:
        return self.rows, self.cols

    @property
    def scalar(self) -> bool:
        return self.rows is None and self.cols is None

    @property
    def matrix_rank(self) -> int:
        return (self.rows is not None) + (self.cols is not None)

    def describe(self) -> str:
        if self.rows and self.cols:
            part = f"a ({self.rows}, {self.cols}) matrix"
        elif self.rows:
            part = f"a column over {self.rows}"
        elif self.cols:
            part = f"a row over {self.cols}"
        else:
            part = "a scalar"
        indices = [("sample i" if key == SAMPLE else f"index {key}") for key, _ in self.indices]
        return part + (f" for each {' and '.join(indices)}" if indices else "")


@dataclass(frozen=True)
class Value:
    """A numpy expression of some kind."""

    code: str
    kind: Kind
    precedence: int = ATOM
    mask: str | None = None
    """A 0/1 mask whose argument is the factor it multiplies elementwise (`reading:mask_as_relu`)."""
    einsum: tuple[tuple[str, ...], tuple[str, ...], str] | None = field(default=None, compare=False)
    """For a product written as `np.einsum`: operand subscripts, operand codes, output subscripts."""
    ones: str | None = None
    """`column` or `row` for the ones vector `\\mathbf{1}` (or its transpose), whose length its product decides."""
    diagonal: Value | None = field(default=None, compare=False)
    """For diag(v): v, the diagonal of this square matrix."""
    batch: str | None = None
    """`rows` or `columns`: written as a batch matrix whose rows (or columns) are the samples (`X`, `X^T`)."""


def wrap(value: Value, precedence: int) -> str:
    """The value's code, parenthesised if it binds more loosely than `precedence`."""
    return value.code if value.precedence >= precedence else f"({value.code})"


class Composer:
    """Operations on values, with one order of index axes for the whole equation (the sample first)."""

    def __init__(self) -> None:
        self._order: list[str] = [SAMPLE]

    def keys(self) -> tuple[str, ...]:
        """Every index key met so far, in order."""
        return tuple(self._order)

    def register(self, key: str) -> None:
        if key not in self._order:
            self._order.append(key)

    def ordered(self, indices) -> tuple[tuple[str, str], ...]:
        for key, _ in indices:
            self.register(key)
        unique = dict(indices)
        return tuple(sorted(unique.items(), key=lambda item: self._order.index(item[0])))

    def union(self, *kinds: Kind) -> tuple[tuple[str, str], ...]:
        found: dict[str, str] = {}
        for kind in kinds:
            for key, axis in kind.indices:
                if found.setdefault(key, axis) != axis:
                    raise ShapeError(f"index {key} runs over {found[key]} in one place and {axis} in another")
        return self.ordered(found.items())

    def canonical(self, value: Value) -> Value:
        """The value with its index axes in the equation's order (a transpose if they are not)."""
        wanted = self.ordered(value.kind.indices)
        if wanted == value.kind.indices:
            return value
        current = list(value.kind.keys)
        permutation = [current.index(key) for key, _ in wanted]
        permutation += list(range(len(current), len(value.kind.axes)))
        code = f"np.transpose({value.code}, {tuple(permutation)})"
        return replace(value, code=code, kind=replace(value.kind, indices=wanted), precedence=ATOM, einsum=None)

    def aligned(self, value: Value, indices: tuple[tuple[str, str], ...], rank: int) -> Value:
        """`value` indexed with `None` where it lacks an axis of an array with `indices` and `rank` matrix axes."""
        keys = value.kind.keys
        index = [":" if key in keys else "None" for key, _ in indices]
        index += [":" if value.kind.matrix_rank else "None"] * rank
        while index and index[0] == "None":
            index.pop(0)
        if all(item == ":" for item in index):
            return value
        return replace(value, code=f"{wrap(value, POSTFIX)}[{', '.join(index)}]", precedence=POSTFIX, einsum=None)

    def elementwise(self, a: Value, b: Value, operator: str) -> Value:
        """`a + b`, `a - b`, `a * b` (also `\\odot`) or `a / b`: same matrix part, or one side a scalar."""
        if not (a.kind.dims == b.kind.dims or a.kind.scalar or b.kind.scalar):
            word = {"+": "add", "-": "subtract", "*": "multiply elementwise", "/": "divide"}[operator]
            raise ShapeError(f"cannot {word} {a.kind.describe()} and {b.kind.describe()}")
        indices = self.union(a.kind, b.kind)
        kind = Kind(indices, *(a.kind.dims if not a.kind.scalar else b.kind.dims))
        precedence = SUM if operator in "+-" else PRODUCT
        left = self.aligned(a, indices, kind.matrix_rank)
        right = self.aligned(b, indices, kind.matrix_rank)
        right_precedence = precedence + 1 if operator in "-/*" else precedence
        code = f"{wrap(left, precedence)} {operator} {wrap(right, right_precedence)}"
        return Value(code, kind, precedence, batch=_batch_of(a, b))

    def broadcast_vector(self, a: Value, b: Value, operator: str) -> Value | None:
        """A matrix and a vector along one of its axes, as numpy broadcasts them: the vector against every row
        (a row vector over the matrix's columns) or every column (a column over its rows); None if they do not fit."""
        matrix, vector = (a, b) if a.kind.matrix_rank == 2 else (b, a)
        if matrix.kind.matrix_rank != 2 or vector.kind.matrix_rank != 1:
            return None
        rows, cols = matrix.kind.dims
        if vector.kind.dims == (None, cols) or (vector.kind.cols is None and vector.kind.rows == cols and rows != cols):
            along = "row"
        elif vector.kind.dims == (rows, None) or (vector.kind.rows is None and vector.kind.cols == rows):
            along = "column"
        else:
            return None
        indices = self.union(a.kind, b.kind)
        kind = Kind(indices, rows, cols)
        matrix_code = self.aligned(matrix, indices, 2)
        vector_code = self.aligned(vector, indices, 1)
        spread = f"{wrap(vector_code, POSTFIX)}[..., None, :]" if along == "row" \
            else f"{wrap(vector_code, POSTFIX)}[..., :, None]"
        left, right = (matrix_code.code, spread) if matrix is a else (spread, matrix_code.code)
        precedence = SUM if operator in "+-" else PRODUCT
        if matrix is a:
            left = wrap(matrix_code, precedence)
        else:
            right = wrap(matrix_code, precedence + 1 if operator in "-/*" else precedence)
        return Value(f"{left} {operator} {right}", kind, precedence)

    def matmul(self, a: Value, b: Value) -> Value:
        """`a b`: a matrix product of the matrix parts (a scalar on either side scales instead)."""
        if a.kind.scalar or b.kind.scalar:
            return self.elementwise(a, b, "*")
        (rows_a, cols_a), (rows_b, cols_b) = a.kind.dims, b.kind.dims
        if (cols_a is None) != (rows_b is None):
            raise ShapeError(f"cannot multiply {a.kind.describe()} by {b.kind.describe()}")
        if cols_a is not None and cols_a != rows_b:
            raise ShapeError(f"cannot multiply {a.kind.describe()} by {b.kind.describe()}: {cols_a} is not {rows_b}")
        kind = Kind(self.union(a.kind, b.kind), rows_a, cols_b)
        contracted = cols_a is not None
        if contracted and not b.kind.indices:
            return Value(f"{wrap(a, POSTFIX)} @ {wrap(b, POSTFIX)}", kind, PRODUCT)
        if contracted and not a.kind.indices and cols_b is None:
            matrix = _transposed(a) if rows_a is not None else wrap(a, POSTFIX)
            return Value(f"{wrap(b, POSTFIX)} @ {matrix}", kind, PRODUCT)
        if contracted and not a.kind.indices:
            return Value(f"{wrap(a, POSTFIX)} @ {wrap(b, POSTFIX)}", kind, PRODUCT)
        if not contracted and not a.kind.indices and not b.kind.indices:
            return Value(f"np.outer({a.code}, {b.code})", kind, ATOM)
        return self._einsum(a, b, kind)

    def _einsum(self, a: Value, b: Value, kind: Kind) -> Value:
        letters = _Letters(self._order)
        subscripts_a = "".join(letters.index(key) for key in a.kind.keys)
        subscripts_b = "".join(letters.index(key) for key in b.kind.keys)
        rows_a, cols_a = a.kind.dims
        rows_b, cols_b = b.kind.dims
        row = letters.fresh() if rows_a else ""
        inner = letters.fresh() if cols_a else ""
        col = letters.fresh() if cols_b else ""
        subscripts_a += row + inner
        subscripts_b += inner + col
        output = "".join(letters.index(key) for key in kind.keys) + row + col
        operands = (a.code, b.code)
        spec = ((subscripts_a, subscripts_b), operands, output)
        return Value(_einsum_code(*spec), kind, ATOM, einsum=spec)

    def reduce(self, value: Value, key: str) -> Value:
        """The sum over index `key`."""
        if key not in value.kind.keys:
            raise ShapeError(f"nothing under the sum depends on its index ({value.kind.describe()})")
        kind = replace(value.kind, indices=tuple(item for item in value.kind.indices if item[0] != key))
        if value.einsum is not None:
            inputs, operands, output = value.einsum
            letter = output[value.kind.keys.index(key)]
            spec = (inputs, operands, output.replace(letter, ""))
            return replace(value, code=_einsum_code(*spec), kind=kind, precedence=ATOM, einsum=spec)
        axis = value.kind.keys.index(key)
        return replace(value, code=f"{wrap(value, POSTFIX)}.sum(axis={axis})", kind=kind, precedence=POSTFIX,
                       einsum=None)

    def transpose(self, value: Value) -> Value:
        if value.ones is not None:
            return replace(value, ones="row" if value.ones == "column" else "column")
        if value.batch is not None:
            value = replace(value, batch="rows" if value.batch == "columns" else "columns")
        rows, cols = value.kind.dims
        kind = replace(value.kind, rows=cols, cols=rows)
        if rows is None or cols is None:
            return replace(value, kind=kind)
        if value.kind.indices:
            return replace(value, code=f"np.swapaxes({value.code}, -1, -2)", kind=kind, precedence=ATOM, einsum=None)
        return replace(value, code=_transposed(value), kind=kind, precedence=POSTFIX, einsum=None)

    def entries_to_matrix(self, value: Value, row_key: str, col_key: str) -> Value:
        """Indices `row_key` and `col_key` become the matrix part: the entries of a matrix."""
        if not value.kind.scalar:
            raise ShapeError(f"the entries of a matrix must be scalars, not {value.kind.describe()}")
        keys = list(value.kind.keys)
        axes = dict(value.kind.indices)
        rest = [key for key in keys if key not in (row_key, col_key)]
        order = [keys.index(key) for key in rest] + [keys.index(row_key), keys.index(col_key)]
        code = value.code if order == list(range(len(keys))) else f"np.transpose({value.code}, {tuple(order)})"
        kind = Kind(tuple((key, axes[key]) for key in rest), axes[row_key], axes[col_key])
        return replace(value, code=code, kind=kind, precedence=value.precedence if code == value.code else ATOM,
                       einsum=None)

    def entries_to_column(self, value: Value, key: str, column: bool = True) -> Value:
        """Index `key` becomes the vector part: the entries of a column (or row) vector."""
        if not value.kind.scalar:
            raise ShapeError(f"the entries of a vector must be scalars, not {value.kind.describe()}")
        axis = dict(value.kind.indices)[key]
        position = value.kind.keys.index(key)
        code = value.code if position == len(value.kind.keys) - 1 else f"np.moveaxis({value.code}, {position}, -1)"
        indices = tuple(item for item in value.kind.indices if item[0] != key)
        kind = Kind(indices, axis, None) if column else Kind(indices, None, axis)
        return replace(value, code=code, kind=kind, precedence=value.precedence if code == value.code else ATOM,
                       einsum=None)


def _batch_of(a: Value, b: Value) -> str | None:
    """The batch-matrix layout two operands of an elementwise operation share (one of them may have none)."""
    if a.batch == b.batch or b.batch is None:
        return a.batch
    return b.batch if a.batch is None else None


class _Letters:
    """Einsum subscripts: the write-up's own index letters, `i` for the sample if free, fresh ones for the rest."""

    def __init__(self, order: list[str]) -> None:
        self._taken = {key for key in order if len(key) == 1 and key.isalpha()}
        self._given: dict[str, str] = {}

    def index(self, key: str) -> str:
        if key not in self._given:
            if key == SAMPLE:
                self._given[key] = "i" if "i" not in self._taken else self.fresh()
            else:
                self._given[key] = key
            self._taken.add(self._given[key])
        return self._given[key]

    def fresh(self) -> str:
        letter = next(c for c in "abcdefghpqrstuvwxyz" if c not in self._taken)
        self._taken.add(letter)
        return letter


def _einsum_code(inputs: tuple[str, ...], operands: tuple[str, ...], output: str) -> str:
    return f"np.einsum(\"{','.join(inputs)}->{output}\", {', '.join(operands)})"


def _transposed(value: Value) -> str:
    """`A.T`, or `A` itself for a value written `A.T`."""
    if value.precedence >= POSTFIX and value.code.endswith(".T") and value.code[:-2].isidentifier():
        return value.code[:-2]
    return f"{wrap(value, POSTFIX)}.T"
