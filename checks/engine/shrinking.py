"""A failing case made as simple as it goes, in a few batched rounds: the shrinking of a derandomized property.

Hypothesis shrinks a failure one example at a time, replaying its generation
first; under a derandomized profile every submission's failures would pay that,
a tenth of a second or more each. The same end, a case no one-step
simplification of which still fails, is reached here by rounds: each round
checks the one-step simplifications of the current failing case in one request
to the submission (the smallest case of the context first, then each axis at its
minimum and one smaller, each scalar at its first value and the one before,
the first scale, no edge; only when none of those fails, the seeds from 0 to 3,
the seed halved as often as it goes, and one less), and moves to the first of
them that still fails (or to all of the changes that fail alone, made at once,
where that fails too), until none does.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

from checks.engine.case_secret import CaseSecret
from checks.engine.cases import Case, sized, smallest_case
from checks.engine.strategies import SCALES

FIELDS = ("dims", "params", "scale", "edge", "seed")
"""What a simplification may change of a case (its context stays), in `Case`'s order."""
ROUNDS = 64
"""Rounds at most: each moves to a strictly simpler case; a few usually settle it."""
SMALL_SEEDS = 4
"""Seeds tried from 0 up, before the current seed halved again and again: most failures fail on any seed."""


def simplest(case: Case, failing: Callable[[list[Case]], list[Case]], secret: CaseSecret | None = None) -> Case:
    """The simplest failing case reached from `case` (which fails); `failing` checks a list of cases in one request
    and returns those that fail, in order. Under a course `secret`, the context's smallest case is the secret's."""
    seen = {case.key}
    for _ in range(ROUNDS):
        for tier in simplifications(case, secret):
            candidates = [candidate for candidate in tier if candidate.key not in seen]
            seen.update(candidate.key for candidate in candidates)
            failed = failing(candidates) if candidates else []
            if failed:
                case = _bolder(case, failed, seen, failing)
                break
        else:
            return case
    return case


def _bolder(case: Case, failed: list[Case], seen: set[tuple], failing: Callable[[list[Case]], list[Case]]) -> Case:
    """The first of `failed` (one-step simplifications of `case`), or every one of their changes made at once where
    that fails too: a round then settles what would take one round per change."""
    if len(failed) < 2:
        return failed[0]
    dims, params = dict(case.dims), dict(case.params)
    single = {"scale": case.scale, "edge": case.edge, "seed": case.seed}
    for candidate in reversed(failed):  # the first one's change wins where two change the same thing
        dims.update({axis: size for axis, size in candidate.dims if size != dict(case.dims)[axis]})
        params.update({name: value for name, value in candidate.params if value != case.scalars[name]})
        single.update({name: getattr(candidate, name) for name in single if getattr(candidate, name) != getattr(case, name)})
    bolder = _with(case, dims=tuple(dims.items()), params=tuple(params.items()), **single)
    if bolder is None or bolder.key in seen:
        return failed[0]
    seen.add(bolder.key)
    return bolder if failing([bolder]) else failed[0]


def simplifications(case: Case, secret: CaseSecret | None = None) -> tuple[list[Case], list[Case]]:
    """Every valid one-step simplification of `case`, in two tiers tried in turn: its shape and settings (the
    smallest case, dims, scalars, scale, edge), then its seed, which is worth trying only once the rest is settled."""
    return _valid(_shape_and_settings(case, secret), case), _valid(_seeds(case), case)


def _valid(candidates: Iterator[Case | None], case: Case) -> list[Case]:
    found, keys = [], {case.key}
    for candidate in candidates:
        if candidate is not None and candidate.key not in keys:
            keys.add(candidate.key)
            found.append(candidate)
    return found


def _shape_and_settings(case: Case, secret: CaseSecret | None) -> Iterator[Case | None]:
    context = case.context
    yield smallest_case(context, secret)
    dims, scalars = dict(case.dims), case.scalars
    for axis, size in context.sizes.items():
        if size.kind == "computed":
            continue
        smaller = (min(size.choices), max((c for c in size.choices if c < dims[axis]), default=dims[axis])) \
            if size.kind == "choices" else (size.minimum, dims[axis] - 1)
        for value in smaller:
            if size.smallest <= value < dims[axis]:
                yield _with(case, dims=tuple((name, value if name == axis else old) for name, old in case.dims))
    for scalar in context.scalars:
        position = scalar.values.index(scalars[scalar.name]) if scalars[scalar.name] in scalar.values else 0
        for value in (scalar.values[0], scalar.values[max(position - 1, 0)]):
            yield _with(case, params=tuple((name, value if name == scalar.name else old) for name, old in case.params))
    if case.scale != SCALES[0]:
        yield _with(case, scale=SCALES[0])
    if case.edge is not None:
        yield _with(case, edge=None)


def _seeds(case: Case) -> Iterator[Case | None]:
    for seed in sorted({*range(SMALL_SEEDS), *(case.seed >> shift for shift in range(1, case.seed.bit_length())),
                        case.seed - 1}):
        if 0 <= seed < case.seed:
            yield _with(case, seed=seed)


def _with(case: Case, **changes) -> Case | None:
    """`case` with `changes`; its computed sizes computed again from the drawn ones and the scalars (None where no
    nearby sizes make them whole, or the context refuses the combination)."""
    fields = {name: getattr(case, name) for name in FIELDS} | changes
    try:
        dims = tuple(sized(case.context, dict(fields["dims"]), dict(fields["params"])).items())
        return Case(case.context, dims, fields["seed"], fields["scale"], fields["params"], fields["edge"])
    except ValueError:  # a combination the context refuses (a SizeError among them)
        return None


__all__ = ["ROUNDS", "simplest", "simplifications"]
