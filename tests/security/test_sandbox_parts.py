"""The sandbox's parts on hostile input, one at a time: replies, files, sources, output targets, text."""
from __future__ import annotations

import json
import os
import pickle
import shutil

import numpy as np
import pytest

from checks import cli
from checks.reports.outputs import OutputRefused, check_file_target, check_folder_target, write_text
from checks.reports.text import fenced, printable
from checks.sandbox import calling, protocol
from checks.sandbox.files import FILE_LIMIT, Refused, collect
from checks.sandbox.source_scan import scan

ANSWER = "def dropout_dL_dx(dy, M):\n    return M * dy\n"


def result(**changes):
    header = {"error": None, "tags": [], "seconds": 0.0, "kind": "array",
              "arrays": [{"key": None, "dtype": "<f8", "shape": [2, 3]}]}
    header.update(changes)
    return header


def test_a_valid_reply_decodes_to_its_array():
    values = np.arange(6.0).reshape(2, 3)
    header, arrays = protocol.encode_result(values, None, {"mutates_input"}, 0.5)
    specs = protocol.result_arrays(json.loads(json.dumps(header)), 2**20, frozenset(calling.TAGS))
    decoded = protocol.decode_value(header["kind"], specs, memoryview(b"".join(arrays)))
    np.testing.assert_array_equal(decoded, values)


def test_a_scalar_reply_keeps_its_shape_of_none():
    """A loss comes back as the 0-d array it was, not as a vector of one entry (which is a shape mismatch)."""
    header, arrays = protocol.encode_result(np.float64(2.5), None, set(), 0.1)
    specs = protocol.result_arrays(json.loads(json.dumps(header)), 2**20, frozenset(calling.TAGS))
    decoded = protocol.decode_value(header["kind"], specs, memoryview(b"".join(arrays)))
    assert decoded.shape == () and decoded == 2.5


@pytest.mark.parametrize(("header", "says"), [
    (result(kind="none"), "do not match its kind"),
    (result(tags=["passed"]), "tags a worker may not report"),
    (result(seconds=float("nan")), "no valid time"),
    (result(seconds=True), "no valid time"),
    (result(arrays=[{"key": None, "dtype": "|O", "shape": [1]}]), "not a float dtype"),
    (result(arrays=[{"key": None, "dtype": "<f8", "shape": [2**39] * 3}]), "more than the"),
    (result(arrays=[{"key": None, "dtype": "<f8", "shape": [-1]}]), "short list of sizes"),
    (result(arrays=[{"key": None, "dtype": "<f8", "shape": [1] * 9}]), "short list of sizes"),
    (result(kind="dict", arrays=[{"key": "a", "dtype": "<f8", "shape": [1]}] * 2), "do not match its kind"),
    (result(error="x" * (protocol.MESSAGE_LIMIT + 1)), "at most"),
    ({"error": None}, "expected"),
    (result(extra=1), "expected"),
])
def test_a_forged_reply_is_a_violation_before_anything_is_allocated(header, says):
    with pytest.raises(protocol.ProtocolViolation, match=says):
        protocol.result_arrays(header, 2**20, frozenset(calling.TAGS))


@pytest.mark.parametrize("data", [b"[1, 2]", b"not json", b"[" * 100_000, b'"text"'])
def test_a_header_that_is_no_json_object_is_a_violation(data):
    with pytest.raises(protocol.ProtocolViolation):
        protocol.parse_header(data)


def test_a_load_reply_may_only_name_known_ids():
    with pytest.raises(protocol.ProtocolViolation, match="no derivation id"):
        protocol.load_reply({"error": None, "signatures": {"steal": {"names": [], "takes_all": False, "problem": None}}},
                            frozenset({"dropout_dL_dx"}))


def _read_only(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def test_a_read_only_array_goes_to_a_worker_once_and_is_named_after():
    """A case's value goes with the first request that passes it; a writable array, which may have changed, goes
    whole every time; the worker rebuilds each call's arguments exactly."""
    sharing, held = protocol.Sharing(), {}
    case, scratch = _read_only(np.arange(6.0).reshape(2, 3)), np.ones(3)
    first = pickle.dumps(sharing.request("dropout_dL_dx", [{"dy": case, "M": scratch, "m": 2}]))
    scratch[0] = 5.0
    second = pickle.dumps(sharing.request("softmax_dL_dx", [{"dy": case, "M": scratch, "m": 2},
                                                            {"dy": case, "M": scratch, "m": 3}]))
    requests = [pickle.loads(sent) for sent in (first, second)]
    assert [len(request["arrays"]) for request in requests] == [1, 0]
    rebuilt = [protocol.calls_of(request, held) for request in requests]
    assert [[arguments["m"] for arguments in calls] for calls in rebuilt] == [[2], [2, 3]]
    for calls, expected in zip(rebuilt, ([1.0, 1.0, 1.0], [5.0, 1.0, 1.0])):
        for arguments in calls:
            assert set(arguments) == {"dy", "M", "m"}
            np.testing.assert_array_equal(arguments["dy"], case)
            np.testing.assert_array_equal(arguments["M"], expected)


def test_a_worker_holds_at_most_the_shared_bytes():
    """Arrays that would take the held total past `SHARED_BYTES` go whole with each request, and still arrive."""
    sharing, held = protocol.Sharing(), {}
    large = _read_only(np.zeros(protocol.SHARED_BYTES // 8 - 3))
    small = _read_only(np.ones(3))
    past = _read_only(np.full(4, 2.0))
    request = sharing.request("dropout_dL_dx", [{"a": large, "b": small, "c": past}])
    assert sorted(array.size for array in request["arrays"].values()) == [3, large.size]
    (arguments,) = protocol.calls_of(request, held)
    np.testing.assert_array_equal(arguments["c"], past)
    assert "c" in request["batch"][0][0]
    again = sharing.request("dropout_dL_dx", [{"c": past}])
    assert again["arrays"] == {} and "c" in again["batch"][0][0]


def test_files_are_read_without_following_links_or_blocking(tmp_path):
    honest = tmp_path / "honest.py"
    honest.write_text(ANSWER)
    (tmp_path / "link.py").symlink_to(honest)
    with pytest.raises(Refused, match="symbolic link"):
        collect(tmp_path / "link.py")
    package = tmp_path / "package"
    package.mkdir()
    (package / "__init__.py").write_text(ANSWER)
    os.mkfifo(package / "pipe.py")
    with pytest.raises(Refused, match="named pipe"):
        collect(package)
    (package / "pipe.py").unlink()
    (package / "zero.py").symlink_to("/dev/zero")
    with pytest.raises(Refused, match="symbolic link"):
        collect(package)


def test_files_past_the_size_cap_are_refused_unread(tmp_path):
    big = tmp_path / "big.py"
    big.write_text("#" * (FILE_LIMIT + 1))
    with pytest.raises(Refused, match="larger than"):
        collect(big)


def test_a_staged_copy_holds_only_the_submission(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(ANSWER)
    (folder / "bob.py").write_text(ANSWER)
    staged = collect(folder / "alice.py").stage()
    try:
        assert sorted(path.name for path in staged.iterdir()) == ["alice.py"]
    finally:
        shutil.rmtree(staged)


@pytest.mark.parametrize("source", ["X = " + "1+" * 100_000 + "1", "x = 1\0", "-" * 1_000_000 + "1", "(" * 300 + ")" * 300 + "+"])
def test_pathological_sources_are_load_problems_not_crashes(tmp_path, source):
    path = tmp_path / "bad.py"
    path.write_text(source)
    assert scan(collect(path), frozenset(), own_name_allowed=True).problem


@pytest.mark.parametrize(("source", "evident"), [
    ("def f(x):\n    return (g(x + 1e-6) - g(x - 1e-6)) / 2e-6\ndef g(x):\n    return x", True),
    ("def f(x):\n    return (g(x + h) - g(x)) / h\ndef g(x):\n    return x", True),
    ("def f(x):\n    return g(x + 1e-20j).imag / 1e-20\ndef g(x):\n    return x", True),
    ("def f(x):\n    y = x.copy()\n    y[0] += 1e-5\n    return g(y) - g(x)\ndef g(x):\n    return x", True),
    ("def f(x):\n    return helper(x)\ndef helper(x):\n    return (g(x + 1e-6) - g(x - 1e-6))\ndef g(x):\n    return x", True),
    ("import numpy as np\ndef f(x, var, eps):\n    return x / np.sqrt(var + eps) - np.sqrt(var + eps)", False),
    ("def f(a, b):\n    return g(a + b) + g(a * b)\ndef g(x):\n    return x", False),
])
def test_evident_numeric_differentiation_is_flagged_and_ordinary_code_is_not(tmp_path, source, evident):
    path = tmp_path / "code.py"
    path.write_text(source)
    assert bool(scan(collect(path), frozenset(), own_name_allowed=True).numeric.get("f")) == evident


def test_no_reference_derivation_looks_numeric():
    from pathlib import Path

    for path in Path(__file__).resolve().parents[2].joinpath("derivations").rglob("*.py"):
        assert not scan(collect(path), frozenset(), own_name_allowed=True).numeric, path


def test_output_targets_are_checked_before_any_work(tmp_path):
    submission = tmp_path / "hw1.py"
    submission.write_text(ANSWER)
    with pytest.raises(OutputRefused, match="not a regular file"):
        check_file_target(tmp_path, [submission])
    os.mkfifo(tmp_path / "pipe.json")
    with pytest.raises(OutputRefused, match="not a regular file"):
        check_file_target(tmp_path / "pipe.json", [submission])
    with pytest.raises(OutputRefused, match="would overwrite the submission"):
        check_file_target(submission, [submission])
    with pytest.raises(OutputRefused, match="not a folder"):
        check_folder_target(submission.with_suffix(".json").parent / "hw1.py", [])


def test_writing_replaces_the_target_whole(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


@pytest.mark.parametrize("target", ["folder", "pipe"])
def test_the_command_refuses_a_bad_json_target_before_grading(tmp_path, capsys, target):
    submission = tmp_path / "hw1.py"
    submission.write_text(ANSWER)
    path = tmp_path / "out"
    path.mkdir() if target == "folder" else os.mkfifo(path)
    assert cli.main(["grade", str(submission), "--json", str(path)]) == 2
    assert "not a regular file" in capsys.readouterr().out


def test_control_characters_are_shown_not_obeyed():
    assert printable("\x1b[2J29 / 29\u202e\tok\n") == "\\x1b[2J29 / 29\\u202e\tok\n"
    block = fenced("before\n```\n# not a heading\n````")
    fence = block.splitlines()[0]
    assert set(fence) == {"`"} and len(fence) == 5 and block.endswith(fence)


def test_a_file_name_with_escape_sequences_prints_inert():
    from rich.console import Console


    from checks.grading.grades import DerivationGrade, SubmissionGrade
    from checks.reports.terminal import print_details

    console = Console(record=True, width=100, force_terminal=True)
    name = "\x1b[2J\x1b[Hall_passed[bold].py"
    print_details(SubmissionGrade(name, "graded", "0 / 1", 0.0, 1.0,
                                  [DerivationGrade("dropout_dL_dx", "failed", ["x\x1b[0m"], 0.0, 1.0, "boom\x1b]0;title\x07")],
                                  "namespaces"), console)
    text = console.export_text(styles=False)
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text and "all_passed[bold].py" in text


def _high_water_mark() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))


def test_a_huge_reply_is_refused_before_the_grader_allocates_it(tmp_path):
    from checks.sandbox.client import Limits, open_submission
    from checks.sandbox.isolation import choose

    path = tmp_path / "huge.py"
    path.write_text("import numpy as np\ndef f(x):\n    return np.ones(300 * 2**20 // 8)\n")
    before = _high_water_mark()
    with open_submission(path, Limits(30.0, 1024, (), 60.0), choose(), frozenset({"f"})) as submission:
        (outcome,) = submission.call_many("f", [{"x": np.ones(3)}], reply_limit=2**20)
    assert "protocol_violation" in outcome.tags and "314,572,800 bytes" in outcome.error
    assert _high_water_mark() - before < 50 * 2**20
