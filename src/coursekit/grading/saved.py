"""The scored results of a run, kept in ``OUT/results.json`` so one student can be regraded.

``coursekit grade … --student alice`` reads only alice's notebooks again; the
other students come from this file, as the last run scored them (before
marks and late penalties, which every run applies afresh).  The file records
which questions it was made with: when the exercise sources have changed
since, a regrade of one student is refused, since the others' scores would
no longer match the key.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..quiz import ExerciseSet
from .results import GradingError, ItemResult, SetResult, StudentResult

__all__ = ["SAVED_FILE", "dump_students", "fingerprint", "load_students"]

SAVED_FILE = "results.json"
VERSION = 1


def fingerprint(sets: list[ExerciseSet]) -> str:
    """What the scores depend on: each set's questions, kinds, points and keys."""
    def question(q: Any) -> list[Any]:
        rules = [list(q.coding.attributes), q.coding.threshold] if q.kind == "coding" else []
        return [q.qid, q.kind, q.points, repr(q.key), *rules]

    shape = [[ex.set_id, [question(q) for q in ex.questions]] for ex in sets]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:16]


def _item(item: ItemResult) -> list[Any]:
    kind = item.question.kind
    # written answers keep their text (to mark); codings their spans (the class agreement needs them)
    text = item.value if ((kind == "text" and isinstance(item.value, str))
                          or (kind == "coding" and isinstance(item.value, list))) else None
    return [item.question.qid, item.status, item.points, item.answer, item.message, text, item.note]


def dump_students(students: list[StudentResult], sets: list[ExerciseSet]) -> str:
    data = {
        "version": VERSION,
        "questions": fingerprint(sets),
        "students": [{"name": s.name, "failures": s.failures,
                      "sets": {k: {"file": r.file, "notes": r.notes, "items": [_item(i) for i in r.items]}
                               for k, r in s.sets.items()}}
                     for s in students],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_students(out: Path, sets: list[ExerciseSet]) -> list[StudentResult]:
    """The students of the last run in ``out``; GradingError when there is none to build on."""
    path = out / SAVED_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradingError(f"{out}: no earlier results to regrade one student into ({SAVED_FILE} "
                           "is missing); grade the whole class once without --student") from None
    except (OSError, ValueError) as exc:
        raise GradingError(f"{path}: cannot be read ({exc}); grade the whole class again without "
                           "--student") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise GradingError(f"{path}: written by another version of coursekit; grade the whole class "
                           "again without --student")
    if data.get("questions") != fingerprint(sets):
        raise GradingError(f"{out}: the exercise sources changed since the last full run (questions, "
                           "points or keys), so the other students' scores are out of date; grade the "
                           "whole class again without --student")
    by_id = {ex.set_id: ex for ex in sets}
    students = []
    for entry in data["students"]:
        student = StudentResult(entry["name"], failures=list(entry["failures"]))
        for set_id, saved in entry["sets"].items():
            ex = by_id[set_id]
            questions = {q.qid: q for q in ex.questions}
            result = SetResult(ex, saved["file"], notes=list(saved["notes"]))
            for qid, status, points, answer, message, text, *rest in saved["items"]:
                note = str(rest[0]) if rest else ""  # the check's sentence on the answer's form or parts
                result.items.append(ItemResult(questions[qid], status, float(points), answer, text, message,
                                               note=note))
            student.sets[set_id] = result
        students.append(student)
    return students
