"""``coursekit validate PATH``: check a case folder against the data contract."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "check a case folder and list every problem"
DESCRIPTION = """\
Check a case folder (article.txt, case.toml, actors.csv, topics.csv,
claims.csv, timeline.csv, glossary.csv) against the case data contract.

Every problem is listed, each as FILE:LINE: column 'NAME': what was found;
what is expected. Exit status: 0 when the case is valid, 1 when it has
problems, 2 when the command was used wrongly.

Examples:
  coursekit validate data/cases/nato-russia-2013
  coursekit validate nato-russia-2013      (a case shipped with the kit)"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("case", metavar="PATH", help="a case folder, or the id of a bundled case")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..cases import resolve_case
    from ..validation import CaseError, read_case_folder

    try:
        folder = resolve_case(args.case)
    except CaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    raw = read_case_folder(Path(folder))
    if raw.problems:
        print(CaseError(folder, raw.problems), file=sys.stderr)
        return 1
    claims = len(raw.tables["claims.csv"])
    actors = len(raw.tables["actors.csv"])
    topics = len(raw.tables["topics.csv"])
    print(f"{folder}: valid ({claims} claims, {actors} actors, {topics} topics)")
    return 0
