"""Grade a class of exercise notebooks without running any of them.

``coursekit grade SUBMISSIONS --exercises exercises/ --out results/`` reads
each student's answers from the cells tagged ``answer:<qid>`` with
:func:`coursekit.quiz.read_answers` (``ast.literal_eval`` only: student code
is never executed), scores them with the instructor sources' keys and writes
a gradebook, every response, an item analysis with its figure, and a
feedback page per student.  See ``docs/grading.md``.

Where a student's name comes from:

* ``SUBMISSIONS/alice.ipynb`` — one notebook per student; the exercise set
  is recognised from the notebook (its set-up cell names the set, or its
  title matches a set's title, or its file name is the set id), or given
  with ``--set``;
* ``SUBMISSIONS/alice/01_attribution.ipynb`` — a folder per student, one
  notebook per set.

Bad input never stops the run: a notebook that cannot be read is reported
with status ``failed`` and a plain reason; a notebook with some unreadable
answer cells is graded on the rest (status ``partial``).  Every output file
is written atomically and deterministically (re-running gives identical
bytes).

The steps, one module each: :mod:`.submissions` (find, read, recognise),
:mod:`.scoring` (keys, answers, checks), :mod:`.results` (the records),
:mod:`.tables` (gradebook, responses, item statistics), :mod:`.feedback`
(the HTML pages, from ``templates/feedback.html``) and :mod:`.run`
(:func:`grade_class`, which calls them in order, and :func:`write_results`).
The item-analysis figure is :func:`coursekit.plots.item_figure`.
"""

from .marking import MarkingView
from .results import GradingError, GradingReport, ItemResult, SetResult, StudentResult
from .run import grade_class, write_results
from .scoring import grade_notebook, load_exercise_sets
from .submissions import (
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    Submission,
    find_submissions,
    read_submission,
)
from .tables import item_statistics

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "GradingError",
    "GradingReport",
    "ItemResult",
    "MarkingView",
    "SetResult",
    "StudentResult",
    "Submission",
    "find_submissions",
    "grade_class",
    "grade_notebook",
    "item_statistics",
    "load_exercise_sets",
    "read_submission",
    "write_results",
]
