"""Feedback pages: one HTML page per student, from the template shipped as package data."""

from __future__ import annotations

import functools
import html
import re
from importlib import resources
from string import Template

from ..quiz import ExerciseSet
from ..quiz.judge import GENERIC_GUIDE
from .results import ItemResult, StudentResult

__all__ = ["feedback_html", "shown_points"]


@functools.cache
def _template() -> Template:
    return Template(resources.files(__package__).joinpath("templates", "feedback.html").read_text(encoding="utf-8"))


@functools.cache
def _renderer():
    import mistune  # nbconvert's markdown renderer, already installed with it

    # escape=True: raw HTML in a prompt is shown as text, never run; mistune also
    # replaces javascript: and other unsafe link targets.
    return mistune.create_markdown(escape=True)


@functools.lru_cache(maxsize=4096)  # every student's page shows the same prompts
def _markdown(text: str) -> str:
    r"""The question's markdown as HTML (lists, emphasis, code, links), every raw tag escaped.

    >>> print(_markdown("Which are **true**?\n\n- **a** one\n- <b>two</b>"))
    <p>Which are <strong>true</strong>?</p>
    <ul>
    <li><strong>a</strong> one</li>
    <li>&lt;b&gt;two&lt;/b&gt;</li>
    </ul>
    """
    # Headings inside a prompt would outrank the page's own: show them as bold paragraphs.
    text = re.sub(r"(?m)^#{1,6}\s+(.+?)\s*#*\s*$", r"**\1**", text.strip())
    return str(_renderer()(text)).strip()


def shown_points(value: float) -> str:
    """Points for a reader: at most two decimals, no trailing zeros (7.3333 → 7.33, 2.50 → 2.5).

    The CSV files keep the full precision; this is for the feedback pages.

    >>> shown_points(22 / 3), shown_points(2.5), shown_points(14.0), shown_points(0.004)
    ('7.33', '2.5', '14', '0')
    """
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.2f}".rstrip("0")


def _points_text(points: float, of: float) -> str:
    return f"{shown_points(points)} of {shown_points(of)} point{'' if of == 1 else 's'}"


def _coding_html(message: str) -> str:
    """A coding's feedback (lines; "- " items per claim) as escaped paragraphs and a list."""
    out, items = [], []
    for line in message.splitlines() + [""]:
        if line.startswith("- "):
            items.append(f"<li>{html.escape(line[2:])}</li>")
            continue
        if items:
            out.append("<ul>" + "".join(items) + "</ul>")
            items = []
        if line:
            out.append(f"<p>{html.escape(line)}</p>")
    return '<div class="coding">' + "".join(out) + "</div>"


def _item_html(item: ItemResult) -> str:
    q = item.question
    e = html.escape
    parts = [f'<div class="q"><h3>{e(q.qid)} · {shown_points(q.points)} point{"" if q.points == 1 else "s"}</h3>',
             _markdown(q.prompt)]
    if item.status == "no_coding":
        parts.append(f'<p class="problem">No coding of yours was found in the notebook for this question '
                     f"({e(item.message)}). It is not marked yet: open the notebook, check your coding is "
                     "shown, save it and hand it in again.</p>")
    elif q.kind == "coding" and item.status in ("correct", "incorrect"):
        verdict = "All found and agreed" if item.status == "correct" else "Partly right"
        parts.append(f'<p class="{e(item.status)}">{verdict}: {_points_text(item.points, q.points)}.</p>'
                     + _coding_html(item.message))
    elif item.status in ("missing", "duplicate", "invalid", "error"):
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
            "unanswered": f"Not answered: 0 of {shown_points(q.points)}.",
            "manual": ("Your instructor marks written answers by hand "
                       f"(up to {shown_points(q.points)} point{'' if q.points == 1 else 's'})."),
            "marked": f"Marked by your instructor: {_points_text(item.points, q.points)}.",
        }.get(item.status, e(item.status))
        parts.append(f'<p class="{e(item.status)}">{verdict}</p>')
        if item.status == "marked" and item.comment.strip():
            parts.append(f'<p class="comment">Your instructor\'s comment: {e(item.comment.strip())}</p>')
        if item.note:  # the same sentence the notebook's check gave: a wrongly formed answer, or parts right
            parts.append(f'<p class="note">{e(item.note)}</p>')
    if q.kind == "text":
        # The student sees what a good answer covers; the rubric stays in the instructor's tables.
        parts.append(f'<div class="why"><p>A good answer here covers: {e(q.guide or GENERIC_GUIDE)}</p></div>')
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
    if student.late_days:
        days = f"{student.late_days} day{'' if student.late_days == 1 else 's'}"
        body.append(f'<p class="late">Handed in {days} late: {shown_points(student.penalty)} point'
                    f'{"" if student.penalty == 1 else "s"} deducted from your total '
                    f'({shown_points(sum(r.points for r in student.sets.values()) - student.penalty)} after '
                    'the deduction).</p>')
    for failure in student.failures:
        body.append(f'<p class="problem">We could not grade one of your files: {e(failure)}. '
                    "Nothing in it was marked yet. Open it in Jupyter, save it (File → Save Notebook) "
                    "and hand it in again; your instructor has been told and will sort it out with "
                    "you if that does not help.</p>")
    for ex in sets:
        result = student.sets.get(ex.set_id)
        if result is None:
            if not student.failures:
                body.append(f"<h2>{e(ex.title)}</h2><p>No notebook for this exercise set was "
                            "found among your files.</p>")
            continue
        manual = sum(i.question.points for i in result.items if i.status == "manual")
        pending = f" ({shown_points(manual)} more for written answers, once marked)" if manual else ""
        body.append(f"<h2>{e(ex.title)}</h2>")
        body.append(f"<p>Score: {_points_text(result.points, ex.total_points)}{pending}.</p>")
        body += [_item_html(item) for item in result.items]
    return _template().substitute(name=e(student.name), body="\n".join(body))
