"""``coursekit release SOURCE --out DIR``: write the student copies of the exercises."""

from __future__ import annotations

import argparse
import sys

HELP = "write student copies of the exercise notebooks (no solutions, no key)"
DESCRIPTION = """\
Write a student copy of each instructor source notebook in SOURCE (a folder
of exercise notebooks, or one notebook) into DIR: instructor-only cells
removed, every answer set to None, the answer key replaced by salted hashes
for the self-checks, and the copy executed so each check says "Not answered
yet". Nothing is written unless every source is valid.

Exit status: 0 when the copies were written, 1 when a source is bad (every
problem is listed), 2 when the command was used wrongly.

Example:
  coursekit release exercises/ --out release/"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "release", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", metavar="SOURCE", help="folder of exercise sources, or one notebook")
    parser.add_argument("--out", metavar="DIR", default="release",
                        help="where the student copies go (default: release)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..release import ReleaseError, release

    try:
        written = release(args.source, args.out, timeout=args.timeout)
    except ReleaseError as exc:
        print("release failed; nothing was written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print(f"{len(written)} student notebook(s) in {args.out}")
    return 0
