"""Scoring: the instructor sources' keys, each answer read (never run) and checked by the quiz's judge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._text import file_name_text, visible
from ..cells import parameter
from ..coding_state import find_coding_in
from ..quiz import (
    TAG_ANSWER,
    Answer,
    ExerciseError,
    ExerciseSet,
    Feedback,
    Question,
    load_exercise_set,
    read_answers,
)
from .results import GradingError, ItemResult, SetResult, StudentResult, shorten
from .submissions import Submission, read_submission, recognise

__all__ = ["Checker", "grade_notebook", "grade_student", "load_exercise_sets", "read_answers_safely",
           "stable_repr"]


def load_exercise_sets(folder: str | Path) -> list[ExerciseSet]:
    """Every instructor source in a folder (or one notebook), with its key resolved, in name order."""
    folder = Path(folder)
    if folder.is_file():
        paths = [folder]
    elif folder.is_dir():
        paths = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    else:
        raise GradingError(f"{folder}: no such exercises folder")
    if not paths:
        raise GradingError(f"{folder}: no exercise notebooks (*.ipynb) found")
    sets: list[ExerciseSet] = []
    problems: list[str] = []
    cases: dict[str, Any] = {}
    for path in paths:
        try:
            sets.append(load_exercise_set(path, case=case_for(path, cases)))
        except ExerciseError as exc:
            problems.append(str(exc))
    if problems:
        raise GradingError("the exercise sources have problems:\n" + "\n".join(problems))
    return sets


def case_for(path: Path, cases: dict[str, Any]) -> Any:
    """The case a source names in its parameters cell, loaded once for all sources."""
    try:
        case_id = parameter(json.loads(path.read_text(encoding="utf-8")).get("cells", []), "CASE")
    except (OSError, ValueError, AttributeError, TypeError):
        return None  # load_exercise_set reports the problem
    if not isinstance(case_id, str):
        return None
    if case_id not in cases:
        from ..cases import CaseError, load_case

        try:
            cases[case_id] = load_case(case_id)
        except CaseError:
            return None
    return cases[case_id]


def stable_repr(value: Any) -> str:
    """repr(), with sets sorted so the text does not depend on hash seeds."""
    if isinstance(value, set | frozenset):
        inner = ", ".join(sorted(stable_repr(v) for v in value))
        if not value:
            return "set()" if isinstance(value, set) else "frozenset()"
        return "{" + inner + "}" if isinstance(value, set) else "frozenset({" + inner + "})"
    if isinstance(value, list):
        return "[" + ", ".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(stable_repr(v) for v in value)
        return "(" + inner + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{stable_repr(k)}: {stable_repr(v)}" for k, v in value.items()) + "}"
    return repr(value)


class Checker:
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


def read_answers_safely(sub: Submission, ex: ExerciseSet) -> dict[str, Answer]:
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


def grade_notebook(sub: Submission, ex: ExerciseSet, checker: Checker) -> SetResult:
    result = SetResult(ex, sub.path.name)
    answers = read_answers_safely(sub, ex)
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
        if q.kind == "coding":
            found = find_coding_in(sub.annotators, q.qid, value, ex.set_id)
            if found.status != "ok":
                result.items.append(ItemResult(q, found.status, 0.0, "", None, found.message))
                result.notes.append(f"{q.qid}: {found.message}")
                continue
            value = found.value
        shown = stable_repr(value)
        feedback = checker.check(ex.set_id, q, value, shown)
        # Shown, never interpreted: escapes and lone surrogates made visible (line breaks kept in text).
        text = visible(value, keep="\n\t") if q.kind == "text" and isinstance(value, str) else visible(shown)
        if isinstance(feedback, str):
            result.items.append(ItemResult(q, "error", 0.0, shorten(text), value, feedback))
            result.notes.append(f"{q.qid}: {feedback}")
            continue
        result.items.append(ItemResult(q, feedback.status, float(feedback.points), shorten(text),
                                       value, feedback.message, note=feedback.note))
    if result.items and all(i.status == "unanswered" for i in result.items):
        # A copy handed in untouched is not an attempt that scored 0: say so.
        result.notes.append("nothing answered: every answer is still None (was the right file handed in?)")
    return result


def grade_student(name: str, paths: list[Path], by_id: dict[str, ExerciseSet], forced: str | None,
                   checker: Checker, root: Path) -> StudentResult:
    student = StudentResult(name)
    if not paths:
        student.failures.append(f"{name}/: the folder holds no notebook (.ipynb)")
        return student
    for path in paths:
        label = file_name_text(path.relative_to(root).as_posix() if root.is_dir() else path.name)
        try:
            _grade_file(student, label, path, by_id, forced, checker)
        except Exception as exc:  # whatever breaks inside one notebook is that student's row, never the run
            student.sets = {k: v for k, v in student.sets.items() if v.file != label}
            student.failures.append(f"{label}: this notebook could not be graded ({type(exc).__name__}); "
                                    "the rest of the class was; please report it to the coursekit maintainers")
    return student


def _grade_file(student: StudentResult, label: str, path: Path, by_id: dict[str, ExerciseSet],
                forced: str | None, checker: Checker) -> None:
    sub = read_submission(path)
    set_id = None if sub.problem else recognise(sub, by_id, forced)
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
