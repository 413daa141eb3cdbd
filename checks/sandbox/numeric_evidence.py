"""Evidence, read from the source, that a submission differentiates numerically instead of deriving.

Values cannot tell a derivation from numeric differentiation: both give the
right numbers. The source can, for the tricks that do something no closed form
needs, whatever they are named and wherever in the submission they sit:

- complex numbers, made any way (`COMPLEX`): a complex literal, `complex`,
  `cmath`, numpy's complex types and dtype codes (`np.complex128`,
  `dtype="c16"`, `.view(np.cdouble)`), `np.emath` / `np.lib.scimath`, `.imag`,
  `np.fft`, a fractional power of a negative number: the complex step;
- a number type of its own (`ENGINE`): a class that overloads arithmetic
  operators and carries a second quantity through them (a derivative, parents
  or a backward rule: it builds its own kind from two or more values, or
  defines a function inside an operator), or overrides numpy's ufuncs
  (`__array_ufunc__`): dual numbers and automatic differentiation;
- a function of the submission evaluated at a shifted copy of its own input
  (`SHIFTED`): `f(x + h*e)` beside `f(x - h*e)` or `f(x)`, through a name
  (`xp = x + d`), `np.add`/`np.subtract`, a copy nudged in place
  (`xp = x.copy(); xp[i] += h`), its input nudged between two calls, or one
  call in a loop whose shift follows the loop: finite differences, directly or
  through a function factory.

Library calls (`np.zeros(n + 1)` beside `np.zeros(n)`) and shifts by a whole
number are not steps. Evidence is attributed along references: a function
shows it if its own body does or if it uses a function, class or module-level
name that does (across every module of a package). A number type of its own,
or evidence reached from module-level statements that run on import, counts for
the whole submission. A checker the submission never uses (a gradient check in
`if __name__ == "__main__":`) counts for nothing.
"""
from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass, field

COMPLEX = "a complex step"
ENGINE = "a number type that carries derivatives through arithmetic, as dual numbers and automatic differentiation do"
SHIFTED = "one function evaluated at shifted copies of its input (finite differences)"

__all__ = ["COMPLEX", "ENGINE", "SHIFTED", "Evidence", "find"]

COMPLEX_NAMES = frozenset({"complex", "cmath"})
COMPLEX_ATTRIBUTES = frozenset({"complex64", "complex128", "complex256", "complex_", "cdouble", "csingle",
                                "clongdouble", "clongfloat", "cfloat", "longcomplex", "singlecomplex",
                                "complexfloating", "emath", "scimath", "imag", "fft", "__complex__"})
COMPLEX_CODE = re.compile(r"[<>=|]?(c(8|16|32)|complex(64|128|256)?)")
"""Strings that name a complex dtype anywhere they appear."""
COMPLEX_LETTER = re.compile(r"[<>=|]?[FDG]")
"""One-letter complex dtype codes: complex only where a dtype is expected."""
DTYPE_TAKERS = frozenset({"astype", "view", "dtype"})
ARITHMETIC = frozenset({f"__{prefix}{name}__" for name in ("add", "sub", "mul", "truediv", "floordiv", "matmul", "pow")
                        for prefix in ("", "r", "i")} | {"__neg__"})
NUMPY_OVERRIDES = frozenset({"__array_ufunc__", "__array_function__"})
BUILTINS = frozenset(dir(builtins))
LOOPS = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


@dataclass(frozen=True)
class Evidence:
    """What a submission's sources give away."""

    by_name: dict[str, str] = field(default_factory=dict)
    """Each module-level name (function, class, assigned name) whose definition shows evidence, or uses one that does."""
    everywhere: str | None = None
    """Evidence that counts for every id: a number type of its own, or numeric differentiation run on import."""


def find(trees: dict[str, ast.Module]) -> Evidence:
    """The evidence in a submission's parsed sources, by module path."""
    definitions: dict[str, list[tuple[ast.AST, _Imports]]] = {}
    on_import: list[tuple[str, ast.AST, _Imports]] = []
    engine = None
    for relative, tree in trees.items():
        imports = _Imports.of(tree)
        for statement in tree.body:
            for name in _defined_names(statement):
                definitions.setdefault(name, []).append((statement, imports))
            if not _defined_names(statement) and not _runs_nothing(statement) and not _is_main_guard(statement):
                on_import.append((relative, statement, imports))
        for node in ast.walk(tree):
            if engine is None and isinstance(node, ast.ClassDef) and _is_number_type(node):
                engine = f"{ENGINE} ({relative}, class {node.name})"
    own = {name: next((found for statement, imports in found_in if (found := _evidence(statement, imports))), None)
           for name, found_in in definitions.items()}
    uses = {name: set().union(*(_references(statement) for statement, _ in found_in)) & set(definitions)
            for name, found_in in definitions.items()}
    by_name = {name: found for name in definitions if (found := _reached(name, own, uses))}
    everywhere = engine
    for relative, statement, imports in on_import:
        if everywhere is not None:
            break
        direct = _evidence(statement, imports)
        if direct:
            everywhere = f"{direct} (run on import, {relative}, line {statement.lineno})"
            continue
        used = next((found for name in sorted(_references(statement) & set(definitions))
                     if (found := _reached(name, own, uses))), None)
        if used:
            everywhere = f"{used} (used on import, {relative}, line {statement.lineno})"
    return Evidence(by_name, everywhere)


def _reached(name: str, own: dict[str, str | None], uses: dict[str, set[str]]) -> str | None:
    """The evidence `name` shows itself and through the definitions it uses (transitively): each kind once, its own
    first, then the nearest."""
    found: dict[str, str] = {}
    seen, queue = {name}, [name]
    while queue:
        current = queue.pop(0)
        kind = own.get(current)
        if kind and kind not in found:
            found[kind] = kind if current == name else f"{kind} (in {current}, which it uses)"
        for other in sorted(uses.get(current, ())):
            if other not in seen:
                seen.add(other)
                queue.append(other)
    return "; ".join(found.values()) or None


def _defined_names(statement: ast.AST) -> list[str]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return [name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)]
    return []


def _runs_nothing(statement: ast.AST) -> bool:
    """An import or a docstring: nothing of the submission's own runs there."""
    return isinstance(statement, (ast.Import, ast.ImportFrom)) or (
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))


def _is_main_guard(statement: ast.AST) -> bool:
    """`if __name__ == "__main__":`, which does not run when the submission is imported."""
    test = statement.test if isinstance(statement, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and any(isinstance(item, ast.Constant) and item.value == "__main__" for item in test.comparators))


def _references(node: ast.AST) -> set[str]:
    """Names a definition uses: names it loads, and attributes it reaches (`mathutils.grad`)."""
    found = set()
    for item in ast.walk(node):
        if isinstance(item, ast.Name) and isinstance(item.ctx, ast.Load):
            found.add(item.id)
        elif isinstance(item, ast.Attribute):
            found.add(item.attr)
    return found


@dataclass(frozen=True)
class _Imports:
    """What a module's imports bind: other packages' names, and its own package's modules and names."""

    library: frozenset[str]
    """`np`, `numpy`, `math`, `zeros` of `from numpy import zeros`."""
    own: frozenset[str]
    """`mathutils` of `from . import mathutils`, `grad` of `from .mathutils import grad`."""

    @classmethod
    def of(cls, tree: ast.Module) -> _Imports:
        library, own = set(), set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                library.update(alias.asname or alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                (own if node.level else library).update(alias.asname or alias.name for alias in node.names)
        return cls(frozenset(library), frozenset(own))


def _evidence(node: ast.AST, imports: _Imports) -> str | None:
    """What `node`'s own code gives away: a complex number, or a function evaluated at shifted copies of its input."""
    if _makes_complex(node):
        return COMPLEX
    if _shifted_calls(node, imports):
        return SHIFTED
    return None


def _makes_complex(node: ast.AST) -> bool:
    for item in ast.walk(node):
        if isinstance(item, ast.Constant) and isinstance(item.value, complex):
            return True
        if isinstance(item, ast.Name) and item.id in COMPLEX_NAMES:
            return True
        if isinstance(item, ast.Attribute) and item.attr in COMPLEX_ATTRIBUTES:
            return True
        if isinstance(item, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in item.names] + ([item.module] if isinstance(item, ast.ImportFrom) and item.module else [])
            if any(part in COMPLEX_NAMES | COMPLEX_ATTRIBUTES for name in names for part in name.split(".")):
                return True
        if isinstance(item, ast.Constant) and isinstance(item.value, str) and COMPLEX_CODE.fullmatch(item.value):
            return True
        if isinstance(item, ast.Call) and any(COMPLEX_LETTER.fullmatch(text) for text in _dtype_strings(item)):
            return True
        if isinstance(item, ast.BinOp) and isinstance(item.op, ast.Pow) and _negative_constant(item.left) and \
                isinstance(item.right, ast.Constant) and isinstance(item.right.value, float) and not item.right.value.is_integer():
            return True
    return False


def _dtype_strings(call: ast.Call) -> list[str]:
    """String constants given where a dtype is expected: `dtype=...`, and the argument of `.astype`, `.view`, `dtype()`."""
    found = [keyword.value for keyword in call.keywords if keyword.arg == "dtype"]
    name = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id if isinstance(call.func, ast.Name) else ""
    if name in DTYPE_TAKERS:
        found += call.args[:1]
    return [item.value for item in found if isinstance(item, ast.Constant) and isinstance(item.value, str)]


def _negative_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
        and isinstance(node.operand.value, (int, float))


def _is_number_type(node: ast.ClassDef) -> bool:
    """A class that overrides numpy's ufuncs, or overloads arithmetic and carries more than a value through it."""
    methods = {item.name: item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
    if NUMPY_OVERRIDES & set(methods):
        return True
    operators = [methods[name] for name in ARITHMETIC & set(methods)]
    if len(operators) < 2:
        return False
    own_kinds = {node.name, "cls"}
    for operator in operators:
        for item in ast.walk(operator):
            if item is not operator and isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return True
            if isinstance(item, ast.Call) and _builds_own_kind(item.func, own_kinds) and \
                    len(item.args) + len(item.keywords) >= 2:
                return True
    return False


def _builds_own_kind(function: ast.expr, own_kinds: set[str]) -> bool:
    """`Var(...)`, `type(self)(...)`, `self.__class__(...)`, `cls(...)`."""
    if isinstance(function, ast.Name):
        return function.id in own_kinds
    if isinstance(function, ast.Attribute):
        return function.attr == "__class__"
    return isinstance(function, ast.Call) and isinstance(function.func, ast.Name) and function.func.id == "type"


@dataclass(frozen=True)
class _Shift:
    """An argument as `base + sign * step` (a step of None: the base itself)."""

    base: str
    sign: int = 0
    step: str | None = None


def _shifted_calls(node: ast.AST, imports: _Imports) -> bool:
    """Whether a function of the submission is evaluated at shifted copies of one input, in `node`'s code: never
    where it calls no function of its own."""
    own = [item for item in ast.walk(node) if isinstance(item, ast.Call) and _is_own(item.func, imports)]
    if not own:
        return False
    depends = _value_dependence(node)
    shifted = _shifted_names(node, depends)
    nudged = {_name(name) for name in _nudged_in_place(node)}
    calls: dict[str, list[list[_Shift]]] = {}
    for item in own:
        calls.setdefault(ast.dump(item.func), []).append(
            [_as_shift(argument, shifted, depends) for argument in _arguments(item)])
    for made in calls.values():
        if any(_shifted_pair(a, b) for index, a in enumerate(made) for b in made[index + 1:]):
            return True
        if len(made) >= 2 and any(shift.base in nudged and shift.step is None for call in made for shift in call):
            return True
    return _shifted_in_a_loop(node, imports, depends)


def _name(name: str) -> str:
    return ast.dump(ast.Name(id=name, ctx=ast.Load()))


def _arguments(call: ast.Call) -> list[ast.expr]:
    """A call's arguments: positional, keyword, and the entries of a dict it unpacks (`f(**{**q, "x": x + d})`)."""
    found = list(call.args)
    for keyword in call.keywords:
        if keyword.arg is None and isinstance(keyword.value, ast.Dict):
            found += [value for key, value in zip(keyword.value.keys, keyword.value.values) if key is not None]
        else:
            found.append(keyword.value)
    return found


def _shifted_entry(value: ast.expr, depends: dict[str, set[str]]) -> _Shift | None:
    """The shifted entry of a dict made with one (`{**q, name: x + d}`, `dict(q, **{name: x + d})`), if any."""
    entries = []
    if isinstance(value, ast.Dict):
        entries = list(value.values)
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
        entries = [item for keyword in value.keywords for item in
                   (keyword.value.values if keyword.arg is None and isinstance(keyword.value, ast.Dict) else [keyword.value])]
    return next((shift for entry in entries if (shift := _shift_of(entry, depends))), None)


def _is_own(function: ast.expr, imports: _Imports) -> bool:
    """A callable of the submission's own: a function, a parameter, `self.method`, a factory's product, a function of
    its own modules; not a library's (`np.zeros`, `zeros`), a builtin, or a method of some value (`x.dot`)."""
    if isinstance(function, ast.Name):
        return function.id not in imports.library and function.id not in BUILTINS
    if isinstance(function, ast.Attribute):
        root = function
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and (root.id in ("self", "cls") or root.id in imports.own)
    return isinstance(function, (ast.Call, ast.Lambda, ast.Subscript))


def _as_shift(argument: ast.expr, shifted: dict[str, _Shift], depends: dict[str, set[str]]) -> _Shift:
    """`x + h*e` as (x, +1, h*e), `np.subtract(x, d)` as (x, -1, d), a name bound to either as what it is bound to."""
    found = _shift_of(argument, depends) or _shifted_entry(argument, depends)
    if found is not None:
        return found
    if isinstance(argument, ast.Name) and argument.id in shifted:
        return shifted[argument.id]
    return _Shift(ast.dump(argument))


def _shift_of(expression: ast.expr, depends: dict[str, set[str]]) -> _Shift | None:
    """`base ± step`, where the step is no whole number and its value does not come from the base (`x + attn(x)` is a
    residual connection, not a step)."""
    if isinstance(expression, ast.BinOp) and isinstance(expression.op, (ast.Add, ast.Sub)):
        left, right, sign = expression.left, expression.right, 1 if isinstance(expression.op, ast.Add) else -1
    elif isinstance(expression, ast.Call) and isinstance(expression.func, ast.Attribute) and \
            expression.func.attr in ("add", "subtract") and len(expression.args) == 2:
        (left, right), sign = expression.args, 1 if expression.func.attr == "add" else -1
    else:
        return None
    if _whole_number(right) or _values_of(right, depends) & _values_of(left, depends):
        return None
    return _Shift(ast.dump(left), sign, ast.dump(right))


SHAPE_ONLY = frozenset({"zeros_like", "ones_like", "empty_like", "full_like", "shape", "size", "ndim", "dtype", "len",
                        "eye", "zeros", "ones", "empty", "arange"})
"""Calls and attributes that take only a shape from their argument: a direction `np.zeros_like(x)` owes x no value."""


def _value_dependence(node: ast.AST) -> dict[str, set[str]]:
    """For each name bound in `node`, the names its value is computed from, transitively (shapes aside)."""
    direct: dict[str, set[str]] = {}
    for item in ast.walk(node):
        if isinstance(item, (ast.Assign, ast.AugAssign, ast.AnnAssign)) and item.value is not None:
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                root = target
                while isinstance(root, (ast.Attribute, ast.Subscript)):
                    root = root.value
                if isinstance(root, ast.Name):
                    direct.setdefault(root.id, set()).update(_loaded(item.value))
    closed = {name: set(found) for name, found in direct.items()}
    changed = True
    while changed:
        changed = False
        for name, found in closed.items():
            more = set().union(*(closed.get(other, set()) for other in found)) - found
            if more:
                found |= more
                changed = True
    return closed


def _loaded(expression: ast.AST) -> set[str]:
    """The names whose values `expression` uses: not those it only takes a shape from."""
    if isinstance(expression, ast.Call):
        called = expression.func.attr if isinstance(expression.func, ast.Attribute) else \
            expression.func.id if isinstance(expression.func, ast.Name) else ""
        if called in SHAPE_ONLY:
            return set()
    if isinstance(expression, ast.Attribute) and expression.attr in SHAPE_ONLY:
        return set()
    if isinstance(expression, ast.Name):
        return {expression.id}
    return set().union(*(_loaded(child) for child in ast.iter_child_nodes(expression)))


def _values_of(expression: ast.AST, depends: dict[str, set[str]]) -> set[str]:
    """The names `expression`'s value comes from, through the names it uses."""
    used = _loaded(expression)
    return used.union(*(depends.get(name, set()) for name in used))


def _whole_number(node: ast.expr) -> bool:
    """A shift by a whole number (`n + 1`) is an index or a size, never a step."""
    if isinstance(node, ast.UnaryOp):
        return _whole_number(node.operand)
    return isinstance(node, ast.Constant) and isinstance(node.value, int)


def _shifted_names(node: ast.AST, depends: dict[str, set[str]]) -> dict[str, _Shift]:
    """Names bound to a shifted input (`xp = x + h * e`), or to a copy of one nudged in place (`xp[i] += h`)."""
    found: dict[str, _Shift] = {}
    copies: dict[str, str] = {}
    for item in ast.walk(node):
        if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            shift = _shift_of(item.value, depends) or _shifted_entry(item.value, depends)
            if shift is not None:
                found[item.targets[0].id] = shift
            elif _copy_of(item.value) is not None:
                copies[item.targets[0].id] = _copy_of(item.value)
    for item in ast.walk(node):
        name, sign, step = _nudge(item)
        if name in copies and step is not None:
            found[name] = _Shift(_name(copies[name]), sign, step)
    return found


def _copy_of(value: ast.expr) -> str | None:
    """The name `x` of `x.copy()`, `np.copy(x)`, `np.array(x)`, `x[:]` or `x.astype(...)`."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr in ("copy", "astype") and isinstance(value.func.value, ast.Name):
            return value.func.value.id
        if value.func.attr in ("copy", "array") and value.args and isinstance(value.args[0], ast.Name):
            return value.args[0].id
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name) and isinstance(value.slice, ast.Slice):
        return value.value.id
    return None


def _nudge(item: ast.AST) -> tuple[str | None, int, str | None]:
    """`xp[i] += h`, `xp.flat[i] -= h`, `xp[i] = xp[i] + h`: the nudged name, the sign and the step, else Nones."""
    if isinstance(item, ast.AugAssign) and isinstance(item.op, (ast.Add, ast.Sub)) and not _whole_number(item.value):
        target, operator, step = item.target, item.op, ast.dump(item.value)
    elif isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.value, ast.BinOp) and \
            isinstance(item.value.op, (ast.Add, ast.Sub)) and not _whole_number(item.value.right):
        target, operator, step = item.targets[0], item.value.op, ast.dump(item.value.right)
    else:
        return None, 0, None
    if not isinstance(target, ast.Subscript):
        return None, 0, None
    root = target.value
    while isinstance(root, (ast.Attribute, ast.Subscript)):
        root = root.value
    sign = 1 if isinstance(operator, ast.Add) else -1
    return (root.id, sign, step) if isinstance(root, ast.Name) else (None, 0, None)


def _nudged_in_place(node: ast.AST) -> set[str]:
    """Names whose elements are nudged by a step in place (`x[i] += h`)."""
    return {name for item in ast.walk(node) for name, _, step in [_nudge(item)] if name is not None and step is not None}


def _shifted_pair(first: list[_Shift], second: list[_Shift]) -> bool:
    """Two calls whose arguments differ in one place only: `x + h` against `x - h`, or against `x` itself."""
    if len(first) != len(second):
        return False
    differing = [(a, b) for a, b in zip(first, second) if a != b]
    if len(differing) != 1:
        return False
    a, b = differing[0]
    if a.step is not None and b.step is not None:
        return a.base == b.base and a.step == b.step and a.sign != b.sign
    return (a.base == b.base) if (a.step is None) != (b.step is None) else False


def _shifted_in_a_loop(node: ast.AST, imports: _Imports, depends: dict[str, set[str]]) -> bool:
    """A function of the submission called, in a loop, at a fixed input shifted by a step that follows the loop."""
    for loop in ast.walk(node):
        if not isinstance(loop, LOOPS):
            continue
        changing = _loop_variables(loop) | {
            name.id for item in ast.walk(loop) if isinstance(item, (ast.Assign, ast.AugAssign, ast.AnnAssign))
            for target in (item.targets if isinstance(item, ast.Assign) else [item.target])
            for name in ast.walk(target) if isinstance(name, ast.Name)}
        for call in ast.walk(loop):
            if not (isinstance(call, ast.Call) and _is_own(call.func, imports)):
                continue
            for argument in _arguments(call):
                if isinstance(argument, ast.Name) and argument.id in changing:
                    argument = _bound_in(loop, argument.id) or argument
                if _follows_the_loop(argument, changing, depends):
                    return True
    return False


def _loop_variables(loop: ast.AST) -> set[str]:
    if isinstance(loop, (ast.For, ast.AsyncFor)):
        targets = [loop.target]
    elif isinstance(loop, ast.While):
        targets = []
    else:
        targets = [generator.target for generator in loop.generators]
    return {name.id for target in targets for name in ast.walk(target) if isinstance(name, ast.Name)}


def _bound_in(loop: ast.AST, name: str) -> ast.expr | None:
    """The expression `name` is bound to inside the loop (`xp = x + s * h`), if it is bound once, plainly."""
    bound = [item.value for item in ast.walk(loop) if isinstance(item, ast.Assign) and len(item.targets) == 1
             and isinstance(item.targets[0], ast.Name) and item.targets[0].id == name]
    return bound[0] if len(bound) == 1 else None


def _follows_the_loop(expression: ast.expr, changing: set[str], depends: dict[str, set[str]]) -> bool:
    """`base ± step`: a step of the loop (no whole number) added to a base the loop leaves alone."""
    shift = _shift_of(expression, depends)
    if shift is None:
        return False
    base, step = (expression.left, expression.right) if isinstance(expression, ast.BinOp) else expression.args
    base_names, step_names = _values_of(base, depends), _values_of(step, depends) | _loaded(step)
    return bool(base_names) and not base_names & changing and bool(step_names & changing)
