"""Homework 3's declared models are PyTorch's own layers, its edge cases are what they claim, and its tolerances hold
for honest formulas the reference does not use.

The layers compared against are `torch.nn` modules, set up from a case's leaves
as a course's notebook would (an `nn.LSTMCell` keeps its gates in the order
i, f, g, o and its weights `(out, in)`; the homework's are i, f, o, g and
`(in, out)`): a second, independent statement of what each context computes.
"""
import numpy as np
import pytest
import torch
from helpers import small_case

from checks import assignments, tags
from checks.engine.cases import edge_cases
from checks.engine.check import check_case
from checks.engine.oracles import evaluate
from checks.engine.submission import Functions, Overlay, reference

HW3 = assignments.load("hw3")


def _tensors(case) -> dict:
    return {name: torch.from_numpy(np.array(value)) if isinstance(value, np.ndarray) else value
            for name, value in case.leaves.items()}


@pytest.mark.parametrize("seed", range(6))
def test_the_convolution_is_torchs_conv2d_with_its_stride_and_padding(seed):
    for stride, pad in ((1, 0), (2, 1), (2, 2), (1, 2)):
        case = small_case("conv", HW3, N=2, C=2, F=3, H=5, W=6, HH=3, WW=2, stride=stride, pad=pad, seed=seed)
        v = _tensors(case)
        layer = torch.nn.Conv2d(2, 3, (3, 2), stride=stride, padding=pad, dtype=torch.float64)
        with torch.no_grad():
            layer.weight.copy_(v["w"])
            layer.bias.copy_(v["b"])
            expected = layer(v["x"])
        assert expected.shape[-2:] == ((5 + 2 * pad - 3) // stride + 1, (6 + 2 * pad - 2) // stride + 1)
        np.testing.assert_allclose(evaluate(case).arrays["out"], expected.numpy(), rtol=1e-13, atol=1e-13)


def test_max_pooling_and_spatial_batch_norm_are_torchs_modules():
    pooled = small_case("maxpool", HW3, N=2, C=3, Hp=2, Wp=3, seed=4)
    expected = torch.nn.MaxPool2d(2)(_tensors(pooled)["x"])
    np.testing.assert_array_equal(evaluate(pooled).arrays["out"], expected.numpy())
    normed = small_case("spatial_bn", HW3, N=3, C=2, H=2, W=3, eps=1e-3, seed=5)
    v = _tensors(normed)
    layer = torch.nn.BatchNorm2d(2, eps=1e-3, dtype=torch.float64).train()
    with torch.no_grad():
        layer.weight.copy_(v["gamma"])
        layer.bias.copy_(v["beta"])
        expected = layer(v["x"])
    np.testing.assert_allclose(evaluate(normed).arrays["out"], expected.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_the_recurrent_steps_are_torchs_cells_with_the_weights_laid_out_in_out():
    step = small_case("rnn_step", HW3, N=3, D=4, Dh=5, seed=6)
    v = _tensors(step)
    cell = torch.nn.RNNCell(4, 5, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(v["Wx"].T)
        cell.weight_hh.copy_(v["Wh"].T)
        cell.bias_ih.copy_(v["b"])
        cell.bias_hh.zero_()
        expected = cell(v["x"], v["prev_h"])
    np.testing.assert_allclose(evaluate(step).arrays["next_h"], expected.numpy(), rtol=1e-12, atol=1e-12)

    lstm = small_case("lstm_step", HW3, N=3, D=4, Dh=2, seed=7)
    v = _tensors(lstm)
    i, f, o, g = (torch.arange(4 * 2).view(4, 2))
    torch_order = torch.cat([i, f, g, o])
    cell = torch.nn.LSTMCell(4, 2, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(v["Wx"].T[torch_order])
        cell.weight_hh.copy_(v["Wh"].T[torch_order])
        cell.bias_ih.copy_(v["b"][torch_order])
        cell.bias_hh.zero_()
        next_h, next_c = cell(v["x"], (v["prev_h"], v["prev_c"]))
    values = evaluate(lstm).arrays
    np.testing.assert_allclose(values["next_h"], next_h.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(values["next_c"], next_c.numpy(), rtol=1e-12, atol=1e-12)


def test_the_sequence_is_torchs_rnn_and_the_loss_torchs_cross_entropy():
    sequence = small_case("rnn", HW3, N=2, T=4, D=3, Dh=2, seed=8)
    v = _tensors(sequence)
    rnn = torch.nn.RNN(3, 2, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(v["Wx"].T)
        rnn.weight_hh_l0.copy_(v["Wh"].T)
        rnn.bias_ih_l0.copy_(v["b"])
        rnn.bias_hh_l0.zero_()
        states, _ = rnn(v["x"], v["h0"][None])
    np.testing.assert_allclose(evaluate(sequence).arrays["h"], states.numpy(), rtol=1e-12, atol=1e-12)

    scored = small_case("softmax_loss", HW3, N=5, K=4, seed=9)
    v = _tensors(scored)
    assert evaluate(scored).arrays["L"] == pytest.approx(float(torch.nn.CrossEntropyLoss()(v["x"], v["y"])), rel=1e-14)


def test_every_edge_and_every_scalar_value_has_an_explicit_case():
    for context in HW3.contexts:
        cases = edge_cases(context)
        assert set(context.edges) <= {case.edge for case in cases}
        for scalar in context.scalars:
            assert set(scalar.values) <= {case.scalars[scalar.name] for case in cases}


def test_the_edges_draw_what_they_say():
    tied = evaluate(small_case("maxpool", HW3, N=2, C=2, Hp=2, Wp=2, edge="tied_windows", seed=3)).arrays
    windows = tied["x"].reshape(2, 2, 2, 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(2, 2, 2, 2, 4)
    assert np.all((windows == windows.max(-1, keepdims=True)).sum(-1) == 2)
    saturated = evaluate(small_case("rnn_step", HW3, edge="saturated", seed=2)).arrays
    assert np.max(1 - saturated["next_h"] ** 2) < 1e-8
    tiny = evaluate(small_case("spatial_bn", HW3, edge="tiny_variance", seed=2)).arrays
    assert 1e-8 < tiny["var"].min() < 1e-5 and np.median(tiny["var"]) > 1e-2
    large = evaluate(small_case("softmax_loss", HW3, edge="large_scores", seed=2)).arrays
    assert np.abs(large["x"]).max() > 100 and np.isfinite(large["L"])


def test_an_honest_tanh_derivative_passes_where_the_tanh_saturates():
    """1 / cosh(a)^2 is tanh's derivative too; at a saturated step it differs from 1 - h^2 by roundoff of the terms,
    which the ids' magnitudes allow, while a wrong derivative (1 - h) stays far outside."""
    case = small_case("rnn_step", HW3, edge="saturated", seed=3)
    through_cosh = Overlay(reference(HW3), {
        "rnn_step_dL_dWx": lambda x, a, dnext_h: x.T @ (dnext_h / np.cosh(a) ** 2),
        "rnn_step_dL_db": lambda a, dnext_h: (dnext_h / np.cosh(a) ** 2).sum(axis=0)}, "cosh")
    for id in ("rnn_step_dL_dWx", "rnn_step_dL_db"):
        result = check_case(HW3.by_id[id], case, through_cosh)
        assert not np.array_equal(result.closed, result.truth), f"{id}: the case no longer tells the two apart"
        assert result.passed, result.message
    wrong = Functions("one minus h", {"rnn_step_dL_db": lambda next_h, dnext_h: (dnext_h * (1 - next_h)).sum(0)})
    assert not check_case(HW3.by_id["rnn_step_dL_db"], small_case("rnn_step", HW3, seed=3), wrong).passed


def test_a_softmax_without_the_max_shift_fails_only_where_scores_are_large():
    unshifted = Functions("unshifted", {"softmax_loss_dL_dx": lambda x, y_onehot: (
        np.exp(x) / np.exp(x).sum(1, keepdims=True) - y_onehot) / len(x)})
    entry = HW3.by_id["softmax_loss_dL_dx"]
    with np.errstate(over="ignore", invalid="ignore"):
        assert check_case(entry, small_case("softmax_loss", HW3, seed=4), unshifted).passed
        large = check_case(entry, small_case("softmax_loss", HW3, edge="large_scores", seed=4), unshifted)
    assert not large.passed and tags.NONFINITE in large.tags


def test_the_argmax_mask_is_never_offered():
    entry = HW3.by_id["maxpool_dL_dx"]
    assert "is_max" in entry.context.vocabulary and "is_max" not in entry.offered
    peeking = Functions("peeking", {"maxpool_dL_dx": lambda dout, is_max: is_max})
    result = check_case(entry, small_case("maxpool", HW3), peeking)
    assert result.status == "error" and tags.FORBIDDEN_QUANTITY in result.tags
