"""The reader's process boundary: typed provenance crosses it intact, notebooks' cells keep their numbers, and the
child needs nothing but what `checks.writeup.runtime` declares."""
import json
import pickle
import subprocess
import sys

from conftest import SEED

from checks import assignments
from checks.writeup import isolated, read
from checks.writeup import runtime
from checks.writeup.adapter import reading_spec

HW1_SPEC = assignments.spec_of("hw1")


def test_provenance_comes_back_from_the_child_as_the_reader_made_it(notation):
    text = SEED.read_text(encoding="utf-8")
    here = read(text, notation, source_name="seed.txt")
    there = isolated.read_isolated(text.encode("utf-8"), HW1_SPEC, "seed.txt")
    assert there.source == here.source
    assert dict(there.provenance) == dict(here.provenance)
    assert there.not_read == here.unread
    eq05 = there.provenance["eq05_dL_dz1B"]
    assert eq05.cite() == "eq. (5), line 92, section 深度学习第一次作业 > 2 Block Two > 2.2 Backpropagation"
    assert there.sources["eq05_dL_dz1B"]["cited"] == eq05.cite() and there.sources["eq05_dL_dz1B"]["equation"] == "5"


def test_a_notebooks_cells_are_read_as_one_write_up_and_cited_by_cell():
    cells = [("hw1.ipynb", "$\\newcommand{\\g}[1]{\\frac{\\partial L}{\\partial #1}}$", 0),
             ("hw1.ipynb", "## 1.2 Dropout\n\nThe mask $\\mathbf{M}$ is fixed.", 2),
             ("hw1.ipynb", "$$\\g{\\mathbf{x}} = \\mathbf{M} \\odot \\g{\\mathbf{y}}$$\n\n$$\\g{x} = \\odto$$", 5)]
    result = isolated.read_sources_isolated(cells, HW1_SPEC, "hw1.ipynb")
    assert result.provenance["dropout_dL_dx"].cite() == "cell 5, line 1, section 1.2 Dropout"
    (item,) = result.not_read
    assert item.id == "dropout_dL_dx" and (item.quote.cell, item.quote.line) == (5, 3)
    assert result.unread[0]["cell"] == 5 and result.unread[0]["cited"].startswith("cell 5, line 3")


def test_a_write_up_cannot_pass_itself_off_as_several_texts():
    """Which kind of payload the child reads is said beside the bytes: a write-up made to look like the payload of a
    notebook's cells (with a forged cell number and an `\\input` file) is read as the one text it is."""
    forged = {"sources": [{"name": "hw1.ipynb", "text": "$$\\frac{\\partial L}{\\partial x} = \\mathbf{M} \\odot "
                                                              "\\frac{\\partial L}{\\partial y}$$", "cell": 99}],
              "files": {}}
    text = b"\x00gradjudge-writeup-sources\n" + json.dumps(forged).encode("utf-8")
    try:
        result = isolated.read_isolated(text, HW1_SPEC, "hw1.md")
    except isolated.WriteupUnreadable:
        return
    assert all(provenance.cite() is None or "cell 99" not in provenance.cite()
               for provenance in result.provenance.values())
    assert all(item.quote.cell != 99 for item in result.not_read)


def test_the_child_reads_with_only_the_declared_packages_in_view_and_no_assignment(tmp_path):
    visible = tmp_path / "site"
    visible.mkdir()
    for folder in runtime.child_paths():
        (visible / folder.name).symlink_to(folder)
        libs = folder.parent / f"{folder.name}.libs"  # the shared libraries a wheel bundles beside its package
        if libs.is_dir():
            (visible / libs.name).symlink_to(libs)
    code = (f"import sys; sys.path.insert(0, {str(visible)!r}); "
            f"from checks.writeup.isolated import _main; sys.exit(_main('seed.txt'))")
    payload = pickle.dumps((reading_spec(assignments.declared("hw1")), SEED.read_bytes(), False))
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], input=payload, capture_output=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    result = isolated.ReadResult.from_json(json.loads(done.stdout))
    assert "eq05_dL_dz1B" in result.provenance
