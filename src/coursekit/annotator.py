"""The annotator: mark spans of the article and code them, in a lesson, an exercise or a new case.

One widget (an `anywidget <https://anywidget.dev>`_ whose front-end ships
with the package as ``coursekit/static/annotator.js``: no network, no build
step) with three roles:

* ``lesson`` — the student codes a paragraph, then *Compare with the key*
  shows their coding beside the case's claims (span overlap and, per
  attribute, agreed or not, with the reason from the case data);
* ``exercise`` — a ``coding`` question: the coding is a trait of the widget
  (``coding``), saved with the notebook in its widget state (the kit turns
  on JupyterLab's *save widget state* setting); ``coursekit grade`` reads it
  from the file's metadata without running anything;
* ``author`` — an instructor marks a span, fills the fields, and the claim is
  appended to the case's ``claims.csv`` (validated first, written atomically).

Everything the widget does can be done headless, as the tests do:

>>> from coursekit import load_case
>>> case = load_case("nato-russia-2013")
>>> ann = Annotator(case, paragraphs=[7])
>>> [text for _, _, text, _ in ann.units][:2]
['He said that Russia will not accept deeper strategic arms cuts ', 'unless the US drops plans to deploy weapons in space ']
>>> ann.mark(1625, 1727, speaker="lavrov", mode="paraphrase", topic="arms_cuts", stance="oppose")
>>> "Found" in ann.compare()
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ._html import MODE_EXPLANATIONS, MODE_LABELS, STANCE_LABELS, esc, shorten
from .cases import Case, load_case
from .coding import (
    ATTRIBUTES,
    DEFAULT_THRESHOLD,
    CodingResult,
    key_claims,
    parse_coding,
    score_coding,
    value_label,
)

__all__ = ["ROLES", "Annotator", "clause_units", "exercise_annotator", "render_coding_comparison"]

ROLES = ("lesson", "exercise", "author")


@cache
def _asset(name: str) -> str:
    return resources.files("coursekit").joinpath("static", name).read_text(encoding="utf-8")


# A clause ends after , ; : . ! ? (and any closing quotes) followed by a space, or just
# before a conjunction that opens a clause.  Rough on purpose: the keyboard cursor moves by
# these units, and Shift extends over as many as a claim needs.
_CLAUSE_END = re.compile(r"[,;:.!?\u2013\u2014][\"'\u2019\u201d]*\s+|\s+(?=(?:unless|because|but|and|while|although|whereas)\b)")


_MIN_WORDS_BEFORE_CONJUNCTION = 5


def clause_units(article: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split ``article[start:end]`` into clause units that tile it (each keeps its trailing space).

    >>> clause_units("We met. Russia will not agree to cuts unless NATO stops.", 0, 56)
    [(0, 8), (8, 38), (38, 56)]
    """
    units, at = [], start
    for m in _CLAUSE_END.finditer(article, start, end):
        if m.group().isspace() and len(article[at:m.start()].split()) < _MIN_WORDS_BEFORE_CONJUNCTION:
            continue  # "The US and NATO argue": too short to be a clause of its own
        if m.end() > at and m.end() < end:
            units.append((at, m.end()))
            at = m.end()
    if at < end:
        units.append((at, end))
    return units


def _options(case: Case) -> dict[str, list[list[str]]]:
    return {
        "speaker_options": [[a, f"{n} ({s})"] for a, n, s in
                            zip(case.actors["actor_id"], case.actors["name"], case.actors["side"], strict=True)],
        "mode_options": [[m, label] for m, label in MODE_LABELS.items()],
        "topic_options": [[t, label] for t, label in zip(case.topics["topic_id"], case.topics["label"], strict=True)],
        "stance_options": [[s, label] for s, label in STANCE_LABELS.items()],
    }


class Annotator(anywidget.AnyWidget):
    """Mark spans of one or more paragraphs and give each a speaker, mode, topic and stance.

    ``role`` is ``lesson`` (with *Compare with the key*), ``exercise`` (no
    key in the widget: the coding is saved with the notebook) or ``author``
    (each coded span becomes a new row of ``claims.csv``; ``case`` must then
    be a case folder you may edit).
    """

    _esm = _asset("annotator.js")
    _css = _asset("annotator.css")

    role = traitlets.Unicode("lesson").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    units: traitlets.List[Any] = traitlets.List().tag(sync=True)  # [start, end, text, paragraph] tiling the passage
    speaker_options: traitlets.List[Any] = traitlets.List().tag(sync=True)
    mode_options: traitlets.List[Any] = traitlets.List().tag(sync=True)
    topic_options: traitlets.List[Any] = traitlets.List().tag(sync=True)
    stance_options: traitlets.List[Any] = traitlets.List().tag(sync=True)
    existing: traitlets.List[Any] = traitlets.List().tag(sync=True)  # author role: [start, end, claim_id] of the case's claims
    # What the grader reads from the saved widget state (see coursekit.coding_state).
    ck_qid = traitlets.Unicode("").tag(sync=True)
    ck_set = traitlets.Unicode("").tag(sync=True)
    coding: traitlets.List[Any] = traitlets.List().tag(sync=True)
    edited = traitlets.Float(0).tag(sync=True)  # ms since 1970 of the last change made in the browser
    comparison = traitlets.Unicode("").tag(sync=True)  # lesson role: escaped HTML
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, case: Case | str | Path = "nato-russia-2013", paragraphs: Sequence[int] = (7,), *,
                 role: str = "lesson", qid: str = "", set_id: str = "",
                 attributes: Sequence[str] = ATTRIBUTES[:4], threshold: float = DEFAULT_THRESHOLD,
                 coding: Sequence[dict[str, Any]] | None = None) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}; found {role!r}")
        self.case = case if isinstance(case, Case) else load_case(case)
        self.paragraphs = [int(p) for p in paragraphs]
        known = set(self.case.paragraphs["number"])
        unknown = [p for p in self.paragraphs if p not in known]
        if unknown or not self.paragraphs:
            raise ValueError(f"paragraph(s) {unknown or '(none)'} not in the article; it has ¶1–¶{max(known)}")
        self.attributes = tuple(attributes)
        self.threshold = threshold
        units = []
        for p in self.paragraphs:
            row = self.case.paragraphs[self.case.paragraphs["number"] == p].iloc[0]
            units += [[s, e, self.case.article[s:e], p]
                      for s, e in clause_units(self.case.article, int(row.start), int(row.end))]
        where = ", ".join(f"¶{p}" for p in self.paragraphs)
        super().__init__(
            role=role, units=units, ck_qid=qid, ck_set=set_id, coding=list(coding or []),
            label=f"Annotator for {where}" + (f", question {qid}" if qid else ""), **_options(self.case))
        if role == "author":
            self._refresh_existing()
        self.on_msg(self._on_message)

    def __repr__(self) -> str:
        return f"<Annotator ({self.role}) for {self.label[len('Annotator for '):]}: {len(self.coding)} coded span(s)>"

    # --- headless API -------------------------------------------------------
    def mark(self, start: int, end: int, **attributes: str) -> None:
        """Code ``article[start:end]`` as the browser's *Add coded span* does."""
        entry = {"start": int(start), "end": int(end), **{a: str(attributes.get(a, "")) for a in ATTRIBUTES}}
        parsed = parse_coding([entry], self.case)
        if parsed.problems:
            raise ValueError("; ".join(parsed.problems))
        self.coding = [*self.coding, entry]

    def result(self) -> CodingResult:
        """The current coding scored against the case's claims in the passage."""
        spans = parse_coding(self.coding, self.case).spans
        key = key_claims(self.case, self.paragraphs)
        return score_coding(self.case, key, spans, points=len(key), attributes=self.attributes,
                            threshold=self.threshold)

    def compare(self) -> str:
        """Render the comparison with the key (lesson role) into ``comparison``; return it."""
        if self.role != "lesson":
            raise ValueError("only a lesson annotator compares with the key")
        self.comparison = render_coding_comparison(self.case, self.result())
        return self.comparison

    def add_claim(self, *, claim_id: str, start: int, end: int, speaker: str, mode: str, topic: str,
                  stance: str, summary: str, condition: str = "") -> dict[str, str]:
        """Author role: append the coded span to the case's claims.csv (validated, atomic)."""
        from .claim_authoring import append_claim

        if self.role != "author":
            raise ValueError("only an author annotator adds claims to the case")
        row = append_claim(self.case.path, claim_id=claim_id, actor_id=speaker, topic_id=topic, start=start,
                           end=end, mode=mode, stance=stance, summary=summary, condition=condition)
        self.case = load_case(self.case.path)
        self._refresh_existing()
        return row

    # --- browser messages ----------------------------------------------------
    def _refresh_existing(self) -> None:
        lo, hi = self.units[0][0], self.units[-1][1]
        self.existing = [[int(s), int(e), str(c)] for c, s, e in
                         zip(self.case.claims["claim_id"], self.case.claims["start"], self.case.claims["end"],
                             strict=True) if s < hi and lo < e]

    def _on_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == "compare" and self.role == "lesson":
            self.compare()
        elif content.get("type") == "add_claim" and self.role == "author":
            claim = content.get("claim") or {}
            try:
                row = self.add_claim(
                    claim_id=str(claim.get("claim_id", "")), start=int(claim.get("start", -1)),
                    end=int(claim.get("end", -1)), speaker=str(claim.get("speaker", "")),
                    mode=str(claim.get("mode", "")), topic=str(claim.get("topic", "")),
                    stance=str(claim.get("stance", "")), summary=str(claim.get("summary", "")),
                    condition=str(claim.get("condition", "")))
            except Exception as exc:  # shown to the author as a sentence, never a traceback
                problems = getattr(exc, "problems", None)
                text = "; ".join(map(str, problems)) if problems else str(exc)
                self.status = f"Not added: {text}"
            else:
                self.status = f"Added claim {row['claim_id']} to {self.case.path.name}/claims.csv: “{shorten(row['quote'], 60)}”."


def exercise_annotator(case: Case | str | Path, qid: str, set_id: str, paragraphs: Sequence[int],
                       attributes: Sequence[str] = ATTRIBUTES[:4], value: Any = None) -> Annotator:
    """The annotator a coding question's check cell shows (no key in it); ``value``: a pasted coding.

    Running the check cell again in the same kernel shows the same annotator,
    with the spans already coded, unless the answer cell now holds a coding.

    >>> a = exercise_annotator("nato-russia-2013", "q9", "demo", [7])
    >>> a.mark(1625, 1727, speaker="lavrov")
    >>> exercise_annotator("nato-russia-2013", "q9", "demo", [7]) is a
    True
    """
    start = [dict(c) for c in value if isinstance(c, dict)] if isinstance(value, list) else []
    key = (set_id, qid)
    if not start and key in _OPEN:
        return _OPEN[key]
    _OPEN[key] = Annotator(case, paragraphs, role="exercise", qid=qid, set_id=set_id,
                           attributes=attributes, coding=start)
    return _OPEN[key]


# The exercise annotators shown in this kernel, by (set id, question id).
_OPEN: dict[tuple[str, str], Annotator] = {}


# --- the comparison with the key ---------------------------------------------------------------

_TD = 'style="text-align:left;vertical-align:top;padding:0.15em 0.7em 0.15em 0"'


def render_coding_comparison(case: Case, result: CodingResult) -> str:
    """Escaped HTML: for each key claim, the student's span and attributes beside the key's.

    >>> from coursekit.coding import key_claims, score_coding
    >>> case = load_case("nato-russia-2013")
    >>> html = render_coding_comparison(case, score_coding(case, key_claims(case, [7]), [], points=2))
    >>> html.count("Missed")
    2
    """
    found = sum(r.found for r in result.claims)
    parts = [f'<div class="ck-coding-comparison"><p><strong>You found {found} of {len(result.claims)} '
             f"claim(s)</strong> (a span counts as found when its words overlap the claim's with F1 of at "
             f"least {result.threshold:g}).</p>"]
    for r in result.claims:
        claim = r.claim
        head = f"¶{claim.paragraph} “{esc(shorten(claim.quote, 90))}”"
        if not r.found:
            parts.append(f"<h4 style='font-size:1em'>{head}: Missed</h4><p>{esc(claim.summary)}</p>")
            continue
        assert r.span is not None
        parts.append(f"<h4 style='font-size:1em'>{head}: Found (F1 {r.f1:.2f})</h4>")
        rows = [f"<tr><th {_TD}>Attribute</th><th {_TD}>You</th><th {_TD}>Key</th><th {_TD}>Agreed</th></tr>"]
        for attribute in result.attributes:
            mine = value_label(case, attribute, r.span.attribute(attribute))
            theirs = value_label(case, attribute, claim.values[attribute])
            ok = "yes" if r.agreed[attribute] else "no"
            rows.append(f"<tr><td {_TD}>{esc(attribute)}</td><td {_TD}>{esc(mine)}</td>"
                        f"<td {_TD}>{esc(theirs)}</td><td {_TD}>{ok}</td></tr>")
        parts.append("<table>" + "".join(rows) + "</table>")
        why = claim.summary
        if "mode" in r.agreed and not r.agreed["mode"]:
            why += f" Mode: {MODE_EXPLANATIONS.get(claim.values['mode'], '')}."
        parts.append(f"<p>Why: {esc(why)}</p>")
    if result.unmatched:
        quotes = "; ".join(f"“{esc(shorten(case.article[s.start:s.end], 60))}”" for s in result.unmatched)
        parts.append(f"<p>Your span(s) that match no claim of the key: {quotes}.</p>")
    parts.append("</div>")
    return "\n".join(parts)
