"""The orchestrator: find -> read -> recognise -> score -> write."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO

from .._io import write_atomic
from ..quiz import ExerciseSet
from .feedback import feedback_html
from .late import LateError, apply_late, load_policy
from .marking import TO_MARK_FILE, to_mark_json, written_questions
from .marks import apply_marks
from .results import GradingError, GradingReport
from .saved import SAVED_FILE, dump_students, load_students
from .scoring import Checker, grade_student, load_exercise_sets
from .submissions import find_submissions
from .tables import (
    ITEM_COLUMNS,
    RESPONSE_COLUMNS,
    csv_bytes,
    gradebook_rows,
    item_rows,
    item_statistics,
    response_rows,
)

__all__ = ["grade_class", "write_results"]


def grade_class(submissions: str | Path, exercises: str | Path | list[ExerciseSet], out: str | Path,
                set_id: str | None = None, progress: IO[str] | None = None,
                student: str | None = None, late_config: str | Path | None = None) -> GradingReport:
    """Grade every submission and write the results into ``out``; see the module docstring.

    ``exercises`` is a folder of instructor sources, or sets already loaded
    (so a caller grading many classes loads the keys once).  With
    ``student``, only that student's notebooks are read again; the others
    come from the last run's ``results.json``.  The late-work policy is the
    ``[late]`` table of ``grading.toml`` in the exercises folder (or
    ``late_config``).  Marks in ``OUT/marks.csv`` are counted every run.
    Raises :class:`GradingError` only for usage errors, before anything is
    written.
    """
    started = time.perf_counter()
    root, out = Path(submissions), Path(out)
    sets = exercises if isinstance(exercises, list) else load_exercise_sets(exercises)
    by_id = {ex.set_id: ex for ex in sets}
    if set_id is not None and set_id not in by_id:
        raise GradingError(f"--set {set_id!r} is not an exercise set; the sets are: {', '.join(by_id)}")
    config = late_config if late_config is not None else (None if isinstance(exercises, list) else exercises)
    try:
        policy = load_policy(config) if config is not None else None
    except LateError as exc:
        raise GradingError(str(exc)) from None
    found, skipped, _ = find_submissions(root, out)
    if student is not None:
        if student not in found:
            raise GradingError(f"{root}: no notebook for the student {student!r} (the students are "
                               "named after their files or folders)")
        found = {student: found[student]}
        earlier = [s for s in load_students(out, sets) if s.name != student]
    else:
        earlier = []
    if not found:
        raise GradingError(f"{root}: no notebooks (.ipynb) found")
    checker = Checker()
    students = list(earlier)
    bar = _Progress(progress, len(found))
    for n, name in enumerate(sorted(found, key=lambda s: (s.casefold(), s)), 1):
        students.append(grade_student(name, found[name], by_id, set_id, checker, root))
        bar.update(n)
    bar.close()
    students.sort(key=lambda s: (s.name.casefold(), s.name))
    # The run's sets: those any student submitted (or --set), in the sources' order.
    seen = {k for s in students for k in s.sets} | {set_id}
    run_sets = [ex for ex in sets if ex.set_id in seen] or sets
    report = GradingReport(students, run_sets, skipped, out, late=policy)
    scored = dump_students(students, sets)  # before marks and penalties, which each run applies anew
    apply_marks(report)
    apply_late(report, found)
    write_results(report, scored)
    report.seconds = time.perf_counter() - started
    return report


class _Progress:
    """A counter on one line of stderr, only when it is a terminal."""

    def __init__(self, stream: IO[str] | None, total: int):
        self.stream = stream if stream is not None and _isatty(stream) else None
        self.total = total
        self.last = 0.0

    def update(self, n: int) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if n == self.total or now - self.last > 0.1:
            self.last = now
            self.stream.write(f"\rgrading {n}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.write("\r" + " " * (len(str(self.total)) * 2 + 10) + "\r")
            self.stream.flush()


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False



def write_output(path: Path, data: bytes) -> None:
    """Atomic write; a file that already holds these bytes keeps its modification time."""
    write_atomic(path, data, skip_unchanged=True)


def write_results(report: GradingReport, scored: str | None = None) -> None:
    """Write every output atomically; the gradebook last, so it never describes a half-written run."""
    out = report.out
    feedback_dir = out / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    written = set()
    for student in report.students:
        name = f"{student.name}.html"
        write_output(feedback_dir / name, feedback_html(student, report.sets).encode("utf-8"))
        written.add(name)
    for stale in feedback_dir.glob("*.html"):
        if stale.name not in written:  # a student renamed or removed since the last run
            stale.unlink()
    from ..plots import item_figure  # matplotlib only when results are written

    stats = item_statistics(report)
    write_output(out / "responses.csv", csv_bytes(RESPONSE_COLUMNS, response_rows(report)))
    write_output(out / "item_analysis.csv", csv_bytes(ITEM_COLUMNS, item_rows(stats)))
    write_output(out / "item_analysis.png", item_figure(stats))
    write_output(out / TO_MARK_FILE, to_mark_json(written_questions(report)).encode("utf-8"))
    if scored is not None:
        write_output(out / SAVED_FILE, scored.encode("utf-8"))
    from ..coding_results import (
        write_coding_results,  # agreement and class figures, if any coding question
    )

    write_coding_results(report, out, write_output)
    header, rows = gradebook_rows(report)
    write_output(out / "gradebook.csv", csv_bytes(header, rows))
