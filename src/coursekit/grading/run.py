"""The orchestrator: find -> read -> recognise -> score -> write."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from .._io import MARKER, OutputError, claim_output, folder_transaction, keep_or_write
from ..quiz import ExerciseSet
from .feedback import feedback_html
from .late import LateError, apply_late, load_policy
from .marking import TO_MARK_FILE, to_mark_json, written_questions
from .marks import MARKS_FILE, apply_marks
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

__all__ = ["OWN_NAMES", "feedback_file_name", "grade_class", "result_files",
           "write_result_set", "write_results"]

# What the grader writes into --out (before the marker file existed, these named its folders).
OWN_NAMES = ("gradebook.csv", "responses.csv", "item_analysis.csv", "item_analysis.png", "feedback",
             TO_MARK_FILE, SAVED_FILE, MARKS_FILE)



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
    inputs = [root] if isinstance(exercises, list) else [root, Path(exercises)]
    _claim(out, inputs)  # before the work: a refused --out is said at once
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
    write_results(report, scored, inputs)
    report.seconds = time.perf_counter() - started
    return report


class _Progress:
    """A counter on one line of stderr, only when it is a terminal."""

    def __init__(self, stream: IO[str] | None, total: int):
        # The stream itself, not the command line's escaping wrapper: the counter needs "\r".
        stream = getattr(stream, "terminal", stream)
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



def _claim(out: Path, inputs: Iterable[Path]) -> None:
    try:
        claim_output(out, command="grade", inputs=inputs, own_names=OWN_NAMES)
    except OutputError as exc:
        raise GradingError(str(exc)) from None


def feedback_file_name(student: str) -> str:
    """``<student>.html``, shortened with a digest when the name would not fit in a file name."""
    name = f"{student}.html"
    if len(os.fsencode(name)) <= 255:
        return name
    digest = hashlib.sha256(os.fsencode(student)).hexdigest()[:12]
    return f"{os.fsencode(student)[:200].decode('utf-8', 'ignore')}-{digest}.html"


def result_files(report: GradingReport, scored: str | None = None) -> dict[str, bytes]:
    """Every file of a run's result set, by its path inside ``--out``; the gradebook last."""
    from ..plots import item_figure  # matplotlib only when results are written

    files = {f"feedback/{feedback_file_name(s.name)}": feedback_html(s, report.sets).encode("utf-8")
             for s in report.students}
    stats = item_statistics(report)
    files["responses.csv"] = csv_bytes(RESPONSE_COLUMNS, response_rows(report))
    files["item_analysis.csv"] = csv_bytes(ITEM_COLUMNS, item_rows(stats))
    files["item_analysis.png"] = item_figure(stats)
    # JSON: a lone surrogate in an answer becomes its \uXXXX escape, which reads back the same.
    files[TO_MARK_FILE] = to_mark_json(written_questions(report)).encode("utf-8", "backslashreplace")
    if scored is not None:
        files[SAVED_FILE] = scored.encode("utf-8", "backslashreplace")
    # coding questions: agreement and class figures (nothing when the run has none)
    from ..coding_results import write_coding_results

    write_coding_results(report, Path(), lambda path, data: files.__setitem__(path.as_posix(), data))
    header, rows = gradebook_rows(report)
    files["gradebook.csv"] = csv_bytes(header, rows)
    return files


def write_result_set(out: str | Path, files: dict[str, bytes], inputs: Iterable[str | Path] = (),
                     command: str = "grade") -> None:
    """Write a whole result set as one transaction: all of ``files`` become ``out``, or none does.

    The files go into a new folder beside ``out``, which replaces ``out`` by
    rename, under a lock (a second run on the same ``out`` is refused); see
    :func:`coursekit._io.folder_transaction` for what a crash leaves.  A file
    whose bytes did not change keeps its modification time.
    """
    out = Path(out)
    with folder_transaction(out, command=command, inputs=inputs, own_names=OWN_NAMES) as new:
        for relative, data in files.items():
            keep_or_write(out / relative, new / relative, data)
        # Last, just before the swap: what the run does not write moves into the new results as it
        # is, hard-linked (the instructor's marks.csv, an export, notes of one's own).
        made = {relative.split("/", 1)[0] for relative in files} | {MARKER}
        for entry in sorted(out.iterdir()) if out.is_dir() else []:
            if entry.name not in made:
                _carry(entry, new / entry.name)


def _carry(source: Path, target: Path) -> None:
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, target, symlinks=True, copy_function=os.link)
    else:
        os.link(source, target, follow_symlinks=False)

def write_results(report: GradingReport, scored: str | None = None,
                  inputs: Iterable[str | Path] = ()) -> None:
    """Write the report's result set into ``report.out``, atomically as a whole (marks.csv kept)."""
    try:
        write_result_set(report.out, result_files(report, scored), inputs)
    except OutputError as exc:
        raise GradingError(str(exc)) from None
