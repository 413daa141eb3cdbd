"""Writes the three example class exports, each laid out as its LMS's download is (see docs/staff.md).

    python examples/exports/build.py

The same seven students hand in the same work in each: Jane a file and a
write-up of the id her code leaves out, Bob a file and its helper module (handed
in again under the same name on Canvas), Ann a notebook with magics and plots,
Wei a zip for a group of two with Tom, Raj only a PDF scan, Maria the seed; Kim
is on the roster and hands in nothing. What each row must say is written in each
export's `expected.toml`, before any grading.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
ZIP_TIME = (2024, 3, 1, 12, 0, 0)

JANE_CODE = "import numpy as np\n\n\ndef dropout_dL_dx(dy, M):\n    return M * dy\n"
JANE_WRITEUP = ("# Homework 1\n\n## 1.1 BatchNorm\n\nThe shift adds to every row, so its gradient sums the rows:\n\n"
                "$$\\frac{\\partial L}{\\partial \\beta} = \\sum_i \\frac{\\partial L}{\\partial y_i}$$\n")
JANE_ONLINE = ("<h3>1.1 BatchNorm</h3><p>The shift adds to every row, so its gradient sums the rows:</p>"
               "<p>$$\\frac{\\partial L}{\\partial \\beta} = \\sum_i \\frac{\\partial L}{\\partial y_i}$$</p>")
BOB_CODE = ("from utils import masked, rows_summed\n\n\ndef dropout_dL_dx(dy, M):\n    return masked(dy, M)\n\n\n"
            "def bn_dL_dbeta(dy):\n    return rows_summed(dy)\n")
BOB_UTILS = ("def masked(dy, M):\n    return M * dy\n\n\ndef rows_summed(dy):\n"
             "    return dy.sum(axis=1)\n")
"""Bob's helper sums over the wrong axis: dropout right (1 point), beta wrong."""
ANN_CELLS = [
    ("markdown", "# Homework 1\n\n## 1.1 BatchNorm\n\n$$\\frac{\\partial L}{\\partial \\beta} = "
                 "\\sum_i \\frac{\\partial L}{\\partial y_i}$$"),
    ("code", "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\nfrom tqdm.auto import tqdm\n"
             "from IPython.display import display, Math"),
    ("code", "def dropout_dL_dx(dy, M):\n    return M * dy\n\n\nfig, ax = plt.subplots()\nax.plot(np.arange(3))\n"
             "plt.show()\nfor step in tqdm(range(2)):\n    display(Math(r'\\partial L'))"),
    ("code", "!nvidia-smi"),
]
"""Ann's notebook: dropout in code (1 point), beta in Markdown (1 point)."""


def notebook(cells: list[tuple[str, str]]) -> str:
    made = {"cells": [{"cell_type": kind, "metadata": {}, "source": text,
                       **({"execution_count": None, "outputs": []} if kind == "code" else {})} for kind, text in cells],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}
    for index, cell in enumerate(made["cells"]):
        cell["id"] = f"cell-{index}"
    return json.dumps(made, indent=1) + "\n"


def zipped(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), text)
    return buffer.getvalue()


def work() -> dict[str, dict[str, bytes]]:
    """What each student hands in, by the file names they gave."""
    wei = zipped({"hw1/hw1.py": (EXAMPLES / "class" / "student_05.py").read_text(),
                  "hw1/notes.txt": "Worked with Tom Brown.\n"})
    return {
        "jane": {"hw1.py": JANE_CODE.encode(), "derivation.md": JANE_WRITEUP.encode()},
        "bob": {"hw1.py": BOB_CODE.encode(), "utils.py": BOB_UTILS.encode()},
        "ann": {"hw1.ipynb": notebook(ANN_CELLS).encode()},
        "wei": {"work.zip": wei},
        "raj": {"scan.pdf": b"%PDF-1.4\n% a scan of a handwritten derivation\n%%EOF\n"},
        "maria": {"seed_submission.py": (EXAMPLES / "seed_submission.py").read_bytes()},
    }


PEOPLE = {
    "jane": ("Jane", "Smith", "12001", "jsmith"), "bob": ("Bob", "Jones", "12002", "bjones"),
    "ann": ("Ann", "Lee", "12003", "alee"), "wei": ("Wei", "Chen", "12004", "wchen"),
    "raj": ("Raj", "Patel", "12005", "rpatel"), "maria": ("Maria", "Garcia", "12006", "mgarcia"),
    "tom": ("Tom", "Brown", "12007", "tbrown"), "kim": ("Kim", "Park", "12008", "kpark"),
}


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def canvas(folder: Path) -> None:
    """Canvas: flat `lastfirst_[LATE_]userid_submissionid_filename`; Bob late, his helper handed in twice."""
    for number, (who, files) in enumerate(work().items(), start=5001):
        first, last, user, _ = PEOPLE[who]
        late = "LATE_" if who == "bob" else ""
        for name, data in files.items():
            stored = "utils-1.py" if (who, name) == ("bob", "utils.py") else name
            write(folder / f"{(last + first).lower()}_{late}{user}_{number}_{stored}", data)
    rows = ["Student,ID,SIS User ID,SIS Login ID,Section,Group", "    Points Possible,,,,,"]
    rows += [f"\"{last}, {first}\",{user},{user},{login},Section 1,{'Team 4' if who in ('wei', 'tom') else ''}"
             for who, (first, last, user, login) in PEOPLE.items()]
    write(folder.parent / "canvas-roster.csv", ("\n".join(rows) + "\n").encode())


def moodle(folder: Path) -> None:
    """Moodle: `Full Name_participantid_assignsubmission_file_/` folders; Jane's write-up as online text."""
    for who, files in work().items():
        first, last, user, _ = PEOPLE[who]
        participant = str(int(user) - 12000 + 300)
        for name, data in files.items():
            if (who, name) == ("jane", "derivation.md"):
                write(folder / f"{first} {last}_{participant}_assignsubmission_onlinetext_" / "onlinetext.html",
                      JANE_ONLINE.encode())
                continue
            write(folder / f"{first} {last}_{participant}_assignsubmission_file_" / name, data)
    rows = ["Identifier,Full name,Email address,Status,Grade,Maximum Grade,Group"]
    rows += [f"Participant {int(user) - 12000 + 300},{first} {last},{login}@example.edu,,,29,"
             f"{'Team 4' if who in ('wei', 'tom') else ''}" for who, (first, last, user, login) in PEOPLE.items()]
    write(folder.parent / "moodle-roster.csv", ("\n".join(rows) + "\n").encode())


def gradescope(folder: Path) -> None:
    """Gradescope: `submission_<id>/` folders and `submission_metadata.yml`; Wei and Tom one group submission."""
    lines = []
    for number, (who, files) in enumerate(work().items(), start=90001):
        for name, data in files.items():
            write(folder / f"submission_{number}" / name, data)
        members = ["wei", "tom"] if who == "wei" else [who]
        lines.append(f"submission_{number}:\n  :submitters:")
        for member in members:
            first, last, user, login = PEOPLE[member]
            lines.append(f"  - :name: {first} {last}\n    :sid: '{user}'\n    :email: {login}@example.edu")
        lines.append(f"  :created_at: 2024-03-01 11:5{number % 10}:00.000000000 -08:00\n  :score: \n  :status: ")
    write(folder / "submission_metadata.yml", ("\n".join(lines) + "\n").encode())
    rows = ["Name,SID,Email"] + [f"{first} {last},{user},{login}@example.edu"
                                  for first, last, user, login in PEOPLE.values()]
    write(folder.parent / "gradescope-roster.csv", ("\n".join(rows) + "\n").encode())


if __name__ == "__main__":
    canvas(HERE / "canvas" / "submissions")
    moodle(HERE / "moodle" / "submissions")
    gradescope(HERE / "gradescope" / "assignment_export")
    print(f"wrote the Canvas, Moodle and Gradescope exports under {HERE}")
