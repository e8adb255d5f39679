"""``coursekit export RESULTS --to canvas|moodle|csv``: grades into a learning platform."""

from __future__ import annotations

import argparse
import sys

HELP = "write the gradebook in the upload format of Canvas, Moodle or a plain CSV"
DESCRIPTION = """\
Write the grades that `coursekit grade` put in RESULTS/gradebook.csv in the
form a learning platform's grade import takes.

The kit knows students by their file or folder names; the platform by its own
ids. Give the platform's own gradebook export as the roster and each kit name
is matched to a roster row (by login, e-mail address or its part before the @,
user name, or id: the column that matches most students, or --match COLUMN).
Students found on one side only are listed, never guessed.

Only finished grades are exported: a student whose notebook failed, or who has
written answers still to mark (see `coursekit grade`'s marks.csv), is left out
and listed, so an upload never turns a missing mark into a zero.

  canvas   Canvas's gradebook import: Student, ID, SIS User ID, SIS Login ID,
           Section, then one column per assignment, and a Points Possible row.
           Needs --roster (Canvas: Grades > Export > Export Entire Gradebook).
  moodle   Moodle's CSV grade import: the roster's identity columns (Email
           address, Username, ID number, names) and the grade column; in Moodle
           map "Email address" (or another) under "Identify user by".
           Roster: Grade administration > Export > Plain text file.
  csv      student, (the matched roster id), grade(s), max, status.

Written to RESULTS/export-PLATFORM.csv unless --out FILE is given.

Exit status: 0 written; 1 written, but some students are not in it (listed);
2 nothing written (no gradebook, an unreadable roster, a wrong option).

Examples:
  coursekit export results/ --to canvas --roster canvas_gradebook.csv --assignment "Exercises 1-3"
  coursekit export results/ --to moodle --roster moodle_grades.csv --per-set"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("results", metavar="RESULTS", help="the folder `coursekit grade --out` wrote")
    parser.add_argument("--to", dest="platform", choices=("canvas", "moodle", "csv"), required=True,
                        help="the platform whose upload format to write")
    parser.add_argument("--roster", metavar="FILE", help="the platform's own gradebook export (CSV)")
    parser.add_argument("--assignment", default="coursekit", metavar="NAME",
                        help="the grade column's title (default: coursekit); a new title makes a new "
                             "assignment in Canvas")
    parser.add_argument("--per-set", action="store_true",
                        help="one column per exercise set instead of one total")
    parser.add_argument("--match", metavar="COLUMN", help="the roster column that holds the kit's names")
    parser.add_argument("--out", metavar="FILE", help="where to write (default RESULTS/export-PLATFORM.csv)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..grading.export import ExportError, export_grades

    try:
        report = export_grades(args.results, args.platform, roster=args.roster, out=args.out,
                               assignment=args.assignment, per_set=args.per_set, column=args.match)
    except ExportError as exc:
        print(f"coursekit export: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"coursekit export: could not write {args.out or args.results}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    incomplete = report.unfinished or (report.match is not None and (
        report.match.not_in_roster or report.match.ambiguous))
    return 1 if incomplete else 0
