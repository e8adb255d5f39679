"""The result records: one question for one student, one notebook, one student, the whole run.

>>> fmt_points(2.0), fmt_points(1.333333), fmt_points(None)
('2', '1.3333', '')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..quiz import ExerciseSet, Question

__all__ = ["FAILED", "GRADED", "MAX_SHOWN_CHARS", "PARTIAL", "GradingError", "GradingReport", "ItemResult",
           "SetResult", "StudentResult", "fmt_points", "shorten", "total_points"]

MAX_SHOWN_CHARS = 20_000  # answers longer than this are shortened in responses.csv and feedback
GRADED, PARTIAL, FAILED = "graded", "partial", "failed"


class GradingError(Exception):
    """The command cannot run at all (a usage error): nothing was graded or written."""


# --- results --------------------------------------------------------------------------------

@dataclass
class ItemResult:
    """One question's result for one student."""

    question: Question
    status: str  # correct, incorrect, unanswered, manual, or missing / duplicate / invalid / error
    points: float
    answer: str  # what was given, as text (repr, or the text itself for free text)
    value: Any = None
    message: str = ""  # the check's message, or why the answer could not be read
    comment: str = ""  # the instructor's comment on a marked written answer (marks.csv)
    note: str = ""  # the check's sentence about this answer: its form, or how many parts are right


@dataclass
class SetResult:
    """One student's notebook for one exercise set."""

    exercise_set: ExerciseSet
    file: str
    items: list[ItemResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(i.points for i in self.items)


@dataclass
class StudentResult:
    name: str
    sets: dict[str, SetResult] = field(default_factory=dict)  # the notebooks graded, by set id
    failures: list[str] = field(default_factory=list)  # notebooks that could not be graded, and why
    late_days: int | None = None  # days past the due date (grading.toml [late]); None: not checked
    penalty: float = 0.0  # points deducted for lateness

    @property
    def failed(self) -> bool:
        return bool(self.failures)

    def status(self, set_ids: Iterable[str]) -> str:
        if self.failures:
            return FAILED
        if any(s.notes for s in self.sets.values()) or set(set_ids) - set(self.sets):
            return PARTIAL
        return GRADED

    def problem_list(self, set_ids: Iterable[str]) -> list[str]:
        found = list(self.failures)
        failed_files = {f.split(": ", 1)[0] for f in self.failures}
        for set_id in set_ids:
            result = self.sets.get(set_id)
            if result is None:
                if not failed_files:
                    found.append(f"{set_id}: no notebook submitted")
            else:
                found += [f"{result.file}: {note}" for note in result.notes]
        return found


@dataclass
class GradingReport:
    """What a run graded and wrote; ``summary()`` is what the command prints."""

    students: list[StudentResult]
    sets: list[ExerciseSet]
    skipped: list[str]
    out: Path
    seconds: float = 0.0
    late: Any = None  # the LatePolicy of grading.toml, or None
    notices: list[str] = field(default_factory=list)  # run-level warnings (marks file, submission times)

    @property
    def set_ids(self) -> list[str]:
        return [s.set_id for s in self.sets]

    @property
    def failed(self) -> list[StudentResult]:
        return [s for s in self.students if s.failed]

    @property
    def max_points(self) -> float:
        return sum(s.total_points for s in self.sets)

    def failure_lines(self) -> list[str]:
        """One line per student whose notebook could not be read, for the instructor."""
        return [f"failed: {s.name}: {' | '.join(s.problem_list(self.set_ids))} "
                "(ask the student to open the notebook in Jupyter, save it and hand it in again)"
                for s in self.failed]

    def summary(self) -> str:
        ids = self.set_ids
        graded = [s for s in self.students if not s.failed]
        partial = [s for s in graded if s.status(ids) == PARTIAL]
        lines = [f"graded {len(graded)} of {len(self.students)} student(s): "
                 f"{len(self.failed)} failed, {len(partial)} partial (see the gradebook's problems column)"]
        if graded and self.max_points:
            mean = sum(total_points(s) for s in graded) / len(graded)
            lines.append(f"mean score {fmt_points(round(mean, 2))} of {fmt_points(self.max_points)} "
                         f"({mean / self.max_points:.0%})"
                         + (" before the remaining written answers are marked" if any(
                             i.status == "manual" for s in graded for r in s.sets.values()
                             for i in r.items) else ""))
        no_coding = sum(1 for s in graded for r in s.sets.values() for i in r.items if i.status == "no_coding")
        if no_coding:
            lines.append(f"{no_coding} coding answer(s) with no saved coding: not marked (see problems)")
        manual = sum(1 for s in graded for r in s.sets.values() for i in r.items if i.status == "manual")
        marked = sum(1 for s in graded for r in s.sets.values() for i in r.items if i.status == "marked")
        if marked:
            lines.append(f"{marked} written answer(s) marked (marks.csv) and counted")
        if manual:
            lines.append(f"{manual} written answer(s) to mark: open the marking view "
                         "(docs/grading.md, section 4) or fill in marks.csv")
        if self.late is not None:
            late = sum(1 for s in graded if s.late_days)
            lines.append(f"late work: {self.late.describe()}; {late} student(s) late")
        lines += self.notices
        if self.skipped:
            shown = ", ".join(self.skipped[:10]) + (", …" if len(self.skipped) > 10 else "")
            lines.append(f"skipped {len(self.skipped)} file(s) that are not notebooks: {shown}")
        coding = any(q.kind == "coding" for ex in self.sets for q in ex.questions)
        extra = ", coding_agreement.csv, coding/ (class figures; present coding/debrief.ipynb)" if coding else ""
        lines.append(f"wrote {self.out}/: gradebook.csv, responses.csv, item_analysis.csv, "
                     f"item_analysis.png{extra}, feedback/ ({len(self.students)} page(s)) in {self.seconds:.1f} s")
        return "\n".join(lines)


def total_points(student: StudentResult) -> float:
    """The student's points, marked written answers included, after any late penalty."""
    return sum(r.points for r in student.sets.values()) - student.penalty


def fmt_points(value: float | None) -> str:
    """Points as short, stable text: 2, 0.5, 1.3333."""
    if value is None:
        return ""
    value = round(float(value), 4)
    if value == int(value):
        return str(int(value))
    return f"{value:.4f}".rstrip("0")


def shorten(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return text[:MAX_SHOWN_CHARS] + f" … [shortened: {len(text):,} characters in all]"
