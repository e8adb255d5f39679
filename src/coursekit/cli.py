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
from typing import IO, Any

from . import __version__
from ._text import visible

# Modules that register sub-commands, in the order `coursekit --help` lists them.
_COMMAND_MODULES: tuple[str, ...] = (
    "coursekit.commands.validate",
    "coursekit.commands.release",
    "coursekit.commands.student_kit",
    "coursekit.commands.lite",
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
    # Every line a command prints can hold a file name, a student's answer or case text:
    # on the way to the terminal, control characters are shown as escapes, never acted on.
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleText(out), VisibleText(err)
    try:
        return _run(argv)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(argv: Sequence[str] | None) -> int:
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


class VisibleText:
    """A text stream that writes through :func:`coursekit._text.visible` (line breaks and tabs kept).

    ``terminal`` is the stream itself, for the one writer that needs ``\r``
    (the grader's progress counter, which prints only numbers).
    """

    def __init__(self, stream: IO[str]):
        self.terminal = stream

    def write(self, text: str) -> int:
        self.terminal.write(visible(text, keep="\n\t"))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.terminal, name)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
