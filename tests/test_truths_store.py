"""The truths store: what it keeps is what the oracles compute, nothing in it is trusted unchecked, it stays
within its bound, and graders writing it at once never see half an entry.

Each test has its own store in a temporary folder and its own `Truths`, so that
what a test reads back can only have come from disk.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import torch

from helpers import HW1, HW2, small_case

from checks.engine import store
from checks.engine.oracles import autograd_truth, evaluate
from checks.engine.store import Entry, Store, StoreUnavailable
from checks.engine.truths import Truths

ROOT = Path(__file__).resolve().parent.parent
DROPOUT = HW1.by_id["dropout_dL_dx"]
CASES = [small_case("dropout", seed=seed) for seed in range(4)]


def filled(root: Path, witnesses: dict | None = None) -> Store:
    """A store holding the truths and directional witnesses of `CASES` (kept in `witnesses` by case), as a grading
    command leaves it."""
    found = Store(root)
    truths = Truths()
    truths.know(HW1.derivations)
    truths.attach(found, HW1)
    for case in CASES:
        truths.truth(DROPOUT, case)
        (witnesses if witnesses is not None else {})[case.key] = truths.witness(DROPOUT, case)
    truths.persist()
    return found


def reader(found: Store) -> Truths:
    truths = Truths()
    truths.know(HW1.derivations)
    truths.attach(found, HW1)
    return truths


def reader_computing_nothing(found: Store, monkeypatch) -> Truths:
    """A later command's truths reading `found`, for which computing any value fails the test."""
    def refuse(*arguments, **keywords):
        raise AssertionError("computed again, though the store holds it")

    for name in ("evaluate", "evaluate_with_gradients", "autograd_truth", "numeric_witness"):
        monkeypatch.setattr(f"checks.engine.truths.{name}", refuse)
    return reader(found)


def entry_files(found: Store) -> list[Path]:
    return sorted(path for path in (found.root / "entries").rglob("*") if path.is_file())


def exact(case) -> np.ndarray:
    return autograd_truth(DROPOUT, evaluate(case)).numpy()


def test_what_a_later_command_reads_is_what_autograd_computed_and_nothing_is_computed_again(tmp_path, monkeypatch):
    witnesses = {}
    found = filled(tmp_path, witnesses)
    assert len(entry_files(found)) == len(CASES)

    later = reader_computing_nothing(found, monkeypatch)
    for case in CASES:
        np.testing.assert_array_equal(later.truth(DROPOUT, case).array, exact(case))
        read, computed = later.witness(DROPOUT, case), witnesses[case.key]
        for field in ("directions", "covectors", "values", "error", "discarded"):
            torch.testing.assert_close(getattr(read, field), getattr(computed, field), rtol=0, atol=0)
        assert later.evaluated(case).arrays["M"].tobytes() == case.leaves["M"].tobytes()


def test_a_case_whose_values_this_process_let_go_is_still_stored_whole(tmp_path, monkeypatch):
    """A process keeps fewer evaluated cases than truths: a case whose values went from memory while its truth stayed
    (a long session, a class's diagnoses) is still stored with its values, so that a reader computes nothing."""
    found = Store(tmp_path)
    truths = Truths(limit=10)
    truths.know(HW1.derivations)
    for case in CASES:
        truths.truth(DROPOUT, case)
    truths.attach(found, HW1)
    truths.persist()

    later = reader_computing_nothing(found, monkeypatch)
    for case in CASES:
        np.testing.assert_array_equal(later.truth(DROPOUT, case).array, exact(case))
        assert later.evaluated(case).arrays["M"].tobytes() == case.leaves["M"].tobytes()


def test_a_corrupt_entry_is_computed_again_and_replaced(tmp_path):
    found = filled(tmp_path)
    for path in entry_files(found):  # one bit of each stored truth flipped, as a failing disk would
        raw = bytearray(path.read_bytes())
        header_start = len(store.MAGIC) + 8
        header_end = header_start + int.from_bytes(raw[len(store.MAGIC):header_start], "big")
        header = json.loads(raw[header_start:header_end])
        arrays = {name: offset for name, _, _, offset, _ in header["arrays"]}
        index = [id for id, _ in header["data"]["truths"]].index(DROPOUT.id)
        raw[header_end + arrays[f"truth/{index}"]] ^= 0x01
        path.write_bytes(bytes(raw))
    later = reader(found)
    for case in CASES:
        np.testing.assert_array_equal(later.truth(DROPOUT, case).array, exact(case))
    later.persist()
    assert all(found.read(["case", store.namespace(HW1), _case(case)]) is not None for case in CASES)


def _case(case) -> list:
    from checks.engine.truths import _key_json

    return _key_json(case.key)


def _tampered(path: Path, signer: Store, key: list) -> None:
    """The entry at `path`, its truths negated, signed by `signer`'s secret and put back at `path`."""
    original = Store(path.parents[2]).read(key)
    arrays = {name: -array if name.startswith("truth/") else array for name, array in original.arrays.items()}
    signer.write(key, Entry(arrays, original.data))
    path.write_bytes(signer._path(key).read_bytes())


def test_an_entry_planted_without_the_stores_secret_is_never_trusted(tmp_path):
    found = filled(tmp_path / "store")
    planter = Store(tmp_path / "planter")
    for case in CASES:
        key = ["case", store.namespace(HW1), _case(case)]
        _tampered(found._path(key), planter, key)
    later = reader(found)
    for case in CASES:
        np.testing.assert_array_equal(later.truth(DROPOUT, case).array, exact(case))


def test_the_planting_test_can_fail_an_entry_signed_with_the_secret_is_believed(tmp_path):
    """The control of the test above: had the planter the secret, the negated truths would be read."""
    found = filled(tmp_path)
    case = CASES[0]
    key = ["case", store.namespace(HW1), _case(case)]
    _tampered(found._path(key), found, key)
    np.testing.assert_array_equal(reader(found).truth(DROPOUT, case).array, -exact(case))


def test_an_entry_moved_to_another_cases_name_is_not_read_for_it(tmp_path):
    found = filled(tmp_path)
    first, second = (found._path(["case", store.namespace(HW1), _case(case)]) for case in CASES[:2])
    second.write_bytes(first.read_bytes())
    assert found.read(["case", store.namespace(HW1), _case(CASES[1])]) is None
    np.testing.assert_array_equal(reader(found).truth(DROPOUT, CASES[1]).array, exact(CASES[1]))


def test_the_least_recently_used_entries_go_first_once_the_store_is_over_its_bound(tmp_path):
    found = Store(tmp_path, limit_bytes=20_000)
    for index in range(10):
        found.write(["test", index], Entry({"x": np.full(500, float(index))}))  # 4 kB each: 40 kB in all
        os.utime(found._path(["test", index]), (1_000_000 + index, 1_000_000 + index))
    found.read(["test", 0])  # used just now: the most recent
    assert found.trim() > 0
    count, size = found.usage()
    assert size <= store.TRIMMED_TO * found.limit_bytes
    kept = [index for index in range(10) if found.read(["test", index]) is not None]
    assert kept == [0, *range(10 - (count - 1), 10)], kept


WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from checks.engine.store import Entry, Store
    found, writer = Store(sys.argv[1]), int(sys.argv[2])
    for round in range(40):
        for key in range(5):
            value = writer * 1000 + round
            found.write(["shared", key], Entry({"x": np.full(20_000, float(value))}, {"value": value}))
""")


def test_graders_writing_the_same_entries_at_once_never_leave_half_an_entry(tmp_path):
    Store(tmp_path)  # the secret, made once before the writers start
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), str(writer)], cwd=ROOT)
               for writer in range(3)]
    found, seen, missing_after_seen = Store(tmp_path), set(), 0
    while any(process.poll() is None for process in writers):
        for key in range(5):
            entry = found.read(["shared", key])
            if entry is None:
                missing_after_seen += key in seen
                continue
            seen.add(key)
            assert np.all(entry.arrays["x"] == entry.data["value"])
    assert [process.returncode for process in writers] == [0, 0, 0]
    assert missing_after_seen == 0
    assert all(found.read(["shared", key]) is not None for key in range(5))
    assert not [path for path in (tmp_path / "entries").rglob(".*") if path.is_file()], "temporary files left behind"


def test_a_folder_that_cannot_hold_the_store_is_refused_with_the_reason(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable, match="cannot be used"):
        Store(blocker / "truths")


@pytest.mark.parametrize("shared", ["folder", "secret"])
def test_a_store_another_user_could_write_is_refused(tmp_path, shared):
    """Entries are trusted by their signature, so a store whose folder or secret others may write is not used."""
    Store(tmp_path / "truths")
    (tmp_path / "truths" / ("." if shared == "folder" else "secret")).chmod(0o777 if shared == "folder" else 0o622)
    with pytest.raises(StoreUnavailable, match="not private to this user"):
        Store(tmp_path / "truths")


def test_the_namespace_follows_the_declaration_and_the_versions(tmp_path, monkeypatch):
    package = tmp_path / "course"
    package.mkdir()
    (package / "assignment.py").write_text("X = 1\n")
    before = store.sources_digest(package)
    assert store.sources_digest(package) == before
    (package / "assignment.py").write_text("X = 2\n")
    assert store.sources_digest(package) != before
    assert store.namespace(HW1) != store.namespace(HW2)
    first = store.namespace(HW1)
    monkeypatch.setattr(store, "_NAMESPACES", {})
    monkeypatch.setattr(torch, "__version__", "0.0.0")
    assert store.namespace(HW1) != first


def test_the_namespace_covers_every_module_of_gradjudge_that_makes_a_stored_value():
    """A change to any module the truths, the witnesses, the streams or diagnosis's variant truths come from is a
    new namespace: every `checks` module those import is under one of the sources the namespace digests (a store
    keyed by checks/engine alone kept serving old values after a change to the model, its kinks or its sizes)."""
    code = textwrap.dedent("""
        import sys
        import checks.engine.truths, checks.engine.properties, checks.grading.generated, checks.grading.diagnosis
        print("\\n".join(module.__file__ for name, module in sys.modules.items()
                          if name.split(".")[0] == "checks" and getattr(module, "__file__", None)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    covered = [(ROOT / source).resolve() for source in store.ENGINE_SOURCES]
    loaded = [Path(line).resolve() for line in done.stdout.splitlines()]
    assert len(loaded) > 20
    missing = [str(path.relative_to(ROOT)) for path in loaded
               if not any(path == source or path.is_relative_to(source) for source in covered)]
    assert missing == [], f"modules that make stored values but are not in the namespace: {missing}"


def gradjudge(*arguments: str, cache: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, store.ENVIRONMENT_VARIABLE: str(cache), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "checks.cli", *arguments], capture_output=True, text=True, cwd=ROOT,
                          env=environment, timeout=600)


def test_a_warm_store_grades_exactly_as_a_cold_one_and_no_cache_leaves_it_alone(tmp_path):
    rubric = tmp_path / "quick.toml"
    rubric.write_text("[grading]\nexamples = 10\ntimeout_seconds = 2.0\n")
    seed, cache = ROOT / "examples" / "seed_submission.py", tmp_path / "cache"
    graded = []
    for run in ("cold", "warm"):
        done = gradjudge("grade", str(seed), "--rubric", str(rubric), "--json", str(tmp_path / f"{run}.json"), cache=cache)
        assert done.returncode == 0, done.stderr
        graded.append(_without_timing(json.loads((tmp_path / f"{run}.json").read_text())))
    assert graded[0] == graded[1]
    assert graded[0]["submissions"][0]["score"] == 17.5
    shown = gradjudge("cache", cache=cache).stdout
    assert str(cache) in shown and " 0 entries" not in shown
    elsewhere = tmp_path / "untouched"
    done = gradjudge("grade", str(seed), "--rubric", str(rubric), "--no-cache", cache=elsewhere)
    assert done.returncode == 0 and not elsewhere.exists(), done.stderr
    cleared = gradjudge("cache", "clear", cache=cache).stdout
    assert "removed" in cleared and "\n0 entries" in cleared


def test_a_store_that_cannot_be_used_is_said_and_grading_goes_on(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rubric = tmp_path / "quick.toml"
    rubric.write_text("[grading]\nexamples = 5\ntimeout_seconds = 2.0\n")
    done = gradjudge("grade", str(ROOT / "examples" / "seed_submission.py"), "--rubric", str(rubric), cache=blocker)
    assert done.returncode == 0, done.stderr
    assert "cannot be used" in done.stdout and "grading without it" in done.stdout and "17.5" in done.stdout


def _without_timing(value):
    from checks.reports import json_report

    if isinstance(value, dict):
        return {key: _without_timing(item) for key, item in value.items()
                if key not in json_report.TIMING_FIELDS}
    if isinstance(value, list):
        return [_without_timing(item) for item in value]
    return value


def test_a_record_keeps_names_of_any_kind_and_what_two_graders_added_merges(tmp_path):
    from checks.engine.records import Record, pack, unpack

    found = Store(tmp_path)
    odd = "term:H_BN.mean|over d|1/m^-1+wrong/node"
    first = Record(truths={"eq05_dL_dz1B": (np.arange(3.0), 2.5)}, exact={("eq05_dL_dz1B", odd, None): np.ones(2)})
    second = Record(exact={("eq05_dL_dz1B", None, "H_BN"): np.zeros(2)}, values={"m": 4, "x": np.eye(2), "L": np.array(0.5)})
    found.write(["record"], pack(unpack(pack(first)).merged(second)))
    read = unpack(found.read(["record"]))
    assert read.truths["eq05_dL_dz1B"][1] == 2.5 and read.truths["eq05_dL_dz1B"][0].tolist() == [0.0, 1.0, 2.0]
    assert read.exact[("eq05_dL_dz1B", odd, None)].tolist() == [1.0, 1.0]
    assert read.exact[("eq05_dL_dz1B", None, "H_BN")].tolist() == [0.0, 0.0]
    assert read.values["m"] == 4 and read.values["x"].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    assert read.values["L"].shape == () and read.values["L"] == 0.5  # a 0-d array stays one


def test_an_array_in_another_byte_order_is_refused_by_its_dtype_never_stored_as_native(tmp_path):
    """An entry names each array's dtype and is read back in this machine's byte order: a big-endian array would be
    read as other numbers, so it is refused, saying its dtype; a native one of every storable dtype comes back equal."""
    kept = Store(tmp_path / "store")
    with pytest.raises(ValueError, match=r"dtype >f8"):
        kept.write(["case", "swapped"], Entry({"values": np.arange(3, dtype=">f8")}, {}))
    arrays = {"float": np.linspace(0, 1, 5), "int": np.arange(4, dtype=np.int64), "bool": np.array([True, False])}
    kept.write(["case", "native"], Entry(arrays, {"n": 1}))
    found = kept.read(["case", "native"])
    assert found is not None and found.data == {"n": 1}
    for name, array in arrays.items():
        assert found.arrays[name].dtype == array.dtype and np.array_equal(found.arrays[name], array)
