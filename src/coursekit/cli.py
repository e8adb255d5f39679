"""The ``coursekit`` command line.

Each command lives beside the code it drives: a module in
``_COMMAND_MODULES`` defines ``register(subparsers)``, which adds its
sub-command with a ``func`` default taking the parsed arguments and
returning the exit code.  Heavy imports happen inside ``func``, so
``coursekit --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from . import __version__

# Modules that register sub-commands, in the order `coursekit --help` lists them.
_COMMAND_MODULES: tuple[str, ...] = (
    "coursekit.commands.validate",
    "coursekit.commands.release",
    "coursekit.commands.student_kit",
    "coursekit.commands.authoring",
    "coursekit.commands.render",
    "coursekit.commands.present",
    "coursekit.commands.grade",
    "coursekit.commands.export",
    "coursekit.commands.notebooks",
    "coursekit.commands.handouts",
)

DESCRIPTION = """\
coursekit: a Jupyter teaching kit on arms-control diplomacy.

Start the lessons with `make lab` in the repository; these commands help
instructors check case data, release exercises and grade a class."""

EPILOG = "Run `coursekit COMMAND --help` for the options of one command."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coursekit", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
