"""Each variant the context declares: a path cut, a knob turned, a local derivative swapped (`path_missing:`, ...)."""
from __future__ import annotations

from collections.abc import Iterator

from checks import tags
from checks.assignment import Derivation
from checks.grading.candidates import Candidate, Kind

VARIANT_TAGS = {"path": tags.PATH_MISSING, "knob": tags.KNOB, "local_derivative": tags.LOCAL_DERIVATIVE}
"""The tag family of each kind of declared variant (`checks.assignment.VARIANT_KINDS`)."""


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    from checks.engine.truths import TRUTHS

    for variant in entry.context.variants:
        yield Candidate((VARIANT_TAGS[variant.kind].of(variant.name),), variant.says,
                        lambda o, variant=variant: TRUTHS.exact(entry, o.case, variant), variant)


KIND = Kind("declared_variants", 10, _candidates)
