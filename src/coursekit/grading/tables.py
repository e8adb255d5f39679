"""The tables the grader writes: gradebook, every response, item statistics (CSV, spreadsheet-safe)."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..quiz import ExerciseSet, Question
from .results import GradingReport, fmt_points, total_points

__all__ = ["ITEM_COLUMNS", "RESPONSE_COLUMNS", "ItemStats", "csv_bytes", "gradebook_rows", "item_rows",
           "item_statistics", "response_rows"]


def csv_bytes(header: list[str], rows: Iterable[list[str]], lineterminator: str = "\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_rows(report: GradingReport) -> tuple[list[str], list[list[str]]]:
    ids = report.set_ids
    columns = [(ex.set_id, q.qid) for ex in report.sets for q in ex.questions]
    late = report.late is not None
    header = ["student", *(f"{s}:{q}" for s, q in columns), "total", "max", "to_mark",
              *(["late_days", "penalty"] if late else []), "status", "problems"]
    rows = []
    for student in report.students:
        # A written answer waiting for the instructor's mark shows no number yet (to_mark counts it).
        # So does a coding question with no saved coding: not a 0 that looks like a mark.
        points = {(set_id, i.question.qid): None if i.status in ("manual", "no_coding") else i.points
                  for set_id, r in student.sets.items() for i in r.items}
        to_mark = sum(1 for r in student.sets.values() for i in r.items if i.status == "manual")
        lateness = ([("" if student.late_days is None else str(student.late_days)),
                     fmt_points(student.penalty) if student.late_days else ""] if late else [])
        rows.append([spreadsheet_text(student.name), *(fmt_points(points.get(c)) for c in columns),
                     "" if student.failed else fmt_points(total_points(student)), fmt_points(report.max_points),
                     str(to_mark), *lateness, student.status(ids),
                     spreadsheet_text(problems_text(student.problem_list(ids)))])
    return header, rows


MAX_CELL = 32_767  # the most characters a spreadsheet cell holds (Excel, LibreOffice)


def problems_text(problems: list[str], limit: int = MAX_CELL - 100) -> str:
    """The problems joined with " | ", as many as fit in one spreadsheet cell, then how many were left.

    >>> problems_text(["one", "two", "three"], limit=14)
    'one | two | … 1 more problems not shown (3 in all)'
    """
    shown: list[str] = []
    size = 0
    for problem in problems:
        size += len(problem) + 3
        if size > limit:
            return " | ".join([*shown, f"… {len(problems) - len(shown)} more problems not shown "
                                         f"({len(problems)} in all)"])
        shown.append(problem)
    return " | ".join(shown)


RESPONSE_COLUMNS = ["student", "set", "question", "kind", "answer", "status", "correct", "points",
                    "max_points", "note"]


def response_rows(report: GradingReport) -> list[list[str]]:
    rows = []
    for student in report.students:
        for ex in report.sets:
            result = student.sets.get(ex.set_id)
            for item in result.items if result else []:
                correct = ("" if item.status in ("manual", "marked", "no_coding")
                           else ("1" if item.status == "correct" else "0"))
                note = (item.message if item.status in ("missing", "duplicate", "invalid", "error", "no_coding")
                        else item.note)
                if item.status == "manual" and item.question.rubric:  # for the instructor's eyes only
                    note = f"mark by the rubric: {item.question.rubric}"
                answer = spreadsheet_text(item.answer) if item.question.kind == "text" else item.answer  # raw text
                rows.append([spreadsheet_text(student.name), ex.set_id, item.question.qid, item.question.kind,
                             answer, item.status, correct, fmt_points(item.points),
                             fmt_points(item.question.points), note])
    return rows


ITEM_COLUMNS = ["set", "question", "kind", "max_points", "n", "answered", "share_correct",
                "mean_points", "discrimination", "common_wrong_answers"]


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's r; None when either side does not vary (or fewer than 3 students)."""
    n = len(xs)
    if n < 3:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


@dataclass
class ItemStats:
    exercise_set: ExerciseSet
    question: Question
    n: int
    answered: int
    share_correct: float | None
    mean_points: float | None
    discrimination: float | None
    wrong: list[tuple[str, int]]


def item_statistics(report: GradingReport) -> list[ItemStats]:
    """Per question, over the students whose notebook for the set was graded.

    Discrimination is the corrected point-biserial correlation: Pearson's r
    between the points on the question and the points on the set's other
    auto-checked questions (so a question does not correlate with itself).
    Free-text questions get none of share correct, mean points or
    discrimination: they are marked by hand.
    """
    stats = []
    for ex in report.sets:
        results = [s.sets[ex.set_id] for s in report.students if ex.set_id in s.sets]
        totals = [r.points for r in results]
        for index, q in enumerate(ex.questions):
            items = [r.items[index] for r in results]
            n = len(items)
            answered = sum(1 for i in items if i.status in ("correct", "incorrect", "manual", "marked"))
            wrong = Counter(i.answer if len(i.answer) <= 80 else i.answer[:77] + "..."
                            for i in items if i.status == "incorrect")
            if q.kind == "text" or not n:
                stats.append(ItemStats(ex, q, n, answered, None, None, None, []))
                continue
            points = [i.points for i in items]
            rest = [t - p for t, p in zip(totals, points, strict=True)]
            stats.append(ItemStats(
                ex, q, n, answered,
                sum(1 for i in items if i.status == "correct") / n, sum(points) / n,
                correlation(points, rest),
                sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:3]))
    return stats


def decimals(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def item_rows(stats: list[ItemStats]) -> list[list[str]]:
    return [[s.exercise_set.set_id, s.question.qid, s.question.kind, fmt_points(s.question.points),
             str(s.n), str(s.answered), decimals(s.share_correct), decimals(s.mean_points),
             decimals(s.discrimination), "; ".join(f"{a} ({c})" for a, c in s.wrong)] for s in stats]
