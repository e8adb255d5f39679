"""The instructor's marks for written answers: ``RESULTS/marks.csv``.

One row per marked answer, human-editable in a spreadsheet::

    set,question,student,mark,comment,answer_sha256
    03_context_and_analysis,q10,alice,3,"Names both conditions; no source.",9f2c…

``answer_sha256`` is the digest of the answer the mark was given to.  When a
student hands in a changed answer, ``coursekit grade`` sees a different
digest and flags the mark instead of silently keeping it.  The marking view
(:class:`coursekit.grading.MarkingView`) writes this file; so can a person.

>>> answer_digest("Two conditions.") == answer_digest("Two conditions.")
True
>>> len(answer_digest("x"))
16
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import write_atomic

if TYPE_CHECKING:
    from .results import GradingReport

__all__ = ["MARKS_FILE", "MARK_COLUMNS", "Mark", "MarksError", "answer_digest", "apply_marks", "read_marks",
           "write_marks"]

MARK_COLUMNS = ["set", "question", "student", "mark", "comment", "answer_sha256"]
MARKS_FILE = "marks.csv"
Key = tuple[str, str, str]  # (student, set, question)


class MarksError(ValueError):
    """The marks file cannot be read at all (not the problems of single rows)."""


def answer_digest(answer: str) -> str:
    """A short fingerprint of an answer's text (64 bits of SHA-256, as hex)."""
    return hashlib.sha256(answer.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class Mark:
    set_id: str
    qid: str
    student: str
    mark: float
    comment: str
    answer_sha256: str

    @property
    def key(self) -> Key:
        return (self.student, self.set_id, self.qid)


def read_marks(path: str | Path, max_points: dict[tuple[str, str], float] | None = None
               ) -> tuple[dict[Key, Mark], list[str]]:
    """Read ``marks.csv``: the marks by (student, set, question), and each row's problem.

    A row with no mark (an empty ``mark`` cell) is no mark yet.  A mark that
    is not a number, or is outside 0 … the question's points (when
    ``max_points`` is given), is a problem and is not used.  A missing file
    is no marks.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        return {}, []
    except UnicodeDecodeError:
        raise MarksError(f"{path}: not UTF-8 text; save it again as CSV UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in MARK_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MarksError(f"{path}: no column {', '.join(missing)}; the header must be: "
                         + ",".join(MARK_COLUMNS))
    marks: dict[Key, Mark] = {}
    problems: list[str] = []
    for line, row in enumerate(reader, start=2):
        cells = {k: (row.get(k) or "").strip() for k in MARK_COLUMNS}
        if not cells["mark"]:
            continue
        where = f"{path.name}:{line}"
        try:
            value = float(cells["mark"])
        except ValueError:
            problems.append(f"{where}: column 'mark': is {cells['mark']!r}; expected a number")
            continue
        limit = (max_points or {}).get((cells["set"], cells["question"]))
        if max_points is not None and limit is None:
            problems.append(f"{where}: {cells['set']}:{cells['question']} is not a written question "
                            "of this run; mark not used")
            continue
        if not math.isfinite(value) or value < 0 or (limit is not None and value > limit):
            problems.append(f"{where}: column 'mark': is {cells['mark']}; expected 0 to "
                            f"{_short(limit) if limit is not None else 'the question points'}")
            continue
        mark = Mark(cells["set"], cells["question"], cells["student"], value,
                    row.get("comment") or "", cells["answer_sha256"])
        if mark.key in marks:
            problems.append(f"{where}: a second mark for {mark.student}, {mark.set_id}:{mark.qid}; "
                            "the later row is used")
        marks[mark.key] = mark
    return marks, problems


def _short(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{round(value, 4):g}"


def write_marks(path: str | Path, marks: Iterable[Mark]) -> None:
    """Write the marks sorted by set, question and student, atomically."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(MARK_COLUMNS)
    for m in sorted(marks, key=lambda m: (m.set_id, m.qid, m.student)):
        writer.writerow([m.set_id, m.qid, m.student, _short(m.mark), m.comment, m.answer_sha256])
    write_atomic(path, buffer.getvalue())


def written_answer(item_value: object, shown: str) -> str:
    """The whole text of a written answer (the shown form may be shortened)."""
    return item_value if isinstance(item_value, str) else shown


def apply_marks(report: GradingReport) -> None:
    """Count the marks of ``OUT/marks.csv`` in the report; flag marks whose answer changed.

    A marked answer becomes status ``marked`` with the mark as its points and
    the comment beside it.  A mark given to a different answer (the student
    handed in again) is not used: the answer stays to be marked, and the
    student's problems say so.  Problems of the file itself become notices.
    """
    limits = {(ex.set_id, q.qid): q.points for ex in report.sets for q in ex.questions if q.kind == "text"}
    try:
        marks, problems = read_marks(report.out / MARKS_FILE, limits)
    except MarksError as exc:
        report.notices.append(f"marks not counted: {exc}")
        return
    report.notices += [f"marks.csv: {p}" if not p.startswith(MARKS_FILE) else p for p in problems]
    for student in report.students:
        for set_id, result in student.sets.items():
            for item in result.items:
                mark = marks.get((student.name, set_id, item.question.qid))
                if mark is None or item.status != "manual":
                    continue
                text = written_answer(item.value, item.answer)
                if mark.answer_sha256 and mark.answer_sha256 != answer_digest(text):
                    result.notes.append(f"{item.question.qid}: the answer changed after it was marked "
                                        f"(the mark {_short(mark.mark)} is not used); mark it again")
                    continue
                item.status, item.points, item.comment = "marked", mark.mark, mark.comment
