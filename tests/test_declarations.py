"""A mistake in a declaration fails early, with a message that says what to change; points default to 1;
and an oracle that fails on one id costs that id only."""

import pytest
from helpers import HW1

from checks.assignment import Assignment, Axis, Context, DeclarationError, Derivation, Node, Quantity
from checks.engine.validation import validate
from checks.grading import rubric
from checks.grading.handins import grade_submission
from checks.lazy import torch
from checks.sandbox.isolation import choose

BN = HW1.context("bn")
AXES = (Axis("m", "batch"), Axis("d", "width"))


def _leaves(rng, case):
    m, d = case.size["m"], case.size["d"]
    return {"x": rng.standard_normal((m, d)), "dy": rng.standard_normal((m, d))}


def _context(*, generate=_leaves, nodes=None, name="layer") -> Context:
    return Context(name, "y = sin(x)", axes={"m": 1, "d": 1},
                   leaves=(Quantity("x", ("m", "d"), "input"), Quantity("dy", ("m", "d"), "upstream gradient")),
                   nodes=nodes or (Node("y", ("m", "d"), "sin(x)", ("x",), torch.sin),
                                   Node("L", (), "sum(dy * y)", ("dy", "y"), lambda dy, y: (dy * y).sum())),
                   generate=generate)


def _assignment(context: Context, derivations, reference_module="tests_reference_module", rubric_path=None) -> Assignment:
    return Assignment("tiny", "A sine", AXES, (context,), tuple(derivations), reference_module, "import numpy as np\n",
                      rubric=rubric_path)


@pytest.mark.parametrize(("declare", "says"), [
    (lambda: Derivation("bn_dxhat", "1.1", BN, of="L", wrt="xhat"), "the loss L does not depend on it"),
    (lambda: Derivation("bn_dmu_dy", "1.1", BN, of="mu", wrt="y", pattern="a,ib->a"), "must be downstream of wrt='y'"),
    (lambda: Derivation("bn_dL_dz", "1.1", BN, of="L", wrt="z"), "wrt='z', but it is not in the bn vocabulary"),
    (lambda: Derivation("bn_dy_dx", "1.1", BN, of="y", wrt="x"), "a pattern is given exactly for Jacobians"),
    (lambda: Derivation("bn_dy_dx", "1.1", BN, of="y", wrt="x", pattern="ij->ij"), "must index the 4 Jacobian axes"),
    (lambda: Derivation("bn-dx", "1.1", BN, of="L", wrt="x"), "must be a Python identifier"),
    (lambda: Derivation("bn_x", "1.1", BN, of="x"), "a forward value must be of a node"),
    (lambda: Derivation("bn_dL_dgamma2", "1.1", BN, of="L", wrt="gamma", rows_of="mu"), "rows_of='mu' must be a node computed from 'gamma'"),
    (lambda: _context(nodes=(Node("L", (), "loss", ("y",), torch.sin),)), "takes y, which no leaf or earlier node defines"),
    (lambda: Context("c", "", axes={"m": 1}, leaves=(Quantity("x", ("m", "d"), ""),), nodes=(Node("L", (), "", ("x",), torch.sum),),
                     generate=_leaves), "d is not one of its axes"),
    (lambda: _assignment(_context(), [Derivation("f", "1", _context(name="other"), of="L", wrt="x")]),
     "belongs to context 'other', which is not one of the assignment's contexts"),
])
def test_a_declaration_mistake_is_refused_with_what_to_change(declare, says):
    with pytest.raises(DeclarationError, match=None) as caught:
        declare()
    assert says in str(caught.value)


@pytest.fixture
def reference_module(tmp_path, monkeypatch):
    """A reference module `tests_reference_module` whose text each test writes."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(text: str) -> None:
        import importlib
        import sys

        (tmp_path / "tests_reference_module.py").write_text(text)
        sys.modules.pop("tests_reference_module", None)
        importlib.invalidate_caches()

    return write


def test_a_generator_that_misses_a_leaf_is_refused_when_checked(reference_module):
    reference_module("import numpy as np\ndef dL_dx(dy, x):\n    r'''$dy \\cos x$, `(m, d)`.'''\n    return dy * np.cos(x)\n")
    context = _context(generate=lambda rng, case: {"x": rng.standard_normal((case.size["m"], case.size["d"]))})
    with pytest.raises(DeclarationError, match="generate returns"):
        validate(_assignment(context, [Derivation("dL_dx", "1", context, of="L", wrt="x")]))


def test_a_docstring_that_states_another_shape_is_refused(reference_module):
    reference_module("import numpy as np\ndef dL_dx(dy, x):\n    r'''$dy \\cos x$, `(d,)`.'''\n    return dy * np.cos(x)\n")
    context = _context()
    with pytest.raises(DeclarationError, match=r"states the shape `\(d,\)`, but the id returns `\(m, d\)`"):
        validate(_assignment(context, [Derivation("dL_dx", "1", context, of="L", wrt="x")]))


def test_a_missing_reference_function_is_refused(reference_module):
    reference_module("import numpy as np\n")
    context = _context()
    with pytest.raises(DeclarationError, match="defines no function dL_dx"):
        validate(_assignment(context, [Derivation("dL_dx", "1", context, of="L", wrt="x")]))


def test_an_id_no_rubric_names_is_worth_one_point(reference_module, tmp_path):
    reference_module("import numpy as np\n")
    (tmp_path / "points.toml").write_text("[points]\ndL_dx = 3\n")
    context = _context()
    declared = _assignment(context, [Derivation("dL_dx", "1", context, of="L", wrt="x"),
                                     Derivation("dL_dy", "2", context, of="L", wrt="y")], rubric_path=tmp_path / "points.toml")
    assert rubric.load(declared).points == {"dL_dx": 3.0, "dL_dy": 1.0}


def test_an_oracle_that_fails_costs_that_id_only_and_no_other_submission(reference_module, tmp_path):
    reference_module("import numpy as np\n"
                     "def dL_dx(dy, x):\n    r'''$dy \\cos x$, `(m, d)`.'''\n    return dy * np.cos(x)\n"
                     "def dL_dz(dy, z):\n    r'''$dy \\cos z$, `(m, d)`.'''\n    return dy * np.cos(z)\n")

    import torch as real_torch

    class Fragile(real_torch.autograd.Function):
        """The identity, whose backward fails: autograd through it raises, as a broken model would."""

        @staticmethod
        def forward(ctx, x):
            return x.clone()

        @staticmethod
        def backward(ctx, grad):
            raise RuntimeError("this model cannot be differentiated through z")

    fragile = Fragile.apply

    context = _context(nodes=(Node("z", ("m", "d"), "x", ("x",), fragile), Node("y", ("m", "d"), "sin(z)", ("z",), torch.sin),
                              Node("L", (), "sum(dy * y)", ("dy", "y"), lambda dy, y: (dy * y).sum())))
    declared = _assignment(context, [Derivation("dL_dx", "1", context, of="L", wrt="x"),
                                     Derivation("dL_dz", "2", context, of="L", wrt="z")])
    points = rubric.load(declared)
    grades = []
    for name in ("alice", "bob"):
        path = tmp_path / f"{name}.py"
        path.write_text((tmp_path / "tests_reference_module.py").read_text())
        grades.append(grade_submission(path, declared, points, choose()))
    for grade in grades:
        rows = {row.id: row for row in grade.derivations}
        assert rows["dL_dx"].status == "error" and "oracle_error" in rows["dL_dx"].tags
        assert "cannot be differentiated through z" in rows["dL_dx"].message
        assert rows["dL_dz"].status == "passed", rows["dL_dz"].message
        assert grade.status == "graded" and grade.score == 1
