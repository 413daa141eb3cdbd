"""Sizes as a context declares them: ranges with declared maxima, choices, and sizes computed from sizes and scalars.

The context here is a strided, zero-padded convolution, whose output size is
`(H + 2*pad - HH)/stride + 1` and must come out whole; every expectation is
written out by hand from that formula.
"""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.assignment import Context, DeclarationError, Node, Quantity, Scalar
from checks.engine.cases import Case, diagnostic_cases, edge_cases, smallest_case
from checks.engine.oracles import evaluate
from checks.engine.strategies import cases
from checks.lazy import F
from checks.sizes import Size, SizeError

STRIDE = Scalar("stride", "stride, an int", values=(1, 2), diagnostic=(1, 2))
PAD = Scalar("pad", "zero padding, an int", values=(0, 1, 2), diagnostic=(0, 1))


def _leaves(rng, case):
    n, c, f, h, w, hh, ww, ho, wo = (case.size[a] for a in ("N", "C", "F", "H", "W", "HH", "WW", "Ho", "Wo"))
    return {"x": rng.standard_normal((n, c, h, w)), "w": rng.standard_normal((f, c, hh, ww)),
            "dout": rng.standard_normal((n, f, ho, wo))}


def _convolved(x, w, stride, pad):
    assert type(stride) is int and type(pad) is int, "integer scalars reach the model as Python ints"
    return F.conv2d(x, w, stride=stride, padding=pad)


CONV = Context(
    "conv", "a strided convolution with zero padding",
    axes={"N": 1, "C": Size(minimum=1, maximum=2), "F": 1, "H": 1, "W": 1, "HH": Size(choices=(1, 3)),
          "WW": Size(choices=(1, 3)), "Ho": Size(computed="(H + 2*pad - HH)/stride + 1"),
          "Wo": Size(computed="(W + 2*pad - WW)/stride + 1")},
    leaves=(Quantity("x", ("N", "C", "H", "W"), "input"), Quantity("w", ("F", "C", "HH", "WW"), "filters"),
            Quantity("dout", ("N", "F", "Ho", "Wo"), "upstream gradient")),
    scalars=(STRIDE, PAD),
    nodes=(Node("out", ("N", "F", "Ho", "Wo"), "conv(x, w)", ("x", "w", "stride", "pad"), _convolved),
           Node("L", (), "sum(dout * out)", ("dout", "out"), lambda dout, out: (dout * out).sum())),
    generate=_leaves,
)


def _output(size: int, kernel: int, stride: int, pad: int) -> float:
    return (size + 2 * pad - kernel) / stride + 1


@settings(max_examples=300, database=None, deadline=None)
@given(st.data())
def test_every_drawn_case_has_whole_computed_sizes_and_draws_within_what_is_declared(data):
    case = data.draw(cases(context=CONV))
    size, stride, pad = case.size, case.scalars["stride"], case.scalars["pad"]
    assert size["Ho"] == _output(size["H"], size["HH"], stride, pad)
    assert size["Wo"] == _output(size["W"], size["WW"], stride, pad)
    assert size["HH"] in (1, 3) and size["WW"] in (1, 3)
    assert 1 <= size["C"] <= 2 and 1 <= size["N"] <= 6
    assert type(stride) is int and type(pad) is int


def test_every_choice_and_scalar_value_is_drawn():
    seen = []

    @settings(max_examples=200, database=None, deadline=None)
    @given(cases(context=CONV))
    def visit(case):
        seen.append(case)

    visit()
    assert {case.size["HH"] for case in seen} == {1, 3}
    assert {case.scalars["stride"] for case in seen} == {1, 2}
    assert {case.scalars["pad"] for case in seen} == {0, 1, 2}
    assert max(case.size["C"] for case in seen) == 2
    assert max(case.size["H"] for case in seen) >= 5


def test_a_case_given_by_hand_computes_its_sizes_and_the_model_agrees():
    case = Case.of(CONV, N=2, C=1, F=2, H=5, W=7, HH=3, WW=1, stride=2, pad=1)
    assert (case.size["Ho"], case.size["Wo"]) == (3, 5)
    assert evaluate(case).arrays["out"].shape == (2, 2, 3, 5)


@pytest.mark.parametrize(("values", "says"), [
    (dict(N=1, C=1, F=1, H=4, W=5, HH=3, WW=3, stride=2, pad=1), "Ho = (H + 2*pad - HH)/stride + 1 = 5/2, but a computed "
                                                                 "size must be a whole number of at least 1"),
    (dict(N=1, C=1, F=1, H=5, W=5, HH=3, WW=3, Ho=2, stride=2, pad=1), "Ho=2, but context 'conv' computes Ho"),
])
def test_sizes_that_do_not_fit_the_formula_are_refused_with_why(values, says):
    with pytest.raises(ValueError, match=says.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*").replace("+", r"\+")):
        Case.of(CONV, **values)


def test_the_smallest_case_and_the_cases_diagnosis_and_edges_use_are_whole():
    smallest = smallest_case(CONV)
    assert smallest.size == {"N": 1, "C": 1, "F": 1, "H": 1, "W": 1, "HH": 1, "WW": 1, "Ho": 1, "Wo": 1}
    for case in diagnostic_cases(CONV) + edge_cases(CONV):
        stride, pad = case.scalars["stride"], case.scalars["pad"]
        assert case.size["Ho"] == _output(case.size["H"], case.size["HH"], stride, pad), case
    assert {case.scalars["stride"] for case in diagnostic_cases(CONV)} == {1, 2}


def test_a_draw_that_does_not_divide_moves_to_the_nearest_sizes_that_do():
    wide = Context("wide", "a 5-wide kernel, stride 2", axes={"N": 1, "H": 1, "Ho": Size(computed="(H - 5)/stride + 1")},
                   leaves=(Quantity("x", ("N", "H"), "input"),), scalars=(Scalar("stride", "", (2,), (2,)),),
                   nodes=(Node("L", (), "sum(x)", ("x",), lambda x: x.sum()),),
                   generate=lambda rng, case: {"x": rng.standard_normal((case.size["N"], case.size["H"]))})
    assert smallest_case(wide).size == {"N": 1, "H": 5, "Ho": 1}
    assert [case.size["H"] for case in diagnostic_cases(wide)] == [5, 5, 5, 5, 5]


@pytest.mark.parametrize(("axes", "says"), [
    ({"N": 1, "Ho": Size(computed="H + 1")}, "Ho = H + 1 reads H, which is neither one of its axes"),
    ({"N": 1, "A": Size(computed="B"), "B": Size(computed="A")}, "read each other in a circle"),
    ({"N": Size(computed="2")}, "its batch axis N is 2, but the batch axis is drawn in a range"),
    ({"N": 1, "H": 1, "Ho": Size(computed="H * p")}, "reads the scalar p, whose values (0.5,) are not all ints"),
    ({"N": 0}, "an axis is declared by its minimum size"),
])
def test_a_size_declaration_that_cannot_work_is_refused(axes, says):
    with pytest.raises(DeclarationError, match=says.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*").replace("+", r"\+")):
        Context("c", "", axes=axes, leaves=(), scalars=(Scalar("p", "", (0.5,), (0.5,)),),
                nodes=(Node("L", (), "", (), lambda: 0),), generate=lambda rng, case: {})


@pytest.mark.parametrize(("declare", "says"), [
    (lambda: Size(computed="H ** 2"), "may hold only names, whole numbers, parentheses"),
    (lambda: Size(computed="max(H, 2)"), "may hold only names"),
    (lambda: Size(computed="H +"), "is not an arithmetic expression"),
    (lambda: Size(choices=(1, 3), computed="H"), "a size is drawn or computed, not both"),
    (lambda: Size(minimum=3, maximum=2), "maximum=2, but it must be an int of at least the minimum 3"),
    (lambda: Size(choices=(0, 1)), "every choice must be an int of at least 1"),
])
def test_a_size_that_cannot_work_says_why(declare, says):
    with pytest.raises(SizeError, match=says.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*").replace("+", r"\+")):
        declare()
