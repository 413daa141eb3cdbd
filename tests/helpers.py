"""Shared helpers for the test suite."""
from checks.catalog import BY_NAME
from checks.cases import Case
from checks.registry import REGISTRY
from checks.submission import Overlay, reference

SMALL = {
    "bn": dict(m=4, d=3, eps=1e-5),
    "dropout": dict(m=3, d=4, p=0.5),
    "softmax": dict(m=3, n=4),
    "net": dict(m=4, d_in=3, d_hidden=4, d_out=3, n_classes=3, p=0.5, eps=1e-5),
}


def small_case(context: str, **changes) -> Case:
    """A small case of `context`; keywords override its dims, scalars, seed, scale or edge."""
    return Case.of(context, **{**SMALL[context], **changes})


def with_variant(name: str) -> Overlay:
    """The reference with one id replaced by a catalog variant."""
    variant = BY_NAME[name]
    return Overlay(reference(), {variant.id: variant.function}, name)


def entries_of(context: str) -> list:
    return [entry for entry in REGISTRY if entry.context == context]
