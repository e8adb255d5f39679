"""Comparing sides on a topic: who supports or opposes, and the StanceComparer widget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .._html import (
    MODE_LABELS,
    STANCE_LABELS,
    STANCE_VERBS,
    esc,
    safe_colour,
)
from ..cases import Case, load_case  # noqa: F401 - load_case is used in the doctests
from .claims import no_claims_html
from .common import MUTED, SWATCH, as_case, names, plural, proposition_text
from .keyboard import KitBox

__all__ = ["StanceComparer", "agreement_line", "render_agreement", "render_comparison", "side_stances"]

# --- comparing sides --------------------------------------------------------


def side_stances(case: Case, topic_id: str) -> dict[str, str]:
    """Each side's position on a topic, in ``case.sides`` order.

    ``"support"`` or ``"oppose"`` when the side's non-neutral claims all
    agree, ``"mixed"`` when they differ, ``"neutral"`` when the side has only
    neutral claims and ``"none"`` when it has no claim on the topic.

    >>> side_stances(load_case("nato-russia-2013"), "missile_defence")
    {'NATO': 'none', 'Russia': 'oppose', 'NATO-Russia Council': 'none', 'Analyst': 'neutral'}
    """
    claims = case.claims_by_topic(topic_id)
    result: dict[str, str] = {}
    for side in case.sides:
        stances = set(claims.loc[claims["side"] == side, "stance"])
        taken = stances - {"neutral"}
        if len(taken) > 1:
            result[side] = "mixed"
        elif taken:
            result[side] = taken.pop()
        else:
            result[side] = "neutral" if stances else "none"
    return result


_POSITION_VERBS = {**STANCE_VERBS, "mixed": "both supports and opposes"}


def agreement_line(case: Case, topic_id: str) -> str:
    """One plain-text sentence saying where the sides agree or disagree on a topic.

    Derived from the stances of the claims: neutral claims never count as
    agreement.  Plain text; :func:`render_agreement` gives it as HTML.

    >>> agreement_line(load_case("nato-russia-2013"), "outlook")
    'Only Analyst takes a position: it opposes “NATO-Russia relations are on course for real progress on the big issues in 2013”. NATO, Russia and NATO-Russia Council make no claim on it.'
    """
    positions = side_stances(case, topic_id)
    proposition = f"“{proposition_text(case, topic_id)}”"
    taking = [s for s, p in positions.items() if p in {"support", "oppose", "mixed"}]
    neutral = [s for s, p in positions.items() if p == "neutral"]
    silent = [s for s, p in positions.items() if p == "none"]

    if not taking:
        if neutral:
            line = f"No side takes a position on {proposition}: every claim on this topic is neutral."
        else:
            return f"No side makes a claim on {proposition}."
    elif len(taking) == 1:
        side = taking[0]
        if positions[side] == "mixed":
            line = (f"Only {side} takes a position, and its claims both support and oppose "
                    f"{proposition}.")
        else:
            line = f"Only {side} takes a position: it {_POSITION_VERBS[positions[side]]} {proposition}."
    else:
        parts = ", ".join(f"{s} {_POSITION_VERBS[positions[s]]}" for s in taking)
        stances = {positions[s] for s in taking}
        if len(stances) == 1 and stances != {"mixed"}:
            verb = "support" if stances == {"support"} else "oppose"
            every = "both" if len(taking) == 2 else "all"
            line = f"{parts}: the sides that take a position agree — {every} {verb} {proposition}."
        else:
            line = f"{parts}: the sides disagree on the proposition {proposition}."
    if neutral:
        line += f" {names(neutral)} {'makes' if len(neutral) == 1 else 'make'} only neutral claims."
    if silent:
        line += f" {names(silent)} {'makes' if len(silent) == 1 else 'make'} no claim on it."
    return line


def render_agreement(case: Case, topic_id: str) -> str:
    """:func:`agreement_line` as an HTML paragraph."""
    return (f'<p class="ck-agreement" style="margin:0.4em 0;font-weight:600;line-height:1.4">'
            f"{esc(agreement_line(case, topic_id))}</p>")


def _claim_item(claim: dict[str, Any]) -> str:
    mode, stance = str(claim["mode"]), str(claim["stance"])
    words = esc(claim["quote"])
    # Only the speaker's own words go in quotation marks; other spans are the author's text.
    text = f"“{words}”" if mode == "direct_quote" else f"<em>{words}</em>"
    return (
        '<li class="ck-item" style="margin:0 0 0.5em 0">'
        f"{text}<br>"
        f'<span style="{MUTED}">{esc(claim["actor_name"])} · {esc(MODE_LABELS.get(mode, mode))}'
        f' · ¶{int(claim["paragraph"])} · </span>'
        f"<strong>{esc(STANCE_LABELS.get(stance, stance))}</strong></li>"
    )


def render_comparison(case: Case, topic_id: str, *, with_summary: bool = True) -> str:
    """One column per side (in ``case.sides`` order) with its claims on a topic, as HTML.

    >>> html = render_comparison(load_case("nato-russia-2013"), "missile_defence")
    >>> html.count('class="ck-side"')
    4
    """
    claims = case.claims_by_topic(topic_id)
    colours = case.side_colours
    label = case.topic_label(topic_id)
    columns = []
    for side in case.sides:
        colour = safe_colour(colours.get(side))
        mine = claims[claims["side"] == side]
        if mine.empty:
            inner = no_claims_html(f"No claim from {side} on this topic.")
        else:
            inner = ('<ul style="margin:0;padding-left:1.1em">'
                     + "".join(_claim_item(c) for c in mine.to_dict("records")) + "</ul>")
        columns.append(
            f'<section class="ck-side" style="flex:1 1 11em;min-width:10em;box-sizing:border-box;'
            f'border-top:6px solid {colour};padding:0.3em 0.5em">'
            f'<h4 style="margin:0 0 0.4em 0"><span style="{SWATCH.format(colour=colour)}"></span>'
            f"{esc(side)} <span style=\"font-weight:normal;{MUTED}\">"
            f"({plural(len(mine), 'claim')})</span></h4>{inner}</section>"
        )
    summary = render_agreement(case, topic_id) if with_summary else ""
    return (
        '<div class="ck-compare" style="line-height:1.4">'
        f'<p class="ck-proposition" style="margin:0.2em 0 0.6em 0"><strong>{esc(label)}</strong>'
        f" — proposition: “{esc(proposition_text(case, topic_id))}”</p>"
        '<div style="display:flex;flex-wrap:wrap;gap:0.8em;align-items:flex-start">'
        + "".join(columns) + f"</div>{summary}</div>"
    )


class StanceComparer(KitBox):
    """Pick a topic; see every side's claims on it side by side, and where they differ.

    Controls: ``topic`` (dropdown of topic ids), ``body`` and ``summary`` (HTML).

    >>> comparer = StanceComparer(load_case("nato-russia-2013"))
    >>> comparer.topic.value = "missile_defence"
    >>> "Sergey Lavrov" in comparer.body.value
    True
    """

    def __init__(self, case: Case | str | Path, topic: str | None = None) -> None:
        self.case = as_case(case)
        options = list(zip(self.case.topics["label"], self.case.topics["topic_id"], strict=True))
        self.topic = widgets.Dropdown(options=options, value=topic or options[0][1],
                                      description="Topic", layout=widgets.Layout(width="28em"))
        self.body = widgets.HTML()
        self.summary = widgets.HTML()
        super().__init__([self.topic, self.body, self.summary], kind="comparer")
        self.topic.observe(self._on_topic, names="value")
        self._show(self.topic.value)

    def __repr__(self) -> str:
        return f"<StanceComparer {self.case.id!r}: topic={self.topic.value!r}>"

    def _on_topic(self, change: dict[str, Any]) -> None:
        self._show(change["new"])

    def _show(self, topic_id: str) -> None:
        self.body.value = render_comparison(self.case, topic_id, with_summary=False)
        self.summary.value = render_agreement(self.case, topic_id)


