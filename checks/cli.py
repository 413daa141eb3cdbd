"""The `gradjudge` command."""
from __future__ import annotations

import argparse
import os
import sys

from rich.console import Console

from checks import profiles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradjudge", description="Prove hand-derived gradients right or wrong.")
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="check the reference derivations against autograd and numeric differentiation")
    verify.add_argument("ids", nargs="*", help="derivation ids to check (default: all)")
    verify.add_argument("--profile", choices=sorted(profiles.PROFILES), default="ci",
                        help="hypothesis profile (default: ci, 100 derandomized examples per id)")
    soak = commands.add_parser("soak", help="run many random examples per id against the reference and count failures")
    soak.add_argument("ids", nargs="*", help="derivation ids to soak (default: all)")
    soak.add_argument("--examples", type=_positive_int, default=100_000, help="examples in all, split evenly (default: 100000)")
    soak.add_argument("--jobs", type=_positive_int, default=os.cpu_count() or 1, help="processes (default: the number of cores)")
    args = parser.parse_args(argv)
    return {"verify": _verify, "soak": _soak}[args.command](args)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _entries(args: argparse.Namespace, console: Console) -> list | None:
    from checks.registry import REGISTRY, lookup

    try:
        return lookup(args.ids) if args.ids else list(REGISTRY)
    except KeyError as exc:
        console.print(f"[red]gradjudge {args.command}:[/] {exc.args[0]}", highlight=False)
        return None


def _verify(args: argparse.Namespace) -> int:
    from checks.submission import reference
    from checks.verify import render, verify

    console = _console()
    entries = _entries(args, console)
    if entries is None:
        return 2
    reports = verify(entries, reference(), profiles.PROFILES[args.profile], console)
    render(reports, console)
    return 0 if all(report.failure is None for report in reports) else 1


def _soak(args: argparse.Namespace) -> int:
    from checks.soak import soak

    console = _console()
    entries = _entries(args, console)
    if entries is None:
        return 2
    return soak(entries, args.examples, args.jobs, console)


def _console() -> Console:
    """The terminal's own width, or 120 columns when the output goes to a file or a pipe."""
    console = Console()
    return console if console.is_terminal else Console(width=120)


if __name__ == "__main__":
    sys.exit(main())
