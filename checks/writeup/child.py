"""What the reader's child process computes: the payload on its standard input read into JSON on its output.

The payload is a write-up's bytes, or (said beside it, `several`) a JSON object
of several texts (`{"sources": [{"name", "text", "cell"}], "files": {name: text}}`).
The answer is `Reading.as_json()`; a text that is no write-up is one line on
standard error and exit code 1.
"""
from __future__ import annotations

import json
import sys


def read_payload(raw: bytes, spec, source_name: str, *, several: bool) -> int:
    """Read the payload `raw` for the assignment `spec` describes (a `ReadingSpec`) and write the reading as JSON."""
    from checks.writeup.document import Source, WriteupError
    from checks.writeup.reader import read_sources

    try:
        sources, files = _sources(raw, source_name, several)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError) as problem:
        print(str(problem), file=sys.stderr)
        return 1
    try:
        reading = read_sources([Source(name, text, cell) for name, text, cell in sources], spec, files=files)
    except (WriteupError, LookupError) as problem:
        print(str(problem), file=sys.stderr)
        return 1
    json.dump(reading.as_json(), sys.stdout)
    return 0


def _sources(raw: bytes, source_name: str, several: bool) -> tuple[list[tuple[str, str, int | None]], dict]:
    if not several:
        try:
            return [(source_name, raw.decode("utf-8"), None)], {}
        except UnicodeDecodeError as exc:
            raise ValueError(f"it is not UTF-8 text (byte {exc.start})") from None
    payload = json.loads(raw.decode("utf-8"))
    sources = [(str(item["name"]), str(item["text"]), None if item.get("cell") is None else int(item["cell"]))
               for item in payload["sources"]]
    files = {str(name): str(text) for name, text in payload.get("files", {}).items()}
    return sources, files
