"""``coursekit student-kit --out DIR``: the repository students get, without solutions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "build the student kit: lessons and released exercises, no solutions"
DESCRIPTION = """\
Build the folder students get: the lessons, the student copies of the
exercises (as `coursekit release` makes them), the package and the pinned
versions, the Binder files, a Makefile with `make lab`, and a README for
students. Every file is scanned for the exercises' solutions first.

This repository holds the exercise sources WITH their solutions: never point
students (a JupyterHub nbgitpuller link, a Binder badge) at it. Publish the
student kit as its own repository and point them there.

Exit status: 0 when the kit was written, 1 when it could not be (every
problem is listed; nothing is written), 2 when the command was used wrongly.

Example:
  coursekit student-kit --out student-kit/
  cd student-kit && git init && git add -A && git commit -m "Student kit" """


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "student-kit", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", metavar="DIR", default="student-kit",
                        help="where to write the kit (default: student-kit)")
    parser.add_argument("--repo", metavar="DIR", default=".",
                        help="the instructor repository (default: the current folder)")
    parser.add_argument("--force", action="store_true", help="replace DIR if it exists")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..release import ReleaseError
    from ..student_kit import build_student_kit, changed_lessons

    changed = changed_lessons(Path(args.repo))
    if changed:
        print("warning: these lessons differ from the last commit, and the kit copies them as they are:",
              file=sys.stderr)
        for name in changed:
            print(f"  {name}", file=sys.stderr)
        print("  (to ship the committed lessons: git restore notebooks/, or git stash, and run again)",
              file=sys.stderr)
    try:
        out = build_student_kit(Path(args.repo), Path(args.out), force=args.force,
                                timeout=args.timeout)
    except ReleaseError as exc:
        print("student kit not written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"wrote the student kit to {out}: lessons, released exercises, no solutions")
    print("publish it as its own repository and give students links to that one")
    return 0
