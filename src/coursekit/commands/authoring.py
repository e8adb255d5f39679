"""Commands for writing a case: ``new-case``, ``locate`` and ``fill-offsets``.

The logic lives in :mod:`coursekit.authoring`; these wrap it for the shell.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NEW_CASE_DESCRIPTION = """\
Create a folder for a new case holding every file of the case data contract:
article.txt (copied byte for byte from --article, or a line asking for the
text), case.toml with every key and comments, the CSV files with their
header row, and a README.md with a worked example row for each file.

An existing folder is never overwritten. Exit status 0 when created, 1 when
the id is not valid or the folder exists.

Example:
  coursekit new-case water-talks-2024 --article ~/Downloads/statement.txt"""

LOCATE_DESCRIPTION = """\
Print the start and end offsets (what claims.csv wants) of every occurrence
of a phrase in a case's article.txt, with a little context.

Straight quotes find curly ones, a space finds a non-breaking space or a
line break, a hyphen finds a dash; the exact text of the article is shown so
you can copy it into the quote column. Exit status 0 when the phrase was
found, 1 when not.

Example:
  coursekit locate data/cases/nato-russia-2013 "Russia's deterrence\""""

FILL_DESCRIPTION = """\
Fill the empty start and end cells of claims.csv from the quote column.

The quote is looked up in article.txt, exactly first, then allowing straight
quotes and plain spaces (the quote is then replaced by the article's exact
text, and the command says so). A quote that is empty, not in the article
or in it more than once is reported with its line, and nothing is written;
fill in start yourself to choose among several occurrences. A row with both
offsets and no quote gets its quote from the article.

claims.csv is rewritten through a temporary file, with LF line endings and
every other row unchanged. Exit status 0 when every row was handled, 1 when
a row needs your attention.

Example:
  coursekit fill-offsets data/cases/water-talks-2024"""


def register(subparsers: argparse._SubParsersAction) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser("new-case", help="create a folder for a new case from a template",
                              description=NEW_CASE_DESCRIPTION, formatter_class=raw)
    p.add_argument("case_id", metavar="ID", help="the new case's id: lower-case letters, digits, - or _")
    p.add_argument("--article", metavar="FILE", help="the article's text file (UTF-8), copied as is")
    p.add_argument("--root", metavar="DIR", default="data/cases",
                   help="folder that holds the case folders (default: data/cases)")
    p.set_defaults(func=run_new_case)

    p = subparsers.add_parser("locate", help="print the offsets of a phrase in a case's article",
                              description=LOCATE_DESCRIPTION, formatter_class=raw)
    p.add_argument("case", metavar="CASE", help="a case folder, or the id of a bundled case")
    p.add_argument("phrase", help="the words to find (quote them in the shell)")
    p.set_defaults(func=run_locate)

    p = subparsers.add_parser("fill-offsets", help="fill empty start/end in claims.csv from the quotes",
                              description=FILL_DESCRIPTION, formatter_class=raw)
    p.add_argument("case", metavar="CASE", help="a case folder, or the id of a bundled case")
    p.set_defaults(func=run_fill_offsets)


def run_new_case(args: argparse.Namespace) -> int:
    from ..authoring import new_case

    try:
        folder = new_case(Path(args.root), args.case_id, args.article)
    except (ValueError, FileExistsError, FileNotFoundError) as exc:
        print(f"coursekit new-case: {exc}", file=sys.stderr)
        return 1
    print(f"created {folder}/ with " + ", ".join(sorted(p.name for p in folder.iterdir())))
    where = folder.as_posix()
    if args.article is None:
        print(f"next: paste the article into {where}/article.txt")
    print(f"next: fill in {where}/case.toml, actors.csv, topics.csv and claims.csv "
          f"(examples in {where}/README.md), then run\n"
          f"  coursekit fill-offsets {where}\n"
          f"  coursekit validate {where}")
    return 0


def _case_folder(case: str) -> Path | None:
    from ..cases import resolve_case
    from ..validation import CaseError

    try:
        return resolve_case(case)
    except CaseError as exc:
        print(exc, file=sys.stderr)
        return None


def run_locate(args: argparse.Namespace) -> int:
    from ..authoring import describe_difference, locate

    folder = _case_folder(args.case)
    if folder is None:
        return 1
    try:
        article = (folder / "article.txt").read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{folder / 'article.txt'}: cannot be read as UTF-8 text ({exc}).", file=sys.stderr)
        return 1
    if not args.phrase.strip():
        print("coursekit locate: the phrase is empty; give the words to find.", file=sys.stderr)
        return 1
    matches = locate(article, args.phrase)
    if not matches:
        print(f"{args.phrase!r} does not occur in {folder / 'article.txt'} (not even with "
              "curly quotes or non-breaking spaces). Check the spelling and letter case, or "
              "try a shorter phrase.", file=sys.stderr)
        return 1
    print(f"{len(matches)} occurrence{'s' if len(matches) != 1 else ''} of {args.phrase!r} "
          f"in {folder / 'article.txt'}:")
    for m in matches:
        print(f"  start={m.start} end={m.end}  (line {m.line})  {m.context(article)}")
        if not m.exact:
            print(f"    exact text: {m.text!r}; {describe_difference(args.phrase, m.text)}")
    return 0


def run_fill_offsets(args: argparse.Namespace) -> int:
    from ..authoring import fill_offsets

    folder = _case_folder(args.case)
    if folder is None:
        return 1
    report = fill_offsets(folder)
    for note in report.notes:
        print(note)
    for change in report.changes:
        print(change)
    if report.problems:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        count = len(report.problems)
        print(f"{report.path}: {count} row{'s' if count != 1 else ''} need{'s' if count == 1 else ''}"
              " your attention; nothing was written.", file=sys.stderr)
        return 1
    if report.written and not report.changes:
        print(f"{report.path}: rewritten (see above); no offsets to fill.")
    elif report.written:
        print(f"{report.path}: filled {len(report.changes)} "
              f"row{'s' if len(report.changes) != 1 else ''}. Next: coursekit validate {folder}")
    else:
        print(f"{report.path}: nothing to fill; every claim has its start and end.")
    return 0
