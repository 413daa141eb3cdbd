"""Dev entry point: `python -m checks.writeup WRITEUP [-o out.py]` reads a write-up and prints what was read."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checks.writeup import WriteupError, hw1_notation, read


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checks.writeup", description=__doc__)
    parser.add_argument("writeup", type=Path, help="a Markdown (.md, .txt) or LaTeX (.tex) write-up")
    parser.add_argument("-o", "--output", type=Path, help="write the generated submission here (default: stdout)")
    arguments = parser.parse_args(argv)
    try:
        text = arguments.writeup.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{arguments.writeup}: cannot be read as UTF-8 text ({error})", file=sys.stderr)
        return 2
    try:
        reading = read(text, hw1_notation(), source_name=arguments.writeup.name)
    except WriteupError as error:
        print(error, file=sys.stderr)
        return 2
    if arguments.output:
        arguments.output.write_text(reading.source, encoding="utf-8")
    else:
        sys.stdout.write(reading.source)
    for id, provenance in reading.provenance.items():
        tags = ", ".join(provenance.readings) or "as written"
        print(f"read {id}: {provenance.quotes[0].cite()} [{tags}]", file=sys.stderr)
    for item in reading.unread:
        print(f"not read: {item.describe()}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
