"""Marking written answers: one question across the class at a time.

``coursekit grade`` writes ``RESULTS/to_mark.json``: every written (free-text)
question of the run with its prompt, its rubric and each student's answer.
In JupyterLab, the instructor opens a notebook and runs::

    from coursekit.grading import MarkingView
    MarkingView("results")

The view shows one question with its rubric, then each student's answer with
a mark field and a comment field; **Save marks** writes ``RESULTS/marks.csv``
(atomically; marks of other questions are kept).  Re-running
``coursekit grade`` counts the marks.  Every control is an ordinary input
reached with Tab; nothing depends on colour.

The view's logic is plain functions (:func:`read_to_mark`, :func:`collect_marks`),
so it is tested without a browser.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .marks import MARKS_FILE, Mark, answer_digest, read_marks, write_marks, written_answer

if TYPE_CHECKING:
    from .results import GradingReport

__all__ = ["TO_MARK_FILE", "MarkingView", "WrittenAnswer", "WrittenQuestion", "collect_marks",
           "read_to_mark", "to_mark_json", "written_questions"]

TO_MARK_FILE = "to_mark.json"


@dataclass
class WrittenAnswer:
    student: str
    answer: str

    @property
    def sha(self) -> str:
        return answer_digest(self.answer)


@dataclass
class WrittenQuestion:
    set_id: str
    qid: str
    prompt: str
    rubric: str
    points: float
    answers: list[WrittenAnswer] = field(default_factory=list)

    @property
    def label(self) -> str:
        first = " ".join(self.prompt.split())[:60]
        return f"{self.set_id} {self.qid}: {first}"


def to_mark_json(questions: list[WrittenQuestion]) -> str:
    """What the grader writes: stable, sorted, one file for the marking view."""
    data = [{"set": q.set_id, "question": q.qid, "prompt": q.prompt, "rubric": q.rubric,
             "points": q.points,
             "answers": [{"student": a.student, "answer": a.answer, "answer_sha256": a.sha}
                         for a in sorted(q.answers, key=lambda a: a.student)]}
            for q in sorted(questions, key=lambda q: (q.set_id, q.qid))]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def written_questions(report: GradingReport) -> list[WrittenQuestion]:
    """Every written question of the run with each answer given (marked or not)."""
    questions = []
    for ex in report.sets:
        for q in ex.questions:
            if q.kind != "text":
                continue
            answers = [WrittenAnswer(s.name, written_answer(i.value, i.answer))
                       for s in report.students if ex.set_id in s.sets
                       for i in s.sets[ex.set_id].items
                       if i.question.qid == q.qid and i.status in ("manual", "marked")]
            questions.append(WrittenQuestion(ex.set_id, q.qid, q.prompt, q.rubric, q.points, answers))
    return questions


def read_to_mark(results: str | Path) -> list[WrittenQuestion]:
    path = Path(results) / TO_MARK_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such file; run `coursekit grade … --out {results}` "
                                "first (it lists the written answers to mark)") from None
    return [WrittenQuestion(d["set"], d["question"], d["prompt"], d["rubric"], float(d["points"]),
                            [WrittenAnswer(a["student"], a["answer"]) for a in d["answers"]])
            for d in data]


def collect_marks(question: WrittenQuestion, entries: dict[str, tuple[str, str]],
                  existing: dict[tuple[str, str, str], Mark]) -> tuple[dict[tuple[str, str, str], Mark], list[str]]:
    """Merge what was typed for one question into the existing marks.

    ``entries`` maps a student to (mark text, comment).  An empty mark removes
    that student's mark for the question; a mark that is not a number from 0
    to the question's points is reported and not saved.
    """
    merged = dict(existing)
    problems = []
    for answer in question.answers:
        text, comment = entries.get(answer.student, ("", ""))
        key = (answer.student, question.set_id, question.qid)
        text = text.strip()
        if not text:
            merged.pop(key, None)
            continue
        try:
            value = float(text)
        except ValueError:
            problems.append(f"{answer.student}: the mark {text!r} is not a number")
            continue
        if not 0 <= value <= question.points:
            problems.append(f"{answer.student}: the mark {text} is outside 0 to {question.points:g}")
            continue
        merged[key] = Mark(question.set_id, question.qid, answer.student, value, comment.strip(),
                           answer.sha)
    return merged, problems


class MarkingView:
    """The marking view (ipywidgets); see the module docstring."""

    def __init__(self, results: str | Path = "results"):
        import ipywidgets as w

        self.results = Path(results)
        self.questions = read_to_mark(self.results)
        self._w = w
        self.question = w.Dropdown(
            options=[(q.label, i) for i, q in enumerate(self.questions)],
            description="Question", style={"description_width": "initial"},
            layout=w.Layout(width="100%"))
        self.header = w.HTML()
        self.rows = w.VBox()
        self.save = w.Button(description="Save marks", button_style="",
                             tooltip=f"write {MARKS_FILE} in {self.results}")
        self.status = w.HTML(layout=w.Layout(min_height="1.5em"))
        self._fields: dict[str, tuple[Any, Any]] = {}
        self.question.observe(lambda _change: self._show(), names="value")
        self.save.on_click(lambda _b: self.save_marks())
        from ..widgets.keyboard import KitBox  # keys stay in the view, not JupyterLab's shortcuts

        self.widget = KitBox([self.question, self.header, self.rows, self.save, self.status], kind="marking")
        if self.questions:
            self._show()
        else:
            self.header.value = "<p>No written answers to mark in this run.</p>"

    def _ipython_display_(self) -> None:  # pragma: no cover - display hook
        from IPython.display import display

        display(self.widget)

    @property
    def current(self) -> WrittenQuestion:
        return self.questions[self.question.value]

    def _show(self) -> None:
        w = self._w
        q = self.current
        marks, _ = read_marks(self.results / MARKS_FILE)
        self.header.value = (
            f"<h3>{html.escape(q.set_id)} {html.escape(q.qid)} ({q.points:g} points)</h3>"
            f"<p><strong>Question:</strong> {html.escape(q.prompt)}</p>"
            f"<p><strong>Rubric:</strong> {html.escape(q.rubric) or 'none given'}</p>"
            f"<p>{len(q.answers)} answer(s). Type a mark from 0 to {q.points:g} and an optional "
            "comment for each, then press <strong>Save marks</strong>.</p>")
        rows = []
        self._fields = {}
        for a in q.answers:
            old = marks.get((a.student, q.set_id, q.qid))
            changed = old is not None and old.answer_sha256 != a.sha
            note = (" <strong>(the answer changed after it was marked: check the mark)</strong>"
                    if changed else "")
            answer = html.escape(a.answer) or "<em>(no answer)</em>"
            shown = w.HTML(f"<p><strong>{html.escape(a.student)}</strong>{note}</p>"
                           f"<blockquote style='white-space: pre-wrap; overflow-wrap: anywhere'>"
                           f"{answer}</blockquote>")
            mark = w.Text(value="" if old is None else f"{old.mark:g}",
                          description=f"Mark for {a.student}", placeholder=f"0 to {q.points:g}",
                          continuous_update=False,  # synced when the field is left: no echo racing the typing
                          style={"description_width": "initial"})
            comment = w.Textarea(value="" if old is None else old.comment,
                                 description=f"Comment for {a.student}", continuous_update=False,
                                 style={"description_width": "initial"},
                                 layout=w.Layout(width="100%"))
            self._fields[a.student] = (mark, comment)
            rows.append(w.VBox([shown, mark, comment]))
        self.rows.children = rows
        self.status.value = ""

    def save_marks(self) -> str:
        """Write marks.csv; returns (and shows) what happened in one sentence."""
        path = self.results / MARKS_FILE
        existing, _ = read_marks(path)
        entries = {s: (m.value, c.value) for s, (m, c) in self._fields.items()}
        merged, problems = collect_marks(self.current, entries, existing)
        if problems:
            message = "Not saved: " + "; ".join(problems) + "."
        else:
            write_marks(path, merged.values())
            count = sum(1 for k in merged if k[1:] == (self.current.set_id, self.current.qid))
            message = (f"Saved: {count} mark(s) for {self.current.qid} in {path}. "
                       "Run coursekit grade again to count them.")
        self.status.value = f"<p role='status'>{html.escape(message)}</p>"
        return message
