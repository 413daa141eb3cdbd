"""`gradient(...)`: a hand-derived gradient declared against a torch model, validated before anything runs.

A declaration is a value: made once (at import, in a list to parametrize over),
built on its first run (the model is run once on a probe case then), and run by
`.run()` or `assert_gradient`. Arguments are keyword-only and checked first;
every refusal reads "`name=value`, but why".
"""
from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import torch

from checks.engine import witnessing
from checks.sandbox.calling import signature_of
from checks.testing import closed_forms, model as models, validation
from checks.testing.model import Built, Input
from checks.testing.running import Checked, run
from checks.testing.validation import refuse
from checks.testing.values import Values

Shapes = Mapping[str, "int | tuple[int, int]"]
Inputs = Mapping[str, "Sequence[str] | Input"]


@dataclass(frozen=True, eq=False)
class GradientCheck:
    """`closed_form` against float64 autograd on `model`, on every case hypothesis draws from `shapes` and `inputs`."""

    name: str
    closed_form: Callable
    model: Callable
    shapes: dict[str, tuple[int, int]]
    inputs: dict[str, Input]
    wrt: tuple[str, ...]
    output: str
    arrays: str
    examples: int | None
    witness: str
    knobs: dict[str, object]

    def __repr__(self) -> str:
        return f"gradient({self.name}: {', '.join(self.wrt)})"

    @cached_property
    def built(self) -> Built:
        defaults = inspect.signature(self.model).parameters
        others = {k: (functools.partial(self.model, **{k: v}), knob_says(k, v, defaults[k].default))
                  for k, v in self.knobs.items()}
        built = models.build(model=self.model, name=self.name, section=self.name, shapes=self.shapes,
                             inputs=self.inputs, output=self.output, wrt=self.wrt, outputs_of=self._outputs,
                             knobs=others)
        asks_for(self.closed_form, "closed_form", built)
        return built

    def _outputs(self, returned: object) -> dict[str, torch.Tensor]:
        return named_outputs(returned, self.output)

    def run(self) -> Checked:
        """Check every gradient; raise `GradientMismatch` saying which are wrong, where and why."""
        __tracebackhide__ = True
        built = self.built
        ids = {entry.id: entry.wrt for entry in built.entries}
        submission = closed_forms.submission(self.closed_form, ids, self.wrt, self.arrays, self.name)
        return run(self.name, built, submission, entries=built.entries, examples=self.examples, witness=self.witness,
                   against="autograd", describes=built.context.title)


def gradient(closed_form: Callable, model: Callable, *, shapes: Shapes, inputs: Inputs,
             wrt: str | Sequence[str] | None = None, output: str = "y", arrays: str = "numpy",
             examples: int | None = None, witness: str = witnessing.SAMPLED, knobs: Mapping[str, object] | None = None,
             differentiable: bool = True, name: str | None = None) -> GradientCheck:
    """Declare `closed_form` as the gradient of `model`'s loss with respect to `wrt` (default: every float input).

    `shapes` maps each axis to its range of sizes, `(low, high)` or one fixed
    size, the batch axis first; `inputs` maps each input of `model` to its shape
    in axis names, or to `Input(shape, values)` to draw it otherwise than
    normal. `output` names the model's output (a key, when it returns a dict).
    `knobs` gives other values of the model's keyword settings (`{"eps": 0.0}`):
    diagnosis recognises the exact gradient of the model with one of them
    changed. `differentiable=False` declares a surrogate (a straight-through
    estimator): autograd on it is the truth, and no numeric witness is asked.
    """
    validation.function("closed_form", closed_form)
    validation.function("model", model)
    ranges = checked_shapes(shapes)
    declared = checked_inputs(inputs, ranges)
    accepts(model, "model", declared)
    validation.identifier("output", output, "the output's name")
    return GradientCheck(name=_name(name, closed_form), closed_form=closed_form, model=model, shapes=ranges,
                         inputs=declared, wrt=checked_wrt(wrt, declared), output=output,
                         arrays=validation.choice("arrays", arrays, closed_forms.ARRAYS),
                         examples=None if examples is None else validation.positive_int("examples", examples),
                         witness=checked_witness(witness, differentiable),
                         knobs=checked_knobs(knobs, model, "model", ()))


def checked_witness(witness: object, differentiable: object) -> str:
    """The witness policy: the one asked for, or none at all for a surrogate model."""
    if not isinstance(differentiable, bool):
        raise refuse("differentiable", differentiable, "it must be True or False", TypeError)
    chosen = validation.choice("witness", witness, {k: v for k, v in witnessing.POLICIES.items()
                                                    if k != witnessing.NEVER})
    return chosen if differentiable else witnessing.NEVER


def checked_knobs(knobs: object, function: Callable, role: str, settings: Sequence[str]) -> dict[str, object]:
    """Each knob names a keyword setting of `function` with a default, or one of `settings`."""
    if knobs is None:
        return {}
    if not isinstance(knobs, Mapping):
        raise refuse("knobs", knobs, "it must map settings of the model to other values", TypeError)
    parameters = inspect.signature(function).parameters
    for k in knobs:
        if k not in settings and (k not in parameters or parameters[k].default is inspect.Parameter.empty):
            raise refuse("knobs", dict(knobs), f"{k!r} is not a setting of the {role} (a parameter with a default"
                                               + (f", or one of {', '.join(settings)}" if settings else "") + ")")
        validation.identifier("knobs", k, f"knob {k!r}")
    return dict(knobs)


def knob_says(name: str, value: object, default: object) -> str:
    """What an answer is when it is the model's with one setting changed (a gradient or a forward value alike)."""
    return f"exactly that of the model with {name} = {value!r} instead of {default!r}"


def checked_shapes(shapes: object) -> dict[str, tuple[int, int]]:
    if not isinstance(shapes, Mapping) or not shapes:
        raise refuse("shapes", shapes, "it must map each axis name to its sizes, (low, high) or one int, the batch "
                                       "axis first", TypeError)
    ranges = {}
    for axis, sizes in shapes.items():
        validation.identifier("shapes", axis, f"axis {axis!r}")
        low, high = (sizes, sizes) if isinstance(sizes, int) and not isinstance(sizes, bool) else \
            tuple(sizes) if isinstance(sizes, (tuple, list)) and len(sizes) == 2 else (None, None)
        if not all(isinstance(s, int) and not isinstance(s, bool) for s in (low, high)) or not 1 <= low <= high:
            raise refuse("shapes", dict(shapes), f"{axis} must be (low, high) with 1 <= low <= high, or one size "
                                                 f"of at least 1, not {sizes!r}")
        ranges[axis] = (low, high)
    return ranges


def checked_inputs(inputs: object, ranges: Mapping[str, tuple[int, int]]) -> dict[str, Input]:
    if not isinstance(inputs, Mapping) or not inputs:
        raise refuse("inputs", inputs, "it must map each input of the model to its shape in axis names, or to "
                                       "Input(shape, values)", TypeError)
    declared = {}
    for name, spec in inputs.items():
        validation.identifier("inputs", name, f"input {name!r}")
        spec = spec if isinstance(spec, Input) else Input(tuple(spec)) if isinstance(spec, (tuple, list)) else None
        if spec is None or not all(isinstance(axis, str) for axis in spec.shape):
            raise refuse("inputs", dict(inputs), f"{name} must be a tuple of axis names or Input(shape, values)",
                         TypeError)
        unknown = [axis for axis in spec.shape if axis not in ranges]
        if unknown:
            raise refuse("inputs", dict(inputs), f"{name} has axes {', '.join(unknown)}, which `shapes` does not "
                                                 f"declare ({', '.join(ranges)})")
        if not isinstance(spec.values, Values):
            raise refuse("inputs", dict(inputs), f"{name}'s values must come from checks.testing's generators "
                                                 "(normal(), positive(), probability(), binary(), indices(axis)) or "
                                                 "a Values", TypeError)
        declared[name] = Input(tuple(spec.shape), spec.values)
    return declared


def checked_wrt(wrt: object, inputs: Mapping[str, Input]) -> tuple[str, ...]:
    floating = [name for name, spec in inputs.items() if spec.values.floating]
    if wrt is None:
        if not floating:
            raise refuse("inputs", dict(inputs), "no input has float values to differentiate")
        return tuple(floating)
    names = (wrt,) if isinstance(wrt, str) else tuple(wrt) if isinstance(wrt, (tuple, list)) else None
    if not names or not all(isinstance(n, str) for n in names):
        raise refuse("wrt", wrt, "it must name an input, or several", TypeError)
    for n in names:
        if n not in floating:
            raise refuse("wrt", wrt, f"{n!r} is not an input with float values ({', '.join(floating) or 'none'})")
    if len(set(names)) != len(names):
        raise refuse("wrt", wrt, "it names an input twice")
    return names


def accepts(function: Callable, role: str, inputs: Mapping[str, object]) -> None:
    """`function` can be called with exactly these inputs by keyword."""
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError) as problem:
        raise refuse(role, function, f"its signature cannot be read ({problem})", TypeError) from None
    if any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        return
    required = [n for n, p in parameters.items() if p.default is p.empty and p.kind not in (p.VAR_POSITIONAL,)]
    missing = [n for n in required if n not in inputs]
    if missing:
        raise refuse(role, function, f"it takes {', '.join(missing)}, which `inputs` does not declare")
    extra = [n for n in inputs if n not in parameters]
    if extra:
        raise refuse(role, function, f"`inputs` declares {', '.join(extra)}, which it does not take")


def asks_for(closed_form: Callable, role: str, built: Built) -> None:
    """Every name the closed form asks for is one the context offers."""
    signature = signature_of(closed_form)
    if signature.problem:
        raise refuse(role, closed_form, signature.problem, TypeError)
    vocabulary = built.context.vocabulary
    unknown = [n for n in signature.names if n not in vocabulary or n == models.LOSS]
    if unknown:
        offered = [f"inputs {', '.join(q.name for q in built.context.leaves if q.name != built.upstream)}"]
        offered += [f"the upstream gradient {built.upstream}"] if built.upstream else []
        offered += [f"the model's nodes and outputs {', '.join(n.name for n in built.context.nodes if n.name != models.LOSS)}"]
        raise refuse(role, closed_form, f"it asks for {', '.join(unknown)}, which the model does not name (it can ask "
                                        f"for: {'; '.join(offered)})")


def named_outputs(returned: object, output: str) -> dict[str, torch.Tensor]:
    """What a model returns, as named tensors: one tensor is `output`; a dict names its own."""
    if isinstance(returned, torch.Tensor):
        return {output: returned}
    if isinstance(returned, Mapping) and all(isinstance(v, torch.Tensor) for v in returned.values()):
        return dict(returned)
    raise refuse("model", returned, "a model must return a tensor, or a dict of named tensors", TypeError)


def _name(name: object, closed_form: Callable) -> str:
    if name is None:
        found = getattr(closed_form, "__name__", "closed_form")
        return found if found.isidentifier() else "closed_form"
    return validation.identifier("name", name, "the check's name")
