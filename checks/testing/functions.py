"""`function(...)`: a custom `torch.autograd.Function` declared for checking: forward, backward, double backward.

With a `reference` (a differentiable torch function of the same inputs, such as
the unfused composition of PyTorch's own ops), the Function's forward must
equal the reference's, its backward must equal autograd on the reference, and,
where its backward is itself differentiable, its double backward must equal
the reference's. The backward is what autograd computes through
`Function.apply` for the upstream gradient `dy`; the checks are the ones
`gradient` makes, with the Function's backward as the closed form. Without a
reference (a forward autograd cannot differentiate), the backward is judged
against numeric differentiation of the Function's own forward alone, on every
case, and no cause can be named.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from checks.assignment import Derivation
from checks.engine import witnessing
from checks.engine.submission import Functions
from checks.testing import closed_forms, markers, model as models, validation
from checks.testing.declarations import (Inputs, Shapes, accepts, checked_inputs, checked_knobs, checked_shapes,
                                        checked_witness, checked_wrt, knob_says)
from checks.testing.model import Built, Input
from checks.testing.running import Checked, run
from checks.testing.validation import refuse
from checks.testing.values import normal

OUTPUT = "y"
DOUBLE_BACKWARD = {None: "checked where the backward is differentiable, skipped where it is not",
                   True: "required: a backward that cannot be differentiated fails",
                   False: "not checked"}


@dataclass(frozen=True, eq=False)
class FunctionCheck:
    """A `torch.autograd.Function` subclass against its `reference` (or numeric differentiation alone)."""

    name: str
    function: type
    reference: Callable | None
    shapes: dict[str, tuple[int, int]]
    inputs: dict[str, Input]
    constants: dict[str, object]
    wrt: tuple[str, ...]
    output: int | None
    examples: int | None
    witness: str
    double_backward: bool | None
    knobs: dict[str, object]

    def __repr__(self) -> str:
        return f"function({self.name}: {', '.join(self.wrt)})"

    @cached_property
    def parameters(self) -> tuple[str, ...]:
        return forward_parameters(self.function)

    def apply(self, values: Mapping[str, object]) -> torch.Tensor:
        """The Function applied to these inputs (and the constants), positionally, the output checked picked."""
        given = {**self.constants, **values}
        last = max(i for i, n in enumerate(self.parameters) if n in given)
        defaults = inspect.signature(self.function.forward).parameters
        arguments = [given[n] if n in given else defaults[n].default for n in self.parameters[:last + 1]]
        return _picked(self.function.apply(*arguments), self.output, self.name)

    def _reference(self, **values) -> torch.Tensor:
        return _picked(self.reference(**values, **self.constants), self.output, "reference")

    def _reference_with(self, setting: str, value: object) -> Callable:
        def changed(**values) -> torch.Tensor:
            return _picked(self.reference(**values, **{**self.constants, setting: value}), self.output, "reference")

        return changed

    def _own(self, **values) -> torch.Tensor:
        return self.apply(values)

    @cached_property
    def against(self) -> str:
        return "autograd" if self.reference is not None else "numeric"

    @cached_property
    def first_order(self) -> Built:
        truth = self._reference if self.reference is not None else self._own
        defaults = inspect.signature(self.reference).parameters if self.reference is not None else {}
        knobs = {k: (self._reference_with(k, v), knob_says(k, v, self.constants.get(k, getattr(defaults.get(k), "default", None))))
                 for k, v in self.knobs.items()}
        return models.build(model=truth, name=self.name, section=self.name, shapes=self.shapes, inputs=self.inputs,
                            output=OUTPUT, wrt=self.wrt, outputs_of=lambda y: {OUTPUT: y}, knobs=knobs)

    def run(self) -> Checked:
        """Forward (with a reference), backward and, where defined, double backward; raises `GradientMismatch`."""
        __tracebackhide__ = True
        built = self.first_order
        forward = Derivation(f"forward_{OUTPUT}", self.name, built.context, OUTPUT)
        backward = _backward(self.apply, tuple(self.inputs), self.wrt, built.upstream, positions=self.parameters)
        functions = closed_forms.components(backward, {e.id: e.wrt for e in built.entries}, self.wrt, "numpy")
        entries = built.entries
        if self.reference is not None:
            functions[forward.id] = _forward(self.apply, tuple(self.inputs))
            entries = (forward, *entries)
        witness = self.witness if self.reference is not None or self.witness == witnessing.NEVER else witnessing.EVERY
        describes = f"{self.function.__name__}'s forward and backward against " + (
            f"autograd on {_named(self.reference)}" if self.reference is not None else
            "numeric differentiation of its forward")
        checked = run(self.name, built, Functions(self.name, functions), entries=entries, examples=self.examples,
                      witness=witness, against=self.against, describes=describes)
        second = self._second_order()
        if second is None:
            return checked
        more = second.run()
        return Checked(self.name, checked.reports + more.reports)

    def _second_order(self) -> _DoubleBackward | None:
        if self.double_backward is False:
            return None
        built = self.first_order
        problem = _double_backward_problem(self, built)
        if problem is None:
            return _DoubleBackward(self, built)
        if self.double_backward:
            raise AssertionError(f"{self.name}: double_backward=True, but {problem}")
        return None


@dataclass(frozen=True, eq=False)
class _DoubleBackward:
    """The double backward as a first-order check: `L2 = Σ_w sum(v_w * ∂L/∂w)` differentiated with respect to every
    input checked and `dy`, through the reference (the truth) and through the Function (the answer)."""

    check: FunctionCheck
    first: Built

    @cached_property
    def covectors(self) -> dict[str, str]:
        return {w: f"v_{w}" for w in self.check.wrt}

    @cached_property
    def inputs(self) -> dict[str, Input]:
        found = dict(self.check.inputs)
        if self.first.upstream:
            found[self.first.upstream] = Input(self.first.context.vocabulary[self.first.upstream].shape, normal())
        found.update({v: Input(self.check.inputs[w].shape, normal()) for w, v in self.covectors.items()})
        return found

    @cached_property
    def wrt(self) -> tuple[str, ...]:
        return (*self.check.wrt, *((self.first.upstream,) if self.first.upstream else ()))

    def _model(self, apply: Callable, *, functional: bool = False) -> Callable:
        """`L2` as a function of the inputs, `dy` and the covectors, its first derivatives taken through `apply`:
        by `torch.func.vjp` when `functional` (so that vmap can batch it, for a reference made of torch's ops), else
        by `torch.autograd.grad` with `create_graph` (what a Function's own backward needs)."""
        names, wrt, upstream, covectors = tuple(self.check.inputs), self.check.wrt, self.first.upstream, self.covectors

        def by_vjp(**values):
            def first(*points):
                with markers.untraced():
                    return apply({**{n: values[n] for n in names}, **dict(zip(wrt, points))})

            output, pullback = torch.func.vjp(first, *(values[w] for w in wrt))
            grads = pullback(values[upstream] if upstream else torch.ones_like(output))
            return sum((values[covectors[w]] * g).sum() for w, g in zip(wrt, grads))

        def second_order(**values):
            with torch.enable_grad():
                tracked = {n: values[n] if values[n].requires_grad or n not in wrt else
                           values[n].detach().requires_grad_(True) for n in names}
                with markers.untraced():
                    output = apply(tracked)
                grads = torch.autograd.grad(output, [tracked[w] for w in wrt],
                                            values[upstream] if upstream else None, create_graph=True,
                                            allow_unused=True, materialize_grads=True)
                found = sum((values[covectors[w]] * g).sum() for w, g in zip(wrt, grads))
            followed = any(isinstance(v, torch.Tensor) and v.requires_grad for v in values.values())
            return found if followed else found.detach()

        return by_vjp if functional else second_order

    def run(self) -> Checked:
        __tracebackhide__ = True
        check = self.check
        truth = self._model(lambda v: check._reference(**v), functional=True) if check.reference is not None else \
            self._model(check.apply)
        name = f"{check.name}_double_backward"
        built = models.build(model=truth, name=name, section=name, shapes=check.shapes, inputs=self.inputs,
                             output="second_order", wrt=self.wrt, outputs_of=lambda y: {"second_order": y})
        second = self._model(check.apply)
        answer = _backward(lambda tracked: second(**tracked), tuple(self.inputs), self.wrt, None, through=True)
        functions = closed_forms.components(answer, {e.id: e.wrt for e in built.entries}, self.wrt, "numpy")
        witness = check.witness if check.reference is not None else witnessing.EVERY
        describes = (f"the double backward of {check.function.__name__}: L = Σ sum(v_w * ∂L/∂w) over "
                     f"{', '.join(check.wrt)}, differentiated through its backward")
        return run(name, built, Functions(name, functions), entries=built.entries, examples=check.examples,
                   witness=witness, against=check.against, describes=describes)


def function(function_class: type, *, shapes: Shapes, inputs: Inputs, reference: Callable | None = None,
             constants: Mapping[str, object] | None = None, wrt: str | Sequence[str] | None = None,
             output: int | None = None, examples: int | None = None, witness: str = witnessing.SAMPLED,
             double_backward: bool | None = None, knobs: Mapping[str, object] | None = None,
             differentiable: bool = True, name: str | None = None) -> FunctionCheck:
    """Declare a `torch.autograd.Function` subclass for checking against `reference` (a torch function of the same
    inputs and constants, by keyword), or, without one, against numeric differentiation of its forward.

    `inputs` are the tensors the forward takes (shapes in the axes of
    `shapes`), `constants` its other arguments (eps, a dim); `output` picks one
    output of a forward that returns several. `knobs` and `differentiable` are
    `gradient`'s, for the reference (a knob changes one of its settings).
    """
    if not isinstance(function_class, type) or not issubclass(function_class, torch.autograd.Function):
        raise refuse("function_class", function_class, "it must be a subclass of torch.autograd.Function", TypeError)
    ranges = checked_shapes(shapes)
    declared = checked_inputs(inputs, ranges)
    if not isinstance(constants or {}, Mapping):
        raise refuse("constants", constants, "it must map the forward's other parameters to their values", TypeError)
    fixed = dict(constants or {})
    parameters = forward_parameters(function_class)
    unknown = [n for n in (*declared, *fixed) if n not in parameters]
    if unknown:
        raise refuse("inputs", list(declared), f"{function_class.__name__}.forward takes {', '.join(parameters)}, "
                                               f"not {', '.join(unknown)}")
    if output is not None and (not isinstance(output, int) or isinstance(output, bool) or output < 0):
        raise refuse("output", output, "it must be the index of one output of the forward, or None for its only one")
    if reference is not None:
        validation.function("reference", reference)
        accepts(reference, "reference", {**declared, **fixed})
    elif knobs:
        raise refuse("knobs", knobs, "knobs change a setting of the reference, and there is none")
    return FunctionCheck(name=validation.identifier("name", name or function_class.__name__, "the check's name"),
                         function=function_class, reference=reference, shapes=ranges, inputs=declared,
                         constants=fixed, wrt=checked_wrt(wrt, declared), output=output,
                         examples=None if examples is None else validation.positive_int("examples", examples),
                         witness=checked_witness(witness, differentiable),
                         double_backward=validation.choice("double_backward", double_backward, DOUBLE_BACKWARD),
                         knobs=checked_knobs(knobs, reference, "reference", tuple(fixed)) if reference else {})


def forward_parameters(function_class: type) -> tuple[str, ...]:
    """The forward's parameters after `ctx` (none to skip where `setup_context` is defined)."""
    found = list(inspect.signature(function_class.forward).parameters)
    separate = function_class.setup_context is not torch.autograd.Function.setup_context
    return tuple(found if separate else found[1:])


def _picked(returned: object, output: int | None, who: str) -> torch.Tensor:
    if isinstance(returned, (tuple, list)):
        if output is None or output >= len(returned):
            raise ValueError(f"output={output!r}, but {who} returns {len(returned)} outputs; pick one by its index")
        returned = returned[output]
    if not isinstance(returned, torch.Tensor):
        raise TypeError(f"{who} returned a {type(returned).__name__}, where a tensor was due")
    return returned


def _signature(names: Sequence[str]) -> inspect.Signature:
    return inspect.Signature([inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY) for n in names])


def _forward(apply: Callable, names: tuple[str, ...]) -> Callable:
    """The Function's forward as a closed form of a forward value (numpy in, numpy out)."""
    def forward(**values):
        with torch.no_grad():
            return apply({n: torch.from_numpy(values[n]) for n in names}).numpy()

    forward.__signature__ = _signature(names)
    return forward


def _backward(apply: Callable, names: tuple[str, ...], wrt: tuple[str, ...], upstream: str | None, *,
              through: bool = False, positions: tuple[str, ...] = ()) -> Callable:
    """What autograd computes through `apply` for the upstream gradient, as a closed form of every `wrt`.

    With `through`, `apply` already returns a scalar whose gradient is wanted (the double backward's `L2`), and the
    upstream gradient is one of the inputs. `positions` are the forward's parameters, in order.
    """
    def backward(**values):
        with torch.enable_grad():
            tracked = {n: torch.from_numpy(values[n]).requires_grad_(n in wrt) if values[n].dtype.kind == "f" else
                       torch.from_numpy(values[n]) for n in names}
            output = apply(tracked)
            seed = None if through or upstream is None else torch.from_numpy(values[upstream])
            try:
                grads = torch.autograd.grad(output, [tracked[w] for w in wrt], seed, allow_unused=True,
                                            materialize_grads=True)
            except RuntimeError as refused:
                if through or "invalid gradient" not in str(refused):
                    raise
                return _as_returned(output, seed, positions, wrt)
        return {w: g for w, g in zip(wrt, grads)}

    backward.__signature__ = _signature((*names, *((upstream,) if upstream and not through else ())))
    return backward


def _as_returned(output: torch.Tensor, seed: torch.Tensor | None, names: tuple[str, ...],
                 wrt: tuple[str, ...]) -> dict[str, torch.Tensor]:
    """What the Function's backward itself returned, where autograd refuses it (a shape no input has): so that the
    shape, and what the values are (a transpose, per-sample rows), can be told. Autograd raises there all the same."""
    returned = output.grad_fn.apply(seed if seed is not None else torch.ones_like(output))
    returned = returned if isinstance(returned, tuple) else (returned,)
    return {w: returned[names.index(w)] for w in wrt}


def _double_backward_problem(check: FunctionCheck, built: Built) -> str | None:
    """Why the Function's backward cannot be differentiated, on the probe case; None if it can."""
    sizes = models.probe_sizes(check.shapes)
    rng = np.random.default_rng(1)
    values = {n: torch.from_numpy(models.draw(spec, rng, sizes, 1.0)) for n, spec in check.inputs.items()}
    with torch.enable_grad():
        tracked = {n: v.requires_grad_(True) if n in check.wrt else v for n, v in values.items()}
        output = check.apply(tracked)
        seed = torch.randn(output.shape, dtype=output.dtype, requires_grad=True) if built.upstream else None
        try:
            grads = torch.autograd.grad(output, [tracked[w] for w in check.wrt], seed, create_graph=True,
                                        allow_unused=True)
            live = [g for g in grads if g is not None and g.requires_grad]
            if not live:
                return f"{check.function.__name__}'s backward is not differentiable (its result carries no graph)"
            second = torch.autograd.grad(sum(g.sum() for g in live), [tracked[w] for w in check.wrt] +
                                         ([seed] if seed is not None else []), allow_unused=True)
            if all(found is None for found in second):
                return (f"{check.function.__name__}'s backward is not differentiable (marked once_differentiable, or "
                        "its result depends on nothing autograd followed)")
        except RuntimeError as problem:
            return f"{check.function.__name__}'s backward cannot be differentiated: {str(problem).splitlines()[0]}"
    if built.upstream and not built.context.vocabulary[built.upstream].shape and output.dim() > 0:
        return "the output's shape names no axes of `shapes` one to one, so its upstream gradient cannot be drawn"
    return None


def _named(function: Callable) -> str:
    return getattr(function, "__qualname__", None) or repr(function)
