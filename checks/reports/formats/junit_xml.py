"""`--junit OUT`: the grades as JUnit XML, which CI servers and many dashboards read: a suite per student, a test per id.

A passed id is a passing test; a failed or partial one a `failure`; an error or a
timeout an `error`; one not attempted is `skipped`. A student who was not graded
(nothing gradable, no submission, a load error) is a suite of one erroring test,
`submission`, that says why. Every student-controlled string is written as XML
data by ElementTree, after `printable` (XML forbids control characters).
"""
from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from checks.reports.formats.base import OutputFormat, Written
from checks.statuses import ERROR, FAILED, NOT_ATTEMPTED, PARTIAL, TIMEOUT

KINDS = {FAILED: "failure", PARTIAL: "failure", ERROR: "error", TIMEOUT: "error", NOT_ATTEMPTED: "skipped"}
"""The JUnit element each status that is not `passed` becomes."""


def _write(target: str, written: Written, prepared: None) -> None:
    from checks.statuses import NOT_GRADED
    from checks.reports.outputs import write_bytes
    from checks.reports.text import printable

    root = ElementTree.Element("testsuites", name=printable(written.assignment.name))
    for grade in written.grades:
        suite = ElementTree.SubElement(root, "testsuite", name=printable(grade.name or grade.path),
                                       time=f"{grade.seconds:.3f}")
        if grade.status in NOT_GRADED:
            case = ElementTree.SubElement(suite, "testcase", classname=suite.get("name"), name="submission")
            ElementTree.SubElement(case, "error", message=printable(f"not graded ({grade.status})")).text = \
                printable(grade.message)
            kinds = ["error"]
        else:
            kinds = []
            for row in grade.derivations:
                case = ElementTree.SubElement(suite, "testcase", classname=suite.get("name"), name=row.id,
                                              time=f"{row.seconds:.3f}")
                kind = KINDS.get(row.status)
                if kind is not None:
                    first = row.message.splitlines()[0] if row.message else row.status
                    ElementTree.SubElement(case, kind, message=printable(f"{row.status}: {first}")).text = \
                        printable(row.message)
                kinds.append(kind)
        suite.set("tests", str(len(kinds)))
        for kind in ("failure", "error", "skipped"):
            suite.set(f"{kind}s" if kind != "skipped" else "skipped", str(kinds.count(kind)))
    write_bytes(Path(target), ElementTree.tostring(root, encoding="utf-8", xml_declaration=True))


FORMAT = OutputFormat("junit", "write the grades as JUnit XML: a suite per student, a test per id", _write)
