"""``coursekit grade SUBMISSIONS --exercises DIR --out DIR``: grade a class, executing nothing."""

from __future__ import annotations

import argparse
import sys

HELP = "grade students' exercise notebooks without running them"
DESCRIPTION = """\
Grade a class: read each student's answers from the tagged answer cells of
their notebooks and score them against the key in the instructor sources.
Answers are read as plain Python literals (ast.literal_eval): no student
code is ever executed, so a notebook that tries to run code only loses the
points of that answer.

Where the student's name comes from (the file or folder name):
  SUBMISSIONS/alice.ipynb                  one notebook per student; the
                                           exercise set is recognised from
                                           the notebook (or give --set)
  SUBMISSIONS/alice/01_attribution.ipynb   a folder per student, one
                                           notebook per exercise set
Hidden files, .ipynb_checkpoints/, files that are not .ipynb and links
(never followed) are skipped and listed. A notebook larger than 20 MB, or an
answer cell larger than 1 MB, is not read.

Written into --out as one whole: the results go into a new folder beside it,
which replaces --out by rename only when every file is written, so --out holds
the previous run or this one, never a mix (re-running gives identical files).
A second run on the same --out while one is writing stops at once, writing
nothing. --out may not be or hold the submissions, the exercises or a
repository, nor a folder holding files coursekit did not write.
  gradebook.csv        one row per student: points per question, total, max,
                       status (graded, partial, failed) and problems
  responses.csv        every answer given, free text included for marking
  item_analysis.csv    per question: share correct, mean points,
                       discrimination, most common wrong answers
  item_analysis.png    share correct per question, with discrimination
  feedback/NAME.html   a page per student: each question, their answer,
                       the explanation and the paragraph to reread
  to_mark.json         the written answers, for the marking view
  results.json         the scored answers, so --student can regrade one

Read from --out on every run: marks.csv, the instructor's marks for written
answers (from the marking view, or typed in); a mark given to an answer that
has changed since is flagged, not used. Late work: a [late] table in
EXERCISES/grading.toml (due date, policy, submission times); see
docs/grading.md. Upload the grades with `coursekit export`.

Exit status: 0 when every submission was graded, 1 when some could not be
read (see the gradebook's status and problems), 2 when the command was used
wrongly (no such folder, a broken exercise source, an unknown --set, an --out
that is refused, another run writing it) or the results could not be written
(the previous results are then left whole).

Examples:
  coursekit grade submissions/ --exercises exercises/ --out results/
  coursekit grade submissions/ --set 01_attribution --out results/
  coursekit grade submissions/ --out results/ --student alice"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grade", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("submissions", metavar="SUBMISSIONS",
                        help="folder of student notebooks (or of one folder per student)")
    parser.add_argument("--exercises", metavar="DIR", default="exercises",
                        help="the instructor source notebooks, with the key (default: exercises)")
    parser.add_argument("--out", metavar="DIR", default="results",
                        help="where the results go (default: results)")
    parser.add_argument("--set", dest="set_id", metavar="SET",
                        help="grade every notebook as this exercise set, e.g. 01_attribution")
    parser.add_argument("--student", metavar="NAME",
                        help="regrade only this student into the existing results in --out (the others "
                             "are kept as the last run left them)")
    parser.add_argument("--late-config", metavar="FILE",
                        help="the grading.toml with the [late] policy (default: the one in --exercises, "
                             "if any)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress counter and no summary; problems are still reported")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..grading import GradingError, grade_class

    try:
        report = grade_class(args.submissions, args.exercises, args.out, set_id=args.set_id,
                             progress=None if args.quiet else sys.stderr, student=args.student,
                             late_config=args.late_config)
    except GradingError as exc:
        print(f"coursekit grade: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. a full disk: the new results are discarded, the previous ones untouched
        print(f"coursekit grade: could not write the results in {args.out}: {exc}; the previous results "
              "there are untouched", file=sys.stderr)
        return 2
    for line in report.failure_lines():
        print(line, file=sys.stderr)
    if not args.quiet:
        print(report.summary())
    return 1 if report.failed else 0
