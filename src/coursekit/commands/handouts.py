"""``coursekit handouts``: export the lessons to static HTML pages (no code, figures inside)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "export the lessons to static HTML handouts"
DESCRIPTION = """\
Execute every numbered lesson (NN_name.ipynb) and export it to one static
HTML page without code, figures embedded and widgets shown as their
current text; write index.html linking them.

Example:
  coursekit handouts --lessons notebooks --out handouts"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "handouts", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--lessons", type=Path, default=Path("notebooks"), help="folder of lessons")
    parser.add_argument("--out", type=Path, default=Path("handouts"), help="output folder")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..handouts import build_handouts

    try:
        build_handouts(args.lessons, args.out, timeout=args.timeout)
    except FileNotFoundError as exc:
        print(f"coursekit handouts: {exc}", file=sys.stderr)
        return 1
    return 0
