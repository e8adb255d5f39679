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

>>> _fmt(2.0), _fmt(1.333333), _fmt(None)
('2', '1.3333', '')
"""

from __future__ import annotations

import csv
import functools
import html
import io
import json
import math
import re
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ._io import write_atomic
from .quiz import TAG_ANSWER, Answer, ExerciseError, ExerciseSet, Feedback, Question, read_answers

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "GradingError",
    "GradingReport",
    "grade_class",
    "load_exercise_sets",
    "read_submission",
]

MAX_FILE_BYTES = 20 * 1024 * 1024  # a notebook larger than this is not read (20 MB)
MAX_CELL_CHARS = 1_000_000  # an answer cell's source longer than this is not parsed (~1 MB)
MAX_SHOWN_CHARS = 20_000  # answers longer than this are shortened in responses.csv and feedback

GRADED, PARTIAL, FAILED = "graded", "partial", "failed"
# Files that are part of how notebooks are saved or copied, not submissions: skipped silently.
_NOISE = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}
_SET_ID_IN_SETUP = re.compile(r"""["']set_id["']\s*:\s*["']([^"'\\]+)["']""")
_SET_ID_IN_SOURCE = re.compile(r"""load_exercise_set\(\s*["']([^"'\\]+?)(?:\.ipynb)?["']""")


class GradingError(Exception):
    """The command cannot run at all (a usage error): nothing was graded or written."""


# --- reading one notebook, never executing it ---------------------------------------

@dataclass
class Submission:
    """What was read from one notebook file: the parts grading needs, or why it failed."""

    path: Path
    problem: str = ""
    answer_cells: list[dict[str, Any]] = field(default_factory=list)
    cell_issues: dict[int, str] = field(default_factory=dict)  # answer cell index -> problem
    set_hints: list[str] = field(default_factory=list)  # set ids named inside the notebook
    title: str = ""


def _json_problem(exc: json.JSONDecodeError, text: str) -> str:
    # "Unterminated string" means the file ended inside a string (a raw line break in a
    # string is a different error), so it was cut off, like an error at the very end.
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        return ("not valid JSON: the file ends too early; it may have been cut off while "
                "saving or uploading (ask the student to save and hand it in again)")
    message = exc.msg.removesuffix(" at").removesuffix(" starting")
    return f"not valid JSON: line {exc.lineno} column {exc.colno} ({message})"


def _text(value: Any) -> str | None:
    """A cell's source as text (a string or a list of strings), or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def read_submission(path: Path) -> Submission:
    """Read a notebook file as JSON and keep its answer cells; report, never raise."""
    sub = Submission(path)
    try:
        size = path.stat().st_size
        if size == 0:
            sub.problem = "the file is empty (0 bytes)"
            return sub
        if size > MAX_FILE_BYTES:
            sub.problem = (f"the file is {size / 1024 / 1024:.1f} MB; notebooks over "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB are not read")
            return sub
        data = path.read_bytes()
    except OSError as exc:
        sub.problem = f"the file cannot be read: {exc.strerror or exc}"
        return sub
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        sub.problem = (f"not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} "
                       "(a notebook is always saved as UTF-8; was it converted or corrupted?)")
        return sub
    text = text.removeprefix("\ufeff")
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        sub.problem = _json_problem(exc, text)
        return sub
    except RecursionError:
        sub.problem = "not a notebook: the JSON is nested too deeply"
        return sub
    if not isinstance(nb, dict):
        sub.problem = f"not a notebook: the file holds a JSON {type(nb).__name__}, not a notebook"
        return sub
    version = nb.get("nbformat")
    if version is None:
        sub.problem = "not a notebook: the JSON has no 'nbformat' field"
        return sub
    if version != 4:
        sub.problem = (f"nbformat {version!r} notebook; only nbformat 4 can be graded "
                       "(opening and saving it in a current Jupyter converts it)")
        return sub
    cells = nb.get("cells")
    if not isinstance(cells, list):
        sub.problem = "not a notebook: it has no list of cells"
        return sub
    meta = nb.get("metadata")
    hint = meta.get("coursekit") if isinstance(meta, dict) else None
    if isinstance(hint, dict) and isinstance(hint.get("set_id"), str):
        sub.set_hints.append(hint["set_id"])
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        cmeta = cell.get("metadata")
        raw_tags = cmeta.get("tags") if isinstance(cmeta, dict) else None
        tags = [t for t in raw_tags if isinstance(t, str)] if isinstance(raw_tags, list) else []
        kind = cell.get("cell_type")
        if kind == "markdown" and not sub.title:
            source = _text(cell.get("source")) or ""
            first = source.strip().splitlines()[0] if source.strip() else ""
            if first.startswith("# "):
                sub.title = first[2:].strip()
        if kind != "code" or not tags:
            continue
        if "setup" in tags:
            source = _text(cell.get("source")) or ""
            found = _SET_ID_IN_SETUP.search(source) or _SET_ID_IN_SOURCE.search(source)
            if found:
                sub.set_hints.append(found.group(1))
        if not any(t.startswith(TAG_ANSWER) for t in tags):
            continue
        source = _text(cell.get("source"))
        issue = ""
        if source is None:
            issue = "the answer cell's source is not text"
        elif len(source) > MAX_CELL_CHARS:
            issue = (f"the answer cell holds {len(source):,} characters; answers over "
                     f"{MAX_CELL_CHARS:,} are not read")
        if issue:
            sub.cell_issues[len(sub.answer_cells)] = issue
            source = ""
        sub.answer_cells.append({"cell_type": "code", "metadata": {"tags": tags}, "source": source})
    return sub


# --- the exercise sets and the checks ---------------------------------------------------

def load_exercise_sets(folder: str | Path) -> list[ExerciseSet]:
    """Every instructor source in a folder (or one notebook), with its key resolved, in name order."""
    from .quiz import load_exercise_set

    folder = Path(folder)
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    else:
        raise GradingError(f"{folder}: no such exercises folder")
    if not paths:
        raise GradingError(f"{folder}: no exercise notebooks (*.ipynb) found")
    sets, problems, cases = [], [], {}
    for path in paths:
        try:
            sets.append(load_exercise_set(path, case=_case_for(path, cases)))
        except ExerciseError as exc:
            problems.append(str(exc))
    if problems:
        raise GradingError("the exercise sources have problems:\n" + "\n".join(problems))
    return sets


def _case_for(path: Path, cases: dict[str, Any]) -> Any:
    """The case a source names in its parameters cell, loaded once for all sources."""
    from .quiz import _parameter

    try:
        case_id = _parameter(json.loads(path.read_text(encoding="utf-8")).get("cells", []), "CASE")
    except (OSError, ValueError, AttributeError):
        return None  # load_exercise_set reports the problem
    if not isinstance(case_id, str):
        return None
    if case_id not in cases:
        from .cases import CaseError, load_case

        try:
            cases[case_id] = load_case(case_id)
        except CaseError:
            return None
    return cases[case_id]


def _stable_repr(value: Any) -> str:
    """repr(), with sets sorted so the text does not depend on hash seeds."""
    if isinstance(value, set | frozenset):
        inner = ", ".join(sorted(_stable_repr(v) for v in value))
        if not value:
            return "set()" if isinstance(value, set) else "frozenset()"
        return "{" + inner + "}" if isinstance(value, set) else "frozenset({" + inner + "})"
    if isinstance(value, list):
        return "[" + ", ".join(_stable_repr(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_stable_repr(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_stable_repr(k)}: {_stable_repr(v)}" for k, v in value.items()) + "}"
    return repr(value)


class _Checker:
    """Question.check with a memo: a class gives the same few answers many times."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str, str], Feedback | str] = {}

    def check(self, set_id: str, q: Question, value: Any, shown: str) -> Feedback | str:
        """The feedback, or a problem (str) when the answer breaks the check itself."""
        key = (set_id, q.qid, f"{type(value).__name__}:{shown}")
        if key not in self._memo:
            try:
                self._memo[key] = q.check(value)
            except Exception as exc:  # e.g. a 4,000-digit number for a numeric question
                self._memo[key] = f"the answer could not be checked ({type(exc).__name__}); it scores 0"
        return self._memo[key]


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
        return [f"failed: {s.name}: {' | '.join(s.problem_list(self.set_ids))}" for s in self.failed]

    def summary(self) -> str:
        ids = self.set_ids
        graded = [s for s in self.students if not s.failed]
        partial = [s for s in graded if s.status(ids) == PARTIAL]
        lines = [f"graded {len(graded)} of {len(self.students)} student(s): "
                 f"{len(self.failed)} failed, {len(partial)} partial (see the gradebook's problems column)"]
        if graded and self.max_points:
            mean = sum(_total(s) for s in graded) / len(graded)
            lines.append(f"mean score {_fmt(round(mean, 2))} of {_fmt(self.max_points)} "
                         f"({mean / self.max_points:.0%}) before free-text answers are marked")
        manual = sum(1 for s in graded for r in s.sets.values() for i in r.items if i.status == "manual")
        if manual:
            lines.append(f"{manual} free-text answer(s) to mark by hand (responses.csv, status manual)")
        if self.skipped:
            shown = ", ".join(self.skipped[:10]) + (", …" if len(self.skipped) > 10 else "")
            lines.append(f"skipped {len(self.skipped)} file(s) that are not notebooks: {shown}")
        lines.append(f"wrote {self.out}/: gradebook.csv, responses.csv, item_analysis.csv, "
                     f"item_analysis.png, feedback/ ({len(self.students)} page(s)) in {self.seconds:.1f} s")
        return "\n".join(lines)


def _total(student: StudentResult) -> float:
    return sum(r.points for r in student.sets.values())


def _fmt(value: float | None) -> str:
    """Points as short, stable text: 2, 0.5, 1.3333."""
    if value is None:
        return ""
    value = round(float(value), 4)
    if value == int(value):
        return str(int(value))
    return f"{value:.4f}".rstrip("0")


def _shorten(text: str) -> str:
    if len(text) <= MAX_SHOWN_CHARS:
        return text
    return text[:MAX_SHOWN_CHARS] + f" … [shortened: {len(text):,} characters in all]"


# --- finding the submissions ----------------------------------------------------------------

def _is_noise(path: Path) -> bool:
    return path.name.startswith(".") or path.name in _NOISE


def find_submissions(root: Path, out: Path | None = None) -> tuple[dict[str, list[Path]], list[str], list[str]]:
    """(notebooks by student, skipped files, students whose folder holds no notebook)."""
    by_student: dict[str, list[Path]] = {}
    skipped: list[str] = []
    empty: list[str] = []
    if root.is_file():
        if root.suffix.lower() != ".ipynb":
            raise GradingError(f"{root}: not a notebook or a folder of notebooks")
        return {root.stem: [root]}, skipped, empty
    if not root.is_dir():
        raise GradingError(f"{root}: no such folder")
    resolved_out = out.resolve() if out is not None else None
    for entry in sorted(root.iterdir()):
        if _is_noise(entry) or (resolved_out is not None and entry.resolve() == resolved_out):
            continue
        if entry.is_dir():
            found = []
            for sub in sorted(entry.iterdir()):
                if _is_noise(sub):
                    continue
                if sub.is_file() and sub.suffix.lower() == ".ipynb":
                    found.append(sub)
                else:
                    skipped.append(f"{entry.name}/{sub.name}")
            if found:
                by_student.setdefault(entry.name, []).extend(found)
            else:
                empty.append(entry.name)
        elif entry.is_file() and entry.suffix.lower() == ".ipynb":
            by_student.setdefault(entry.stem, []).append(entry)
        else:
            skipped.append(entry.name)
    for name in empty:
        if name not in by_student:
            by_student[name] = []
    return by_student, skipped, empty


def _recognise(sub: Submission, by_id: dict[str, ExerciseSet], forced: str | None) -> str | None:
    """The set a notebook belongs to, or None with sub.problem saying why."""
    if forced:
        return forced
    for hint in sub.set_hints:
        if hint in by_id:
            return hint
    if sub.set_hints:
        sub.problem = (f"the notebook is exercise set {sub.set_hints[0]!r}, which is not among the "
                       f"exercise sources ({', '.join(by_id)})")
        return None
    for set_id, ex in by_id.items():
        if sub.title and sub.title == ex.title:
            return set_id
    if sub.path.stem in by_id:
        return sub.path.stem
    if len(by_id) == 1:
        return next(iter(by_id))
    sub.problem = ("cannot tell which exercise set this notebook is (its set-up cell and title "
                   "are not those of an exercise set); name the file after the set, e.g. "
                   f"{next(iter(by_id))}.ipynb, or use --set")
    return None


# --- grading ------------------------------------------------------------------------------------

def _read_answers_safely(sub: Submission, ex: ExerciseSet) -> dict[str, Answer]:
    """quiz.read_answers, falling back to one question at a time when a cell breaks the parser."""
    try:
        return read_answers({"cells": sub.answer_cells}, ex)
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError):
        pass
    answers = {}
    for q in ex.questions:
        tag = TAG_ANSWER + q.qid
        cells = [c for c in sub.answer_cells if tag in c["metadata"]["tags"]]
        try:
            answers[q.qid] = read_answers({"cells": cells}, ex)[q.qid]
        except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as exc:
            answers[q.qid] = Answer(q.qid, None, "invalid",
                                    f"the answer cell cannot be read ({type(exc).__name__}: too deeply "
                                    "nested or too large)")
    return answers


def grade_notebook(sub: Submission, ex: ExerciseSet, checker: _Checker) -> SetResult:
    result = SetResult(ex, sub.path.name)
    answers = _read_answers_safely(sub, ex)
    issue_by_qid = {}
    for index, issue in sub.cell_issues.items():
        for tag in sub.answer_cells[index]["metadata"]["tags"]:
            if tag.startswith(TAG_ANSWER):
                issue_by_qid[tag[len(TAG_ANSWER):]] = issue
    known = {q.qid for q in ex.questions}
    for cell in sub.answer_cells:
        for tag in cell["metadata"]["tags"]:
            if tag.startswith(TAG_ANSWER) and tag[len(TAG_ANSWER):] not in known:
                result.notes.append(f"a cell is tagged {tag!r}, which is not a question of {ex.set_id}")
    for q in ex.questions:
        answer = answers[q.qid]
        if answer.status == "invalid" and q.qid in issue_by_qid:
            answer = Answer(q.qid, None, "invalid", issue_by_qid[q.qid])
        if answer.status != "ok":
            result.items.append(ItemResult(q, answer.status, 0.0, "", None, answer.message))
            result.notes.append(f"{q.qid}: {answer.message} (scored 0)")
            continue
        value = answer.value
        shown = _stable_repr(value)
        feedback = checker.check(ex.set_id, q, value, shown)
        text = value if q.kind == "text" and isinstance(value, str) else shown
        if isinstance(feedback, str):
            result.items.append(ItemResult(q, "error", 0.0, _shorten(text), value, feedback))
            result.notes.append(f"{q.qid}: {feedback}")
            continue
        result.items.append(ItemResult(q, feedback.status, float(feedback.points), _shorten(text),
                                       value, feedback.message))
    return result


def _grade_student(name: str, paths: list[Path], by_id: dict[str, ExerciseSet], forced: str | None,
                   checker: _Checker, root: Path) -> StudentResult:
    student = StudentResult(name)
    if not paths:
        student.failures.append(f"{name}/: the folder holds no notebook (.ipynb)")
        return student
    for path in paths:
        label = path.relative_to(root).as_posix() if root.is_dir() else path.name
        sub = read_submission(path)
        set_id = None if sub.problem else _recognise(sub, by_id, forced)
        if set_id is None:
            student.failures.append(f"{label}: {sub.problem}")
        elif set_id in student.sets:
            other = student.sets.pop(set_id).file
            student.failures.append(f"{label}: a second notebook for exercise set {set_id} (the other "
                                    f"is {other}); neither was graded: keep one and grade again")
        else:
            result = grade_notebook(sub, by_id[set_id], checker)
            result.file = label
            student.sets[set_id] = result
    return student


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
    checker = _Checker()
    students = []
    bar = _Progress(progress, len(found))
    for n, name in enumerate(sorted(found, key=lambda s: (s.casefold(), s)), 1):
        students.append(_grade_student(name, found[name], by_id, set_id, checker, root))
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


# --- writing the results ---------------------------------------------------------------------

def _write_atomic(path: Path, data: bytes) -> None:
    """Atomic write; a file that already holds these bytes keeps its modification time."""
    write_atomic(path, data, skip_unchanged=True)


def _csv(header: list[str], rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _cell(text: str) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ would make it a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def gradebook_rows(report: GradingReport) -> tuple[list[str], list[list[str]]]:
    ids = report.set_ids
    columns = [(ex.set_id, q.qid) for ex in report.sets for q in ex.questions]
    header = ["student", *(f"{s}:{q}" for s, q in columns), "total", "max", "to_mark", "status",
              "problems"]
    rows = []
    for student in report.students:
        # A written answer waiting for the instructor's mark shows no number yet (to_mark counts it).
        points = {(set_id, i.question.qid): None if i.status == "manual" else i.points
                  for set_id, r in student.sets.items() for i in r.items}
        to_mark = sum(1 for r in student.sets.values() for i in r.items if i.status == "manual")
        rows.append([_cell(student.name), *(_fmt(points.get(c)) for c in columns),
                     "" if student.failed else _fmt(_total(student)), _fmt(report.max_points), str(to_mark),
                     student.status(ids), _cell(" | ".join(student.problem_list(ids)))])
    return header, rows


RESPONSE_COLUMNS = ["student", "set", "question", "kind", "answer", "status", "correct", "points",
                    "max_points", "note"]


def response_rows(report: GradingReport) -> list[list[str]]:
    rows = []
    for student in report.students:
        for ex in report.sets:
            result = student.sets.get(ex.set_id)
            for item in result.items if result else []:
                correct = "" if item.status == "manual" else ("1" if item.status == "correct" else "0")
                note = item.message if item.status in ("missing", "duplicate", "invalid", "error") else ""
                answer = _cell(item.answer) if item.question.kind == "text" else item.answer  # raw text
                rows.append([_cell(student.name), ex.set_id, item.question.qid, item.question.kind,
                             answer, item.status, correct, _fmt(item.points),
                             _fmt(item.question.points), note])
    return rows


ITEM_COLUMNS = ["set", "question", "kind", "max_points", "n", "answered", "share_correct",
                "mean_points", "discrimination", "common_wrong_answers"]


def _correlation(xs: list[float], ys: list[float]) -> float | None:
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
            answered = sum(1 for i in items if i.status in ("correct", "incorrect", "manual"))
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
                _correlation(points, rest),
                sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))[:3]))
    return stats


def _round(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def item_rows(stats: list[ItemStats]) -> list[list[str]]:
    return [[s.exercise_set.set_id, s.question.qid, s.question.kind, _fmt(s.question.points),
             str(s.n), str(s.answered), _round(s.share_correct), _round(s.mean_points),
             _round(s.discrimination), "; ".join(f"{a} ({c})" for a, c in s.wrong)] for s in stats]


def item_figure(stats: list[ItemStats]) -> bytes:
    """Share correct per question (bars) above its discrimination (bars), as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    shown = [s for s in stats if s.share_correct is not None]
    prefixes = {s.exercise_set.set_id.split("_")[0] for s in shown}
    short = len(prefixes) == len({s.exercise_set.set_id for s in shown})
    labels = [f"{s.exercise_set.set_id.split('_')[0] if short else s.exercise_set.set_id}:{s.question.qid}"
              for s in shown]
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
    set_ids = list(dict.fromkeys(s.exercise_set.set_id for s in shown))
    colours = [palette[set_ids.index(s.exercise_set.set_id) % len(palette)] for s in shown]
    fig = Figure(figsize=(max(7.0, 0.32 * len(shown) + 1.5), 5.4), dpi=100)
    FigureCanvasAgg(fig)
    if not shown:
        fig.text(0.5, 0.5, "No auto-checked answers were graded in this run.", ha="center")
        return _png(fig)
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 2]})
    xs = list(range(len(shown)))
    top.bar(xs, [s.share_correct for s in shown], color=colours)
    top.set_ylim(0, 1)
    top.set_ylabel("share correct")
    fig.suptitle("Item analysis: how many got each question right, "
                 "and how well it separates stronger from weaker answers", fontsize=9)
    disc = [s.discrimination if s.discrimination is not None else 0.0 for s in shown]
    bottom.bar(xs, disc, color=["#999999" if s.discrimination is None else "#333333" for s in shown])
    bottom.axhline(0.2, color="#D55E00", linewidth=0.8, linestyle="--",
                   label="below 0.2: read the question again")
    bottom.axhline(0.0, color="black", linewidth=0.6)
    bottom.set_ylim(-1, 1)
    bottom.set_ylabel("discrimination\n(point-biserial)")
    bottom.legend(fontsize=7, loc="lower right", framealpha=0.8)
    bottom.set_xticks(xs, labels, rotation=90, fontsize=7)
    if set_ids:
        from matplotlib.patches import Patch

        top.legend(handles=[Patch(color=palette[i % len(palette)], label=sid)
                            for i, sid in enumerate(set_ids)], fontsize=7, loc="lower center",
                   bbox_to_anchor=(0.5, 1.0), ncol=min(len(set_ids), 4), frameon=False)
    fig.tight_layout()
    return _png(fig)


def _png(fig: Any) -> bytes:
    """PNG bytes without the Software chunk (which names the matplotlib version)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


# --- feedback pages ------------------------------------------------------------------------------

_STYLE = """body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:46em;margin:2em auto;
padding:0 1em;line-height:1.5;color:#222}h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
.q{border-top:1px solid #ddd;padding:.4em 0 .8em}.q h3{font-size:1em;margin:.6em 0 .2em}
pre{white-space:pre-wrap;word-break:break-word;background:#f5f5f5;padding:.4em .6em;border-radius:4px}
.correct{color:#1a7f37}.incorrect,.problem{color:#9a4d00}.manual,.unanswered{color:#555}
.why{background:#f3f8fc;border-left:3px solid #0072B2;padding:.3em .7em}"""


@functools.lru_cache(maxsize=4096)  # every student's page shows the same prompts
def _markdown(text: str) -> str:
    """The question's markdown as simple HTML: escaped first, then bold, italics and code."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        escaped = html.escape(block)
        escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
        escaped = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
        escaped = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", escaped)
        out.append("<p>" + escaped.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def _points_text(points: float, of: float) -> str:
    return f"{_fmt(points)} of {_fmt(of)} point{'' if of == 1 else 's'}"


def _item_html(item: ItemResult) -> str:
    q = item.question
    e = html.escape
    parts = [f'<div class="q"><h3>{e(q.qid)} · {_fmt(q.points)} point{"" if q.points == 1 else "s"}</h3>',
             _markdown(q.prompt)]
    if item.status in ("missing", "duplicate", "invalid", "error"):
        parts.append(f'<p class="problem">This answer could not be read: {e(item.message)}. It scores 0; '
                     "if you think that is wrong, show your notebook to your instructor.</p>")
    else:
        parts.append("<p>Your answer:</p>")
        parts.append(f"<pre>{e(item.answer)}</pre>" if item.answer != "None" else
                     "<p><em>(no answer given)</em></p>")
        verdict = {
            "correct": f"Correct: {_points_text(item.points, q.points)}.",
            "incorrect": (f"Partly right: {_points_text(item.points, q.points)}." if item.points > 0
                          else f"Not this time: {_points_text(item.points, q.points)}."),
            "unanswered": f"Not answered: 0 of {_fmt(q.points)}.",
            "manual": ("Your instructor marks written answers by hand "
                       f"(up to {_fmt(q.points)} point{'' if q.points == 1 else 's'})."),
        }.get(item.status, e(item.status))
        parts.append(f'<p class="{e(item.status)}">{verdict}</p>')
    if q.kind == "text":
        if q.rubric:
            parts.append(f'<div class="why"><p>What your instructor looks for: {e(q.rubric)}</p></div>')
    elif q.explanation:
        cite = f" Reread ¶{q.paragraph} of the article to see it in context." if q.paragraph else ""
        parts.append(f'<div class="why"><p>{e(q.explanation.strip())}{cite}</p></div>')
    parts.append("</div>")
    return "\n".join(parts)


def feedback_html(student: StudentResult, sets: list[ExerciseSet]) -> str:
    e = html.escape
    body = [f"<h1>Feedback on your exercises, {e(student.name)}</h1>",
            "<p>Here is how each answer was marked, with an explanation and the paragraph (¶) of the "
            "article where the evidence is. Rereading that paragraph is the quickest way to see why "
            "an answer works. Questions you got wrong are the ones worth a second look: they are "
            "where you learn the most.</p>"]
    for failure in student.failures:
        body.append(f'<p class="problem">We could not grade one of your files: {e(failure)}. '
                    "Nothing in it was marked yet; your instructor has been told and will sort it "
                    "out with you.</p>")
    for ex in sets:
        result = student.sets.get(ex.set_id)
        if result is None:
            if not student.failures:
                body.append(f"<h2>{e(ex.title)}</h2><p>No notebook for this exercise set was "
                            "found among your files.</p>")
            continue
        manual = sum(i.question.points for i in result.items if i.status == "manual")
        pending = f" ({_fmt(manual)} more for written answers, once marked)" if manual else ""
        body.append(f"<h2>{e(ex.title)}</h2>")
        body.append(f"<p>Score: {_points_text(result.points, ex.total_points)}{pending}.</p>")
        body += [_item_html(item) for item in result.items]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>Feedback: {e(student.name)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def write_results(report: GradingReport) -> None:
    """Write every output atomically; the gradebook last, so it never describes a half-written run."""
    out = report.out
    feedback_dir = out / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    written = set()
    for student in report.students:
        name = f"{student.name}.html"
        _write_atomic(feedback_dir / name, feedback_html(student, report.sets).encode("utf-8"))
        written.add(name)
    for stale in feedback_dir.glob("*.html"):
        if stale.name not in written:  # a student renamed or removed since the last run
            stale.unlink()
    stats = item_statistics(report)
    _write_atomic(out / "responses.csv", _csv(RESPONSE_COLUMNS, response_rows(report)))
    _write_atomic(out / "item_analysis.csv", _csv(ITEM_COLUMNS, item_rows(stats)))
    _write_atomic(out / "item_analysis.png", item_figure(stats))
    header, rows = gradebook_rows(report)
    _write_atomic(out / "gradebook.csv", _csv(header, rows))
