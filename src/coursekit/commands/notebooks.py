"""``coursekit build-notebooks [PATH ...]``: re-execute notebooks and save them with their outputs."""

from __future__ import annotations

import argparse

HELP = "re-execute lessons and exercise sources and save them with their outputs"
DESCRIPTION = """\
Re-execute notebooks headlessly, check their outputs are deterministic, and
save them in place (atomically). A notebook that fails is left unchanged.
With no PATH: every notebook in notebooks/ and exercises/.

Examples:
  coursekit build-notebooks
  coursekit build-notebooks notebooks/04_comparing_claims.ipynb"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "build-notebooks", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="notebooks or folders (default: notebooks/ and exercises/)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..notebooks import DEFAULT_DIRS, build

    return build(args.paths or list(DEFAULT_DIRS), timeout=args.timeout)
