"""The class report: `grade --html`, `report`, `--anonymise`, the JSON's `class` section, and the page in Chromium.

A class of four is graded once: two transpose ∂L/∂θ2B, two drop the 1/m of
∂L/∂b2B, one raises an exception whose message is an HTML payload, and one does
not load. Every expected count is taken from the submissions' own rows.
"""
import hashlib
import hmac
import json
import re
from pathlib import Path

import pytest

from helpers import HW1
from needs import chromium, require_browser, require_report_libraries

from checks import cli

require_report_libraries()

TRANSPOSED = '''
def eq03_dL_dtheta2B(yB_hat, yB, x2B, m):
    return x2B.T @ (yB_hat - yB) / m
'''
NO_MEAN = '''
def eq03_dL_db2B(yB_hat, yB):
    return (yB_hat - yB).sum(axis=0)
'''
PAYLOAD = '<script>document.title = "pwned"</script><b id="pwned">injected</b>'
RAISES = f'''
def bn_dL_dbeta(dy):
    raise ValueError({PAYLOAD!r})
'''
CLASS = {
    "alice_smith": TRANSPOSED + RAISES,
    "bob_jones": TRANSPOSED + NO_MEAN,
    "carol_quist": NO_MEAN,
    "dave_brown": "def dropout_dL_dx(dy, M)\n    return M * dy\n",
}
NAMES = ("alice", "smith", "bob", "jones", "carol", "quist", "dave", "brown")
CAUSE = ("eq03_dL_dtheta2B", "known_mistake:transposed_weight_gradient")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once: its folder, the JSON, the HTML report, and an anonymised one with its key."""
    root = tmp_path_factory.mktemp("report")
    folder = root / "class"
    folder.mkdir()
    for name, source in CLASS.items():
        (folder / f"{name}.py").write_text(source)
    rubric = root / "quick.toml"
    rubric.write_text("[grading]\nexamples = 5\ntimeout_seconds = 2.0\n\n[points]\neq03_dL_db2B = 2\n")
    paths = {"json": root / "grades.json", "html": root / "report.html", "anonymous": root / "anonymous.html",
             "key": root / "class.key"}
    assert cli.main(["grade", str(folder), "--rubric", str(rubric), "--json", str(paths["json"]),
                     "--html", str(paths["html"])]) == 0
    assert cli.main(["report", str(paths["json"]), "-o", str(paths["anonymous"]), "--anonymise",
                     "--pseudonym-key", str(paths["key"])]) == 0
    return {"folder": folder, **paths, "data": json.loads(paths["json"].read_text())}


def _said(capsys) -> str:
    """What the command printed, with the terminal's line wrapping undone."""
    return " ".join(capsys.readouterr().out.split())


def _rows(data: dict, id: str) -> list[dict]:
    return [row for submission in data["submissions"] for row in submission["derivations"] if row["id"] == id]


def test_json_class_section_counts_what_the_rows_say(graded):
    data = graded["data"]
    summary = data["class"]
    assert data["rubric"] == {"file": str(graded["folder"].parent / "quick.toml")}
    assert summary["assignment"] == "hw1" and summary["submissions"] == 4
    assert summary["statuses"] == {"graded": 3, "load_error": 1, "grader_error": 0, "nothing_gradable": 0,
                                   "no_submission": 0}
    assert list(summary["ids"]) == [entry.id for entry in HW1.derivations]
    assert summary["ids"]["eq03_dL_db2B"]["points"] == 2
    for id, found in summary["ids"].items():
        statuses = [row["status"] for row in _rows(data, id)]
        assert found["statuses"] == {status: statuses.count(status) for status in found["statuses"]}
    causes = {cause["tag"]: cause for cause in summary["ids"][CAUSE[0]]["causes"]}
    assert causes[CAUSE[1]]["count"] == 2 and causes[CAUSE[1]]["share"] == 0.5
    assert sorted(Path(path).stem for path in causes[CAUSE[1]]["submissions"]) == ["alice_smith", "bob_jones"]
    assert sum(bin["count"] for bin in summary["scores"]["histogram"]) == 3, "only the graded are in the histogram"
    assert summary["tags"]["load_error"] == {"rows": len(HW1.derivations), "submissions": 1}


def test_report_rebuilds_the_same_page_from_the_json(graded, tmp_path):
    again = tmp_path / "again.html"
    assert cli.main(["report", str(graded["json"]), "-o", str(again)]) == 0
    made = re.compile(r"gradjudge [^,<]+, [0-9-]+ [0-9:]+ UTC")
    assert made.sub("", again.read_text()) == made.sub("", graded["html"].read_text())


def test_anonymised_report_keeps_no_name_and_its_pseudonyms_are_keyed_hashes_of_the_paths(graded, tmp_path):
    page = graded["anonymous"].read_text()
    found = [name for name in NAMES + (str(graded["folder"]), "class/") if name in page.lower()]
    assert found == []
    key = bytes.fromhex(graded["key"].read_text().strip())
    expected = {"student-" + hmac.new(key, submission["path"].encode(), hashlib.sha256).hexdigest()[:10]
                for submission in graded["data"]["submissions"]}
    assert set(re.findall(r"student-[0-9a-f]{10}", page)) == expected
    student_list = page[page.index('id="submission-list"'):]
    listed = re.findall(r'<td><a href="#submission-\d+">(student-[0-9a-f]{10})</a></td>', student_list)
    assert listed == sorted(expected)
    again = tmp_path / "again.html"
    assert cli.main(["report", str(graded["json"]), "-o", str(again), "--anonymise", "--pseudonym-key",
                     str(graded["key"])]) == 0
    assert set(re.findall(r"student-[0-9a-f]{10}", again.read_text())) == expected
    other = tmp_path / "other.html"
    assert cli.main(["report", str(graded["json"]), "-o", str(other), "--anonymise", "--pseudonym-key",
                     str(tmp_path / "other.key")]) == 0
    assert set(re.findall(r"student-[0-9a-f]{10}", other.read_text())).isdisjoint(expected)


def test_load_error_and_traceback_file_names_are_scrubbed(graded):
    data = graded["data"]
    messages = [row["message"] for row in _rows(data, "bn_dL_dbeta")] + [s["message"] for s in data["submissions"]]
    assert any("alice_smith.py" in message for message in messages)
    assert any("dave_brown.py" in message for message in messages)
    page = graded["anonymous"].read_text()
    assert "SyntaxError" in page
    assert re.search(r"student-[0-9a-f]{10}, line \d", page)


@pytest.mark.parametrize(("content", "says"), [
    ("not json", "is not JSON"),
    ('{"grades": []}', "not a gradjudge grades file"),
    ('{"submissions": []}', "lists no submissions"),
    ('{"submissions": [{"path": "a.py"}]}', "has no 'status'"),
])
def test_report_refuses_what_is_not_a_grades_file(tmp_path, capsys, content, says):
    source = tmp_path / "grades.json"
    source.write_text(content)
    assert cli.main(["report", str(source), "-o", str(tmp_path / "out.html")]) == 2
    assert says in _said(capsys)
    assert not (tmp_path / "out.html").exists()


def test_report_refuses_a_file_mixing_assignments(graded, tmp_path, capsys):
    data = json.loads(graded["json"].read_text())
    data["submissions"][1]["assignment"] = "hw2"
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps(data))
    assert cli.main(["report", str(mixed), "-o", str(tmp_path / "out.html")]) == 2
    assert "mixes the assignments 'hw1', 'hw2'" in _said(capsys)


@pytest.mark.parametrize(("arguments", "says"), [
    (["report", "{json}", "-o", "{json}"], "would overwrite the grades file"),
    (["report", "{json}", "-o", "{dir}/out.html", "--pseudonym-key", "{dir}/k"], "give --anonymise too"),
    (["grade", "{dir}/class", "--anonymise"], "give --html OUT too"),
    (["grade", "{dir}/class", "--html", "{dir}/r.html", "--json", "{dir}/r.html"], "name the same file"),
    (["grade", "{dir}/class", "--html", "{dir}/class/alice_smith.py"], "would overwrite the submission"),
])
def test_bad_report_arguments_are_refused_before_any_work(graded, tmp_path, capsys, arguments, says):
    values = {"json": str(graded["json"]), "dir": str(graded["folder"].parent)}
    assert cli.main([argument.format(**values) for argument in arguments]) == 2
    assert says in _said(capsys)


def test_a_bad_pseudonym_key_is_refused(graded, tmp_path, capsys):
    key = tmp_path / "short.key"
    key.write_text("abcd\n")
    assert cli.main(["report", str(graded["json"]), "-o", str(tmp_path / "out.html"), "--anonymise",
                     "--pseudonym-key", str(key)]) == 2
    assert "does not hold a key" in _said(capsys)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require_browser()
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture
def page(browser, graded, tmp_path):
    """The report open in Chromium."""
    tab = browser.new_page()
    tab.goto(graded["html"].as_uri())
    yield tab
    tab.close()


def test_charts_have_one_bar_per_score_bin_and_per_status_that_occurs(page, graded, tmp_path):
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")
    data = graded["data"]
    assert page.locator("#score-histogram svg .score-bin").count() == len(data["class"]["scores"]["histogram"]) == 10
    occurring = {(id, row["status"]) for id in data["class"]["ids"] for row in _rows(data, id)}
    assert page.locator("#status-chart svg .status-bar").count() == len(occurring)
    bar = page.locator(f"#status-{CAUSE[0]}-failed > title")
    assert bar.text_content() == f"{CAUSE[0]}: 2 of 4 failed (50%)"
    full = [b for b in data["class"]["scores"]["histogram"] if b["count"]]
    heights = page.evaluate("""() => [...document.querySelectorAll('#score-histogram .score-bin path')]
                                      .map(p => p.getBBox().height)""")
    assert sum(height > 0 for height in heights) == len(full)


def test_a_cause_count_on_the_page_matches_the_json(page, graded):
    id, tag = CAUSE
    expected = sum(tag in row["tags"] for row in _rows(graded["data"], id))
    cause = page.locator(f'#id-{id} .cause:has(code[data-tag="{tag}"])')
    assert cause.locator(".count").text_content() == str(expected) == "2"
    assert cause.locator(".share").text_content() == "50%"
    assert sorted(cause.locator(".sharing a").all_text_contents()) == ["alice_smith.py", "bob_jones.py"]
    listed = page.locator("#top-causes tbody tr", has_text=tag)
    assert listed.locator("td").nth(1).text_content() == "2", "counted once per submission"


def test_student_text_is_shown_as_text_and_never_run(page):
    assert page.title().startswith("Class report: ")
    assert page.evaluate("() => document.getElementById('pwned')") is None
    assert page.evaluate("() => document.scripts.length") == 0
    messages = page.locator("pre.message").all_text_contents()
    assert any(PAYLOAD in text for text in messages)
