"""The variants generated from each declared backward pass (`checks.grading.generated`): a derivative at the wrong
node, statistics over another axis, a scalar left out, only a Jacobian's diagonal, `np.diag` of a row."""
from __future__ import annotations

from collections.abc import Iterator

from checks.assignment import Derivation
from checks.grading.candidates import Candidate, Kind


def _candidates(entry: Derivation) -> Iterator[Candidate]:
    from checks.engine.truths import TRUTHS
    from checks.grading import generated

    for made in generated.variants(entry.context):
        yield Candidate(made.tags, made.says, lambda o, variant=made.variant: TRUTHS.exact(entry, o.case, variant),
                        made.variant)


KIND = Kind("generated_variants", 20, _candidates)
