"""Kinks of any piecewise op, declared once: pieces and distances, cases kept away from ties, ties where they are the
point, and a numeric witness that copes near a kink with no length scale made by hand.

Expected pieces and distances are worked out by hand on small tensors; the
truths at a tie are PyTorch's, checked against a hand-made gradient.
"""
import numpy as np
import pytest
import torch

from checks.assignment import Context, DeclarationError, Derivation, Node, Quantity
from checks.engine.cases import Case
from checks.engine.check import check_case
from checks.engine.submission import Functions
from checks.engine.ties import nearest_tie
from checks.kinks import ABS, RELU, TIE_MARGIN, clamp, max_over, max_pool
from checks.lazy import F
from checks.sizes import Size


def test_relu_abs_and_clamp_pieces_and_distances():
    x = torch.tensor([-2.0, -0.5, 0.0, 0.25, 3.0], dtype=torch.float64)
    assert RELU.piece(x).tolist() == [False, False, False, True, True]
    assert RELU.distance(x).tolist() == [2.0, 0.5, 0.0, 0.25, 3.0]
    assert ABS.piece(x).tolist() == [-1.0, -1.0, 0.0, 1.0, 1.0]
    between = clamp(-1.0, 1.0)
    assert between.piece(x).tolist() == [0, 1, 1, 1, 2]
    assert between.distance(x).tolist() == [1.0, 0.5, 1.0, 0.75, 2.0]


def test_max_over_an_axis_gives_the_argmax_and_each_entrys_lead():
    x = torch.tensor([[1.0, 4.0, 3.5], [2.0, 2.0, -1.0]], dtype=torch.float64)
    kink = max_over(1)
    assert kink.piece(x).tolist() == [1, 0]
    assert kink.distance(x).tolist() == [[3.0, 0.5, 0.5], [0.0, 0.0, 3.0]]


def test_max_pool_gives_each_windows_argmax_and_each_inputs_lead():
    x = torch.tensor([[[[1.0, 5.0, 0.0, 0.0],
                        [2.0, 4.5, 0.0, 7.0],
                        [9.0, 9.0, 1.0, 2.0],
                        [0.0, 3.0, 3.0, 6.0]]]], dtype=torch.float64)
    kink = max_pool(2)
    assert kink.piece(x).tolist() == [[[[1, 3], [0, 3]]]]
    assert kink.distance(x).tolist() == [[[[4.0, 0.5, 7.0, 7.0],
                                           [3.0, 0.5, 7.0, 7.0],
                                           [0.0, 0.0, 5.0, 4.0],
                                           [9.0, 6.0, 3.0, 3.0]]]]


def test_max_pool_with_overlapping_windows_takes_the_nearest_switch_of_any_window():
    single = torch.tensor([[[[0.0, 1.0, 3.0]]]], dtype=torch.float64)
    assert max_pool(1).distance(single).tolist() == [[[[float("inf")] * 3]]]
    x = torch.tensor([[[[0.0, 1.0, 3.0], [0.5, 2.0, 2.5]]]], dtype=torch.float64)
    assert max_pool(2, 1).piece(x).tolist() == [[[[3, 1]]]]
    assert max_pool(2, 1).distance(x).tolist() == [[[[2.0, 1.0, 0.5], [1.5, 1.0, 0.5]]]]


def test_a_kinks_piece_runs_inside_vmap_as_the_witness_runs_it():
    x = torch.randn(3, 1, 2, 4, 4, dtype=torch.float64)
    batched = torch.func.vmap(max_pool(2).piece)(x)
    assert torch.equal(batched, torch.stack([max_pool(2).piece(one) for one in x]))


def _pool_leaves(rng, case):
    s = case.size
    x = case.scale * rng.standard_normal((s["N"], s["C"], s["H"], s["W"]))
    if case.edge == "tied":
        x[..., 1::2, :] = x[..., ::2, :]
    if case.edge == "near_tie":
        x[..., 1::2, :] = x[..., ::2, :] + 1e-9
    return {"x": x, "dout": rng.standard_normal((s["N"], s["C"], s["H"] // 2, s["W"] // 2))}


def _pool_context(ties="avoid", generate=_pool_leaves) -> Context:
    return Context(
        "pool", "2x2 max-pooling",
        axes={"N": 1, "C": 1, "Hp": 1, "Wp": 1, "H": Size(computed="2*Hp"), "W": Size(computed="2*Wp")},
        leaves=(Quantity("x", ("N", "C", "H", "W"), "input"), Quantity("dout", ("N", "C", "Hp", "Wp"), "upstream")),
        nodes=(Node("out", ("N", "C", "Hp", "Wp"), "max_pool(x)", ("x",), lambda x: F.max_pool2d(x, 2), kink=max_pool(2)),
               Node("L", (), "sum(dout * out)", ("dout", "out"), lambda dout, out: (dout * out).sum())),
        generate=generate, edges={"tied": "every window's two rows equal", "near_tie": "rows 1e-9 apart"}, ties=ties)


def _first_maximum(x, dout):
    """The gradient routed to each window's first maximum, row by row."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
    routed = np.zeros_like(windows)
    np.put_along_axis(routed, windows.argmax(-1)[..., None], dout[..., None], -1)
    return routed.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


def _every_maximum(x, dout):
    """The gradient given to every entry equal to its window's maximum (a common student's mask)."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // 2, 2, w // 2, 2)
    mask = windows == windows.max(axis=(3, 5), keepdims=True)
    return (mask * dout[:, :, :, None, :, None]).reshape(n, c, h, w)


def test_cases_are_drawn_away_from_ties_unless_the_context_allows_them():
    rounded = lambda rng, case: {**_pool_leaves(rng, case), "x": np.round(_pool_leaves(rng, case)["x"], 1)}
    avoiding, allowing = _pool_context(generate=rounded), _pool_context(ties="allow", generate=rounded)
    shares = [nearest_tie(avoiding, Case.of(avoiding, N=2, C=2, Hp=3, Wp=3, seed=seed).leaves)[1] for seed in range(20)]
    assert min(shares) >= TIE_MARGIN
    allowed = [nearest_tie(allowing, Case.of(allowing, N=2, C=2, Hp=3, Wp=3, seed=seed).leaves)[1] for seed in range(20)]
    assert min(allowed) == 0.0, "rounded inputs tie somewhere in 20 cases of 36 windows"


def test_a_tie_built_into_every_draw_is_refused_with_what_to_declare():
    always = _pool_context(generate=lambda rng, case: {**_pool_leaves(rng, case), "x": np.zeros((1, 1, 2, 2))})
    with pytest.raises(DeclarationError, match="ties='allow'"):
        Case.of(always, N=1, C=1, Hp=1, Wp=1).leaves


def test_where_ties_are_the_point_the_truth_is_pytorchs_and_the_witness_stands_aside():
    context = _pool_context(ties=("tied",))
    entry = Derivation("pool_dL_dx", "1", context, of="L", wrt="x")
    case = Case.of(context, N=2, C=1, Hp=2, Wp=2, seed=3, edge="tied")
    assert nearest_tie(context, case.leaves)[1] == 0.0
    first = Functions("first", {"pool_dL_dx": _first_maximum})
    every = Functions("every", {"pool_dL_dx": _every_maximum})
    result = check_case(entry, case, first)
    # The witness's one probe moves a random coordinate; where it meets a tied entry, its steps cross the kink and it
    # is discarded. Either way it never disagrees with PyTorch's convention there.
    assert result.passed and result.witness_agrees, result.message
    wrong = check_case(entry, case, every)
    assert not wrong.passed
    assert "holds a tie at out (2x2 max-pooling with stride 2: the piece is each window's argmax); the truth there is " \
           "PyTorch's convention: at a tie the whole gradient goes to the window's first maximum" in wrong.message
    assert check_case(entry, Case.of(context, N=2, C=1, Hp=2, Wp=2, seed=3), every).passed


def test_the_witness_copes_a_billionth_from_a_kink_with_no_length_scale_made_by_hand():
    context = _pool_context(ties="allow")
    entry = Derivation("pool_dL_dx", "1", context, of="L", wrt="x")
    case = Case.of(context, N=1, C=2, Hp=2, Wp=2, seed=5, edge="near_tie")
    assert 0 < nearest_tie(context, case.leaves)[1] < 1e-8
    result = check_case(entry, case, Functions("first", {"pool_dL_dx": _first_maximum}))
    assert result.passed and result.witness_agrees and result.witnessed, result.message
    assert result.discarded == 0


@pytest.mark.parametrize(("declare", "says"), [
    (lambda: _pool_context(ties="sometimes"), "ties='sometimes', but it is one of avoid, allow"),
    (lambda: _pool_context(ties=("flat",)), "a tuple of ties names edges of the context (tied, near_tie)"),
    (lambda: Context("c", "", axes={"m": 1}, leaves=(Quantity("x", ("m",), ""),),
                     nodes=(Node("L", (), "", ("x",), lambda x: x.relu().sum(), kink=True),), generate=None),
     "has kink=True, but a kink is a Kink of checks.kinks"),
])
def test_a_kink_or_tie_declaration_that_cannot_work_says_why(declare, says):
    with pytest.raises(DeclarationError, match=says.replace("(", r"\(").replace(")", r"\)")):
        declare()
