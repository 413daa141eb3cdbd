"""Hand-ins as students make them: notebooks, several files, zips, odd encodings; and the grader's caps before work.

Each expected outcome is written from what the files hold: a right dropout
gradient earns its point, a wrong one does not, a notebook's failing cell is
named by its number.
"""
import ast
import codecs
import json
import stat
import zipfile
from pathlib import Path

import nbformat
import pytest

from checks import cli
from checks.grading import discovery
from checks.sandbox import files
from checks.sandbox.files import PACKAGE_LIMIT, Refused, collect

RIGHT = "def dropout_dL_dx(dy, M):\n    return M * dy\n"
WRONG = "def dropout_dL_dx(dy, M):\n    return dy\n"


@pytest.fixture
def rubric(tmp_path):
    path = tmp_path / "quick.toml"
    path.write_text("[grading]\nexamples = 3\ntimeout_seconds = 3.0\n")
    return path


def grade(tmp_path, rubric, *paths, options=()) -> dict:
    out = tmp_path / "grades.json"
    assert cli.main(["grade", *map(str, paths), "--rubric", str(rubric), "--json", str(out), *options]) == 0
    return json.loads(out.read_text())


def rows(document: dict) -> dict:
    return {submission["name"]: submission for submission in document["submissions"]}


def origins(submission: dict) -> dict:
    return {row["id"]: row["origin"] for row in submission["derivations"] if row["origin"]}


def notebook(path: Path, *cells: tuple[str, str]) -> Path:
    made = nbformat.v4.new_notebook()
    made.cells = [nbformat.v4.new_markdown_cell(text) if kind == "md" else nbformat.v4.new_code_cell(text)
                  for kind, text in cells]
    nbformat.write(made, path)
    return path


# Caps before work.

def test_a_package_past_its_cap_is_refused_before_any_file_is_read(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(RIGHT)
    for index in range(5):
        (package / f"part{index}.py").write_bytes(b"#" * (PACKAGE_LIMIT // 4))
    read = []
    real = files._read
    monkeypatch.setattr(files, "_read", lambda path, limit: read.append(path) or real(path, limit))
    with pytest.raises(Refused, match="bytes of Python, more than"):
        collect(package)
    assert read == [], "sizes come from stat; nothing is read of a package that is refused"


def test_discovery_parses_no_student_file(tmp_path, monkeypatch):
    folder = tmp_path / "class" / "alice"
    folder.mkdir(parents=True)
    for index in range(100):
        (folder / f"scratch{index:03d}.py").write_text(f"x{index} = {index}\n")
    (folder / "hw1.py").write_text(RIGHT)
    parsed = []
    real = ast.parse
    monkeypatch.setattr(ast, "parse", lambda *args, **kwargs: parsed.append(1) or real(*args, **kwargs))
    found = discovery.discover([tmp_path / "class"], frozenset({"dropout_dL_dx"}))
    assert parsed == [], "ids are counted by a linear pattern, never by parsing"
    (entry,) = found.entries
    assert entry.entry == "hw1.py" and len(entry.code) == 101


def test_the_list_of_files_not_graded_is_capped_and_the_rest_counted(tmp_path, rubric):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text(RIGHT)
    for index in range(450):
        (folder / f"junk{index:04d}.bin").write_bytes(b"")
    document = grade(tmp_path, rubric, folder)
    assert len(document["skipped"]) == discovery.SKIPPED_LISTED == 100
    assert document["skipped_more"] == 350


# Names and identity of results files.

def test_gradescope_file_names_never_collide_and_each_file_names_its_submission(tmp_path, rubric):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "x y.py").write_text(RIGHT)
    (folder / "x_y.py").write_text(WRONG)
    target = tmp_path / "gradescope"
    assert cli.main(["grade", str(folder), "--rubric", str(rubric), "--gradescope", str(target)]) == 0
    written = {path.name: json.loads(path.read_text()) for path in target.iterdir()}
    assert len(written) == 2
    inside = {results["extra_data"]["gradjudge"]["name"]: results["score"] for results in written.values()}
    assert inside == {"x y.py": 1, "x_y.py": 0}
    for name, results in written.items():
        assert results["extra_data"]["gradjudge"]["name"] in results["output"]


# Encodings and messages.

@pytest.mark.parametrize("encode", [
    lambda text: text.encode("utf-8"),
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    lambda text: codecs.BOM_UTF16_BE + text.replace("\n", "\r\n").encode("utf-16-be"),
], ids=["utf8", "utf8-bom", "crlf", "utf16-le", "utf16-be-crlf"])
def test_sources_load_in_the_encodings_editors_write(tmp_path, rubric, encode):
    path = tmp_path / "hw1.py"
    path.write_bytes(encode("# é, a comment\n" + RIGHT))
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert (submission["status"], submission["score"]) == ("graded", 1)


def test_a_forbidden_import_says_which_line_to_delete(tmp_path, rubric):
    path = tmp_path / "hw1.py"
    path.write_text("import numpy as np\nimport torch  # for checking\n\n" + RIGHT)
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert "line 2: `import torch  # for checking`" in submission["message"]
    assert "delete that line" in submission["message"]


# Notebooks.

def test_a_notebook_is_graded_from_its_code_cells_and_its_markdown(tmp_path, rubric):
    path = notebook(tmp_path / "hw1.ipynb",
                    ("md", "## 1.1 BatchNorm\n\n$$\\frac{\\partial L}{\\partial \\beta} = \\sum_i \\frac{\\partial L}"
                           "{\\partial y_i}$$"),
                    ("code", "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\n"
                             "from tqdm.auto import tqdm\nfrom IPython.display import display, Math\nimport seaborn\n"
                             "from google.colab import drive\ndrive.mount('/content/drive')"),
                    ("code", RIGHT + "fig, ax = plt.subplots()\nax.plot([1, 2])\nplt.show()\n"
                             "for _ in tqdm(range(2)):\n    display(Math('x'))\n!ls"))
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert submission["status"] == "graded" and submission["score"] == 2
    assert origins(submission) == {"dropout_dL_dx": "code", "bn_dL_dbeta": "writeup"}
    assert any("cell 2, line 1: %matplotlib inline" in note for note in submission["notes"])
    assert any("cell 3" in note and "!ls" in note for note in submission["notes"])


def test_a_cell_that_fails_at_load_is_named_by_its_number(tmp_path, rubric):
    path = notebook(tmp_path / "hw1.ipynb", ("code", "import numpy as np"), ("md", "text"),
                    ("code", RIGHT + "\nprint(undefined_name)\n"))
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert submission["status"] == "load_error"
    assert "hw1.ipynb, cell 3, line 4" in submission["message"]


def test_a_percent_format_script_is_a_notebook(tmp_path, rubric):
    path = tmp_path / "hw1.py"
    path.write_text("# %% [markdown]\n# ## Dropout\n\n# %%\n%matplotlib inline\nimport numpy as np\n\n# %%\n" + RIGHT)
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert (submission["status"], submission["score"]) == ("graded", 1)


# Several files and zips.

def test_a_students_modules_import_each_other_by_their_names(tmp_path, rubric):
    folder = tmp_path / "class" / "alice"
    folder.mkdir(parents=True)
    (folder / "hw1.py").write_text("from helpers import masked\n\ndef dropout_dL_dx(dy, M):\n    return masked(dy, M)\n")
    (folder / "helpers.py").write_text("def masked(dy, M):\n    return M * dy\n")
    assert rows(grade(tmp_path, rubric, tmp_path / "class"))["alice"]["score"] == 1


def test_a_forbidden_import_in_a_helper_module_is_found(tmp_path, rubric):
    folder = tmp_path / "class" / "alice"
    folder.mkdir(parents=True)
    (folder / "hw1.py").write_text("from helpers import masked\n\ndef dropout_dL_dx(dy, M):\n    return masked(dy, M)\n")
    (folder / "helpers.py").write_text("import torch\n\ndef masked(dy, M):\n    return M * dy\n")
    submission = rows(grade(tmp_path, rubric, tmp_path / "class"))["alice"]
    assert "helpers.py, line 1" in submission["message"] and submission["score"] == 0


def zipped(path: Path, members: dict[str, bytes], *, link: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


def test_a_zip_is_one_submission_of_its_files(tmp_path, rubric):
    path = zipped(tmp_path / "work.zip", {"hw1/hw1.py": b"from util import f\n\n" + RIGHT.encode(),
                                          "hw1/util.py": b"def f():\n    return 1\n", "__MACOSX/._hw1.py": b""})
    (submission,) = grade(tmp_path, rubric, path)["submissions"]
    assert (submission["status"], submission["score"]) == ("graded", 1)


@pytest.mark.parametrize(("members", "link", "says"), [
    ({"hw1.py": RIGHT.encode(), "bomb.txt": b"\0" * (12 * 2**20)}, None, "a zip bomb is never unpacked"),
    ({"../hw1.py": RIGHT.encode()}, None, "climbs out of its folder"),
    ({"/etc/hw1.py": RIGHT.encode()}, None, "absolute path"),
    ({"hw1.py": RIGHT.encode()}, "evil.py", "a link or a device"),
    ({"hw1.py": RIGHT.encode(), "util.py": b"x = 1\n", "util.py/inner.py": b"x = 2\n"}, None,
     "both a file and a folder"),
])
def test_a_hostile_zip_is_that_students_load_error(tmp_path, rubric, members, link, says):
    folder = tmp_path / "class" / "mallory"
    folder.mkdir(parents=True)
    zipped(folder / "work.zip", members, link=link)
    submission = rows(grade(tmp_path, rubric, tmp_path / "class"))["mallory"]
    assert submission["status"] == "load_error" and says in submission["message"]
    assert sorted(path.name for path in folder.iterdir()) == ["work.zip"], "nothing is unpacked onto the disk"


def _blackboard_attempt(folder: Path, login: str, files: dict[str, bytes], text: str, listed: tuple[str, ...]) -> None:
    """One student's attempt as Blackboard downloads it: each file under its stored name, and the attempt's text
    (the student's own text, then the listing of the `listed` files' original names)."""
    stamp = "2024-01-01-10-00-00"
    for name, data in files.items():
        (folder / f"HW1_{login}_attempt_{stamp}_{name}").write_bytes(data)
    (folder / f"HW1_{login}_attempt_{stamp}.txt").write_text(
        f"Name: {login.title()} ({login})\nAssignment: HW1\n\nSubmission Field:\n{text}\n\nFiles:\n" +
        "".join(f"\tOriginal filename: {name}\n\tFilename: HW1_{login}_attempt_{stamp}_{name}\n" for name in listed))


def test_an_attempt_text_names_only_its_own_students_files_and_only_by_a_file_name(tmp_path, rubric):
    """A Blackboard attempt's text is the student's own writing: it may not rename a classmate's file, nor send its
    own file to a path outside the grader's private copy (a `sitecustomize.py` planted for staff's next Python)."""
    export, escaped = tmp_path / "gradebook_HW1", tmp_path / "escaped"
    export.mkdir()
    _blackboard_attempt(export, "alice", {"hw1.py": RIGHT.encode()}, "no text", ("hw1.py",))
    forged = (f"Original filename: {escaped / 'sitecustomize.py'}\nFilename: HW1_mallory_attempt_2024-01-01-10-00-00_util.py\n"
              "Original filename: notes.bin\nFilename: HW1_alice_attempt_2024-01-01-10-00-00_hw1.py")
    _blackboard_attempt(export, "mallory", {"hw1.py": b"from util import x\n\n" + WRONG.encode(),
                                            "util.py": b"x = 1\n"}, forged, ("hw1.py",))
    found = {submission["student"]["id"]: submission for submission in grade(tmp_path, rubric, export)["submissions"]}
    assert not escaped.exists(), "nothing is written outside the grader's private copy"
    assert (found["alice"]["status"], found["alice"]["score"]) == ("graded", 1)
    assert found["mallory"]["status"] == "load_error" and "util" in found["mallory"]["message"], \
        "her own file is staged under its file name alone, where her import does not find it"


def test_a_loose_helper_is_graded_with_the_one_file_that_imports_it(tmp_path, rubric):
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "alice.py").write_text("from utils import masked\n\ndef dropout_dL_dx(dy, M):\n    return masked(dy, M)\n")
    (folder / "utils.py").write_text("def masked(dy, M):\n    return M * dy\n")
    found = rows(grade(tmp_path, rubric, folder))
    assert sorted(found) == ["alice.py"] and (found["alice.py"]["status"], found["alice.py"]["score"]) == ("graded", 1)


def test_a_loose_module_several_files_import_runs_inside_none_of_them(tmp_path, rubric):
    """A planted `utils.py` that classmates' imports would find must not run inside their submissions."""
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob"):
        (folder / f"{name}.py").write_text("from utils import masked\n\ndef dropout_dL_dx(dy, M):\n    return masked(dy, M)\n")
    (folder / "utils.py").write_text("def masked(dy, M):\n    return 0 * dy\n")
    document = grade(tmp_path, rubric, folder)
    found = rows(document)
    assert sorted(found) == ["alice.py", "bob.py"]
    assert all(found[name]["status"] == "load_error" and "utils" in found[name]["message"] for name in found)
    assert any("utils.py" in item["path"] and "attached to none" in item["reason"] for item in document["skipped"])


def _one_string_notebook(path: Path, source: str) -> Path:
    """A notebook whose code cell's source is one string, as some tools write it (JSON `\\n` inside the string)."""
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
    path.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_a_notebooks_ids_are_counted_in_a_source_of_one_string(tmp_path):
    ids = frozenset({"dropout_dL_dx", "bn_dL_dbeta"})
    folder = tmp_path / "mine"
    folder.mkdir()
    _one_string_notebook(folder / "a.ipynb", "import numpy as np\ndef dropout_dL_dx(dy, M):\n    return M * dy\n\n"
                                             "def bn_dL_dbeta(dy):\n    return dy.sum(axis=1)\n")
    notebook(folder / "b.ipynb", ("code", "def dropout_dL_dx(dy, M):\n    return M * dy"))
    found = discovery.discover([folder], ids, one_submission=True)
    assert found.entries[0].entry == "a.ipynb"
    assert [(Path(item.path).name, item.reason) for item in found.skipped] == [
        ("b.ipynb", "not graded: a.ipynb defines more ids; one notebook or file is graded per student")]


def test_a_notebook_left_on_a_tie_is_told_the_other_defines_as_many_ids(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("a.ipynb", "b.ipynb"):
        notebook(folder / name, ("code", "def dropout_dL_dx(dy, M):\n    return M * dy"))
    found = discovery.discover([folder], frozenset({"dropout_dL_dx"}), one_submission=True)
    (skipped,) = found.skipped
    assert "defines as many ids" in skipped.reason and "more" not in skipped.reason
