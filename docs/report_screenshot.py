"""Make docs/report.png, the README's screenshot of the class report: the shipped class, graded and opened in Chromium.

Run from the repository, with the test extra installed and Chromium at /usr/bin/chromium:

    python docs/report_screenshot.py

It grades examples/class/ with the shipped rubric (about half a minute),
writes the report to a temporary folder, and photographs the top of the page:
the header, the score histogram, the most common causes and the status chart.
"""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from needs import chromium  # noqa: E402

from checks import cli  # noqa: E402

VIEWPORT = {"width": 1100, "height": 2150}


def main() -> int:
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.html"
        code = cli.main(["grade", "examples/class/", "--html", str(report)])
        if code != 0:
            return code
        with chromium(Path(folder) / "profile", viewport=VIEWPORT) as browser:
            page = browser.new_page()
            page.goto(report.as_uri())
            page.screenshot(path=str(ROOT / "docs" / "report.png"))
    print(f"wrote {ROOT / 'docs' / 'report.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
