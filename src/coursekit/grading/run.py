"""The orchestrator: find -> read -> recognise -> score -> write."""

from __future__ import annotations

import time
from pathlib import Path
from typing import IO

from .._io import write_atomic
from ..quiz import ExerciseSet
from .feedback import feedback_html
from .results import GradingError, GradingReport
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
                set_id: str | None = None, progress: IO[str] | None = None) -> GradingReport:
    """Grade every submission and write the results into ``out``; see the module docstring.

    ``exercises`` is a folder of instructor sources, or sets already loaded
    (so a caller grading many classes loads the keys once).  Raises
    :class:`GradingError` only for usage errors, before anything is written.
    """
    started = time.perf_counter()
    root, out = Path(submissions), Path(out)
    sets = exercises if isinstance(exercises, list) else load_exercise_sets(exercises)
    by_id = {ex.set_id: ex for ex in sets}
    if set_id is not None and set_id not in by_id:
        raise GradingError(f"--set {set_id!r} is not an exercise set; the sets are: {', '.join(by_id)}")
    found, skipped, _ = find_submissions(root, out)
    if not found:
        raise GradingError(f"{root}: no notebooks (.ipynb) found")
    checker = Checker()
    students = []
    bar = _Progress(progress, len(found))
    for n, name in enumerate(sorted(found, key=lambda s: (s.casefold(), s)), 1):
        students.append(grade_student(name, found[name], by_id, set_id, checker, root))
        bar.update(n)
    bar.close()
    # The run's sets: those any student submitted (or --set), in the sources' order.
    seen = {k for s in students for k in s.sets} | {set_id}
    run_sets = [ex for ex in sets if ex.set_id in seen] or sets
    report = GradingReport(students, run_sets, skipped, out)
    write_results(report)
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


def write_results(report: GradingReport) -> None:
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
    from ..coding_results import (
        write_coding_results,  # agreement and class figures, if any coding question
    )

    write_coding_results(report, out, write_output)
    header, rows = gradebook_rows(report)
    write_output(out / "gradebook.csv", csv_bytes(header, rows))
