"""What a check returns (:class:`Feedback`), what reading an answer gives (:class:`Answer`), and the fixed messages."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ANSWER_STATUSES", "KINDS", "PARTLY_INSIDE", "QID", "STATUSES", "TAG_ANSWER", "TAG_CHECK",
           "TAG_INSTRUCTOR", "TAG_QUESTION", "TAG_SETUP", "TAG_SPEC", "TOO_SHORT", "UNANSWERED", "Answer",
           "ExerciseError", "Feedback", "say"]

KINDS = ("single", "multiple", "matching", "ordering", "numeric", "span", "text", "coding")
# "invalid": the answer cell is not one plain value, so the grader cannot read it (scores 0).
STATUSES = ("correct", "incorrect", "unanswered", "manual", "invalid")
ANSWER_STATUSES = ("ok", "missing", "duplicate", "invalid")

# Question ids are Python names, since the answer cell assigns to them.
QID = re.compile(r"^[a-z][a-z0-9_]*$")
TAG_QUESTION, TAG_SPEC, TAG_ANSWER, TAG_CHECK = "question:", "spec:", "answer:", "check:"
TAG_INSTRUCTOR, TAG_SETUP = "instructor", "setup"

UNANSWERED = "Not answered yet: replace None with your answer, then run this cell again."
PARTLY_INSIDE = (
    "Not correct yet: your phrase overlaps the right passage only partly. "
    "Keep to the words of that passage: shorten the phrase so it starts and ends inside it."
)
TOO_SHORT = (
    "Not correct yet: this phrase is too short to tell which passage you mean. "
    "Copy the whole clause that answers the question, not a few words of it."
)


class ExerciseError(ValueError):
    """An exercise source that cannot be used, with every problem found."""

    def __init__(self, source: str | Path, problems: list[str]):
        self.source = str(source)
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    ``status`` is one of ``correct``, ``incorrect``, ``unanswered``, ``manual``
    (free text, marked by the instructor) or ``invalid`` (the answer cell is
    not a plain value, so the grader cannot read it); ``points`` is what the
    answer earns (partial credit for multiple select and matching);
    ``message`` is the plain text a student sees; ``note`` repeats the
    part of it about this very answer (why its form cannot be marked, or how
    many parts are right), which the grader's feedback page shows too.
    """

    status: str
    points: float
    message: str
    note: str = ""  # the sentence about this answer's form or its right parts, also in ``message``

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Answer:
    """One answer as read from a notebook, never executed.

    ``status`` is ``ok`` (``value`` holds the literal; ``None`` means not
    answered yet), ``missing`` (no cell tagged ``answer:<qid>``),
    ``duplicate`` (more than one such cell) or ``invalid`` (the cell is not
    a single ``<qid> = <literal>``); ``message`` says what was wrong.
    """

    qid: str
    value: Any
    status: str
    message: str = ""


def say(message: str) -> None:
    """Print one message as one write."""
    # Not print's two writes: a kernel under load may otherwise send the text and
    # its newline as two stream outputs, and the stored output would vary.
    sys.stdout.write(message + "\n")
    sys.stdout.flush()
