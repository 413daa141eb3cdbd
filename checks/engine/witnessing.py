"""Which cases the numeric witness confirms autograd on: the policy, in one place.

The witness checks autograd, not the submission: its verdict on a case is the
same for every submission that meets it, and it costs far more than the truth
it confirms. So:

- `every` (`gradjudge verify`, `gradjudge soak`, the test suite): every case;
- `sampled` (grading): every case where the closed form and autograd disagree,
  before a failure is reported; the first case of each `regime`; and one in
  `FRACTION` of the rest, by its place in the stream (so the same cases every
  run). The JSON says, per id, how many cases were witnessed.
"""
from __future__ import annotations

from collections.abc import Callable

from checks.engine.cases import Case

EVERY = "every"
SAMPLED = "sampled"
NEVER = "never"
FRACTION = 10
POLICIES = {
    EVERY: "witness every case",
    SAMPLED: f"witness every disagreement, the first case of each regime, and one in {FRACTION} of the rest",
    NEVER: "witness no case: a surrogate model whose gradient is deliberately not its forward's derivative "
           "(a straight-through estimator), checked by `checks.testing`",
}

Policy = Callable[[Case, bool], bool]
"""`(case, whether the closed form matches autograd) -> witness it?`, asked once per case, in the stream's order."""


def regime(case: Case) -> tuple:
    """What makes a case's numerics differ in kind: its deliberate edge (a constant column, a tie) and its input
    scale (tiny variances at 0.1, large logits at 10). Dims would make nearly every drawn case the first of its kind."""
    return case.edge, case.scale


def policy(name: str) -> Policy:
    """A fresh policy for one run of the property: it counts the cases it is asked about."""
    if name not in POLICIES:
        raise ValueError(f"witness={name!r}, but the policies are {', '.join(POLICIES)}")
    if name == EVERY:
        return lambda case, agrees: True
    if name == NEVER:
        return lambda case, agrees: False
    seen: set[tuple] = set()
    asked = [0]

    def sampled(case: Case, agrees: bool) -> bool:
        first = regime(case) not in seen
        seen.add(regime(case))
        asked[0] += 1
        return not agrees or first or (asked[0] - 1) % FRACTION == 0

    return sampled
