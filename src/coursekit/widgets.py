"""Widgets to explore a case: browse claims, compare sides, check understanding.

Every widget is an ``ipywidgets.VBox``: end a notebook cell with one and it
renders.  The HTML they show comes from plain functions in this module
(``render_claim``, ``render_comparison``, ``render_agreement``,
``render_feedback``) which a notebook can also show statically with
``IPython.display.HTML`` for output that nbval can compare.

Widgets only change the ``.value`` of their children in observers (no
``interact``, ``Output`` or ``clear_output``), so their logic runs headless:

>>> from coursekit import load_case
>>> case = load_case("nato-russia-2013")
>>> explorer = ClaimExplorer(case)
>>> explorer.side.value = "Russia"
>>> explorer.count.value
'<span class="ck-count">16 of 31 claims</span>'
>>> agreement_line(case, "cooperation")
'NATO supports, NATO-Russia Council supports: the sides that take a position agree — both support “NATO-Russia practical cooperation is producing real results”. Russia and Analyst make no claim on it.'

Every piece of case text is escaped before it reaches HTML; side colours are
used only when they are plain ``#RRGGBB`` values.

Keyboard: every kit widget is a :class:`KitBox`.  It carries the class
``ck-widget`` and a hidden child (:class:`KeyboardScope`, a tiny anywidget)
that gives each key pressed inside the box Lumino's
``data-lm-suppress-shortcuts`` attribute, so that inside JupyterLab the arrow
keys, letters, Space and Enter reach the widget's controls instead of firing
notebook command-mode shortcuts (see ``keyboard_scope.js``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
import pandas as pd
import traitlets

from ._html import (
    MODE_EXPLANATIONS,
    MODE_LABELS,
    STANCE_LABELS,
    STANCE_VERBS,
    esc,
    safe_colour,
    shorten,
    style_marks,
)
from .cases import Case, load_case
from .validation import MODES

__all__ = [
    "ClaimExplorer",
    "KeyboardScope",
    "KitBox",
    "SelfCheck",
    "StanceComparer",
    "agreement_line",
    "claim_label",
    "filter_claims",
    "render_agreement",
    "render_claim",
    "render_comparison",
    "render_feedback",
    "side_stances",
]

# The value of every "All …" menu entry.  Ids, side names and modes are never
# empty (the loader rejects them), so "" cannot clash with a real choice.
ALL = ""

# Box styles: borders and padding only, text colour inherited from the theme.
_CARD = "border-left:6px solid {colour};padding:0.4em 0.8em;margin:0.3em 0;line-height:1.4"
_SWATCH = ("display:inline-block;width:0.9em;height:0.9em;background:{colour};"
           "border-radius:2px;vertical-align:-0.1em;margin-right:0.35em")
_MUTED = "opacity:0.8"
_TH = "text-align:left;vertical-align:top;padding:0.15em 0.8em 0.15em 0;font-weight:600;white-space:nowrap"
_TD = "text-align:left;vertical-align:top;padding:0.15em 0"


def _as_case(case: Case | str | Path) -> Case:
    return case if isinstance(case, Case) else load_case(case)


# --- keyboard -----------------------------------------------------------------


@cache
def _keyboard_scope_js() -> str:
    return files("coursekit").joinpath("keyboard_scope.js").read_text(encoding="utf-8")


class KeyboardScope(anywidget.AnyWidget):
    """Hidden helper: keeps JupyterLab's single-key shortcuts out of the enclosing ``ck-widget`` box.

    See ``keyboard_scope.js``; it renders nothing and holds no state.
    """

    _esm = traitlets.Unicode().tag(sync=True)

    def __init__(self) -> None:
        super().__init__(_esm=_keyboard_scope_js(), layout=widgets.Layout(display="none"))


class KitBox(widgets.VBox):
    """A VBox for a kit widget: class ``ck-widget``, keyboard kept inside it in JupyterLab.

    ``kind`` adds a second class, ``ck-<kind>``, naming the widget for styles and tests.

    >>> box = KitBox([widgets.Label("x")], kind="demo")
    >>> box._dom_classes, isinstance(box.children[-1], KeyboardScope)
    (('ck-widget', 'ck-demo'), True)
    """

    def __init__(self, children: Sequence[widgets.Widget], *, kind: str, **kwargs: Any) -> None:
        super().__init__(children=[*children, KeyboardScope()], **kwargs)
        self.add_class("ck-widget")
        self.add_class(f"ck-{kind}")


def _proposition(case: Case, topic_id: str) -> str:
    """The topic's proposition without its final full stop, for quoting inside a sentence."""
    text = str(case.topics.loc[case.topics["topic_id"] == topic_id, "proposition"].iloc[0]).strip()
    return text[:-1] if text.endswith(".") else text


def _names(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- claims ---------------------------------------------------------------


def filter_claims(case: Case, side: str = ALL, actor: str = ALL, topic: str = ALL,
                  mode: str = ALL) -> pd.DataFrame:
    """Claims matching every given filter, in text order; ``""`` means any.

    >>> case = load_case("nato-russia-2013")
    >>> len(filter_claims(case, side="Russia", topic="missile_defence"))
    3
    """
    claims = case.claims
    keep = pd.Series(True, index=claims.index)
    for column, value in (("side", side), ("actor_id", actor), ("topic_id", topic), ("mode", mode)):
        if value != ALL:
            keep &= claims[column] == value
    return claims[keep]


def claim_label(case: Case, claim_id: str, width: int = 70) -> str:
    """One line naming a claim for a menu: paragraph, actor and the start of the quote.

    Plain text: menus show option labels as text, never as HTML.

    >>> claim_label(load_case("nato-russia-2013"), "lavrov-no-change", width=50)
    '¶6 Sergey Lavrov — The US and NATO argue that…'
    """
    claim = case.claim(claim_id).to_dict()
    head = f"¶{claim['paragraph']} {claim['actor_name']} — "
    return head + shorten(claim["quote"], max(12, width - len(head)))


def render_claim(case: Case, claim_id: str) -> str:
    """The detail of one claim as HTML.

    Shows the claim's paragraph with the evidence span highlighted, how the
    article reports it (mode), its stance toward the topic's proposition, the
    summary, any condition, target or channel, and the paragraph number.

    >>> html = render_claim(load_case("nato-russia-2013"), "lavrov-cuts-space")
    >>> "<mark" in html and "paraphrase (reported speech)" in html
    True
    """
    claim = case.claim(claim_id).to_dict()
    colour = safe_colour(case.side_colours.get(claim["side"]))
    mode, stance = str(claim["mode"]), str(claim["stance"])
    context = style_marks(case.context_html(claim_id))
    proposition = f"“{esc(_proposition(case, claim['topic_id']))}”"
    stance_text = f"<strong>{esc(STANCE_LABELS.get(stance, stance))}</strong>"
    rows: list[tuple[str, str]] = [
        ("How we know", f"<strong>{esc(MODE_LABELS.get(mode, mode))}</strong> — "
                        f"{esc(MODE_EXPLANATIONS.get(mode, ''))}"),
        ("Topic", esc(claim["topic_label"])),
        ("Stance", f"{stance_text} on the proposition {proposition}" if stance == "neutral"
                   else f"{stance_text} the proposition {proposition}"),
        ("Summary", esc(claim["summary"])),
    ]
    if claim["condition"]:
        rows.append(("Condition", esc(claim["condition"])))
    if claim["target_id"]:
        rows.append(("Addressed to or about", esc(case.actor_name(claim["target_id"]))))
    if claim["relayed_via"]:
        rows.append(("Relayed via", esc(claim["relayed_via"])))
    paragraph = int(claim["paragraph"])
    rows.append(("Where", f"paragraph {paragraph} of the article"))
    table = "".join(
        f'<tr><th scope="row" style="{_TH}">{esc(name)}</th><td style="{_TD}">{value}</td></tr>'
        for name, value in rows
    )
    return (
        f'<div class="ck-claim" style="{_CARD.format(colour=colour)}">'
        f'<p class="ck-claim-head" style="margin:0 0 0.4em 0">'
        f'<span style="{_SWATCH.format(colour=colour)}"></span>'
        f"<strong>¶{paragraph}</strong> · {esc(claim['actor_name'])} ({esc(claim['side'])})"
        f" · {esc(MODE_LABELS.get(mode, mode))}</p>"
        f'<blockquote class="ck-context" style="margin:0 0 0.5em 0;padding:0.3em 0.6em;'
        f'border-left:2px solid currentColor;line-height:1.5">{context}</blockquote>'
        f'<table class="ck-facts" style="border-collapse:collapse;margin:0">{table}</table>'
        "</div>"
    )


def _no_claims_html(message: str) -> str:
    return f'<p class="ck-empty" style="font-style:italic;margin:0.4em 0">{esc(message)}</p>'


class ClaimExplorer(KitBox):
    """Filter a case's claims by side, actor, topic and mode; read one in context.

    Controls: ``side``, ``actor``, ``topic``, ``mode`` (dropdowns, ``""`` is
    "All"), ``claim`` (the list of matching claims, value = claim id),
    ``count`` and ``detail`` (HTML).  Choosing a side narrows the actor list.

    >>> explorer = ClaimExplorer(load_case("nato-russia-2013"), topic="arms_cuts")
    >>> explorer.claim.options[0]
    ('¶7 Sergey Lavrov — Russia will not accept deeper strategic arms cuts…', 'lavrov-cuts-space')
    """

    def __init__(self, case: Case | str | Path, *, side: str = ALL, actor: str = ALL,
                 topic: str = ALL, mode: str = ALL, claim: str | None = None, rows: int = 8) -> None:
        self.case = _as_case(case)
        self._updating = False
        wide = widgets.Layout(width="24em")
        self.side = widgets.Dropdown(
            options=[("All sides", ALL), *[(s, s) for s in self.case.sides]],
            value=ALL, description="Side", layout=wide)
        self.actor = widgets.Dropdown(options=self._actor_options(ALL), value=ALL,
                                      description="Actor", layout=wide)
        self.topic = widgets.Dropdown(
            options=[("All topics", ALL), *zip(self.case.topics["label"], self.case.topics["topic_id"],
                                               strict=True)],
            value=ALL, description="Topic", layout=wide)
        present = set(self.case.claims["mode"])
        self.mode = widgets.Dropdown(
            options=[("All modes", ALL), *[(MODE_LABELS[m], m) for m in MODES if m in present]],
            value=ALL, description="Mode", layout=wide)
        self.count = widgets.HTML()
        self.claim = widgets.Select(options=[], rows=rows, description="Claim",
                                    layout=widgets.Layout(width="98%"))
        self.detail = widgets.HTML()
        super().__init__([
            widgets.HBox([self.side, self.actor]),
            widgets.HBox([self.topic, self.mode]),
            self.count, self.claim, self.detail,
        ], kind="explorer")
        with self._batch():
            self.side.value = side
            self.actor.options = self._actor_options(side)
            self.actor.value = actor
            self.topic.value = topic
            self.mode.value = mode
        self._refresh(prefer=claim)
        for control in (self.side, self.actor, self.topic, self.mode):
            control.observe(self._on_filter, names="value")
        self.claim.observe(self._on_claim, names="value")

    def __repr__(self) -> str:
        # Short and deterministic: the default lists every child's HTML.
        shown = len(self.claim.options)
        return (f"<ClaimExplorer {self.case.id!r}: {shown} of {len(self.case.claims)} claims shown, "
                f"claim={self.claim.value!r}>")

    # -- helpers -------------------------------------------------------------
    @contextmanager
    def _batch(self) -> Iterator[None]:
        """Change several controls without each change re-rendering."""
        self._updating = True
        try:
            yield
        finally:
            self._updating = False

    def _actor_options(self, side: str) -> list[tuple[str, str]]:
        """Actors with at least one claim, on ``side`` unless it is "All"."""
        with_claims = set(self.case.claims["actor_id"])
        actors = self.case.actors[self.case.actors["actor_id"].isin(with_claims)]
        if side != ALL:
            actors = actors[actors["side"] == side]
        return [("All actors", ALL), *zip(actors["name"], actors["actor_id"], strict=True)]

    # -- observers -------------------------------------------------------------
    def _on_filter(self, change: dict[str, Any]) -> None:
        if self._updating:
            return
        if change["owner"] is self.side:
            keep = self.actor.value
            options = self._actor_options(self.side.value)
            with self._batch():
                self.actor.options = options
                self.actor.value = keep if keep in {v for _, v in options} else ALL
        self._refresh()

    def _on_claim(self, change: dict[str, Any]) -> None:
        if not self._updating:
            self._show(change["new"])

    def _refresh(self, prefer: str | None = None) -> None:
        """Re-list the claims matching the filters; keep the chosen claim if it still matches."""
        matching = filter_claims(self.case, self.side.value, self.actor.value,
                                 self.topic.value, self.mode.value)
        ids = list(matching["claim_id"])
        keep = prefer if prefer is not None else self.claim.value
        chosen = keep if keep in ids else (ids[0] if ids else None)
        with self._batch():
            self.claim.options = [(claim_label(self.case, cid), cid) for cid in ids]
            self.claim.value = chosen
        total = len(self.case.claims)
        self.count.value = f'<span class="ck-count">{len(ids)} of {_plural(total, "claim")}</span>'
        self._show(chosen)

    def _show(self, claim_id: str | None) -> None:
        if claim_id is None:
            self.detail.value = _no_claims_html(
                "No claims match these filters. Set one of the menus back to “All” to see more.")
        else:
            self.detail.value = render_claim(self.case, claim_id)


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
    proposition = f"“{_proposition(case, topic_id)}”"
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
        line += f" {_names(neutral)} {'makes' if len(neutral) == 1 else 'make'} only neutral claims."
    if silent:
        line += f" {_names(silent)} {'makes' if len(silent) == 1 else 'make'} no claim on it."
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
        f'<span style="{_MUTED}">{esc(claim["actor_name"])} · {esc(MODE_LABELS.get(mode, mode))}'
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
            inner = _no_claims_html(f"No claim from {side} on this topic.")
        else:
            inner = ('<ul style="margin:0;padding-left:1.1em">'
                     + "".join(_claim_item(c) for c in mine.to_dict("records")) + "</ul>")
        columns.append(
            f'<section class="ck-side" style="flex:1 1 11em;min-width:10em;box-sizing:border-box;'
            f'border-top:6px solid {colour};padding:0.3em 0.5em">'
            f'<h4 style="margin:0 0 0.4em 0"><span style="{_SWATCH.format(colour=colour)}"></span>'
            f"{esc(side)} <span style=\"font-weight:normal;{_MUTED}\">"
            f"({_plural(len(mine), 'claim')})</span></h4>{inner}</section>"
        )
    summary = render_agreement(case, topic_id) if with_summary else ""
    return (
        '<div class="ck-compare" style="line-height:1.4">'
        f'<p class="ck-proposition" style="margin:0.2em 0 0.6em 0"><strong>{esc(label)}</strong>'
        f" — proposition: “{esc(_proposition(case, topic_id))}”</p>"
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
        self.case = _as_case(case)
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


# --- self-check questions ---------------------------------------------------

_FEEDBACK = "border-left:6px solid {colour};padding:0.3em 0.7em;margin:0.3em 0;line-height:1.4"
# Borders at least 3:1 against white and against JupyterLab's dark theme (WCAG 1.4.11);
# the words ("Correct", "Not quite") carry the meaning too.
_RIGHT_COLOUR = "#009E73"   # Okabe-Ito bluish green
_WRONG_COLOUR = "#D55E00"   # Okabe-Ito vermillion
_PROMPT_COLOUR = "#767676"  # grey


def render_feedback(choice: str | None, answer: str, explanation: str,
                    paragraph: int | None = None, hint: str | None = None,
                    checked: bool = True) -> str:
    """Feedback on one answer to a self-check question, as HTML.

    ``choice`` is None before the student answers; ``checked`` is False when
    they have chosen but not yet pressed Check.

    >>> render_feedback("Russia", "Russia", "Lavrov says so.", 7)
    '<div class="ck-feedback ck-correct" style="border-left:6px solid #009E73;padding:0.3em 0.7em;margin:0.3em 0;line-height:1.4"><strong>Correct</strong> — Lavrov says so. (¶7)</div>'
    """
    if choice is None or not checked:
        text = ("Choose an answer, then press Check." if choice is None
                else "Press Check to see whether your answer is right.")
        return (f'<div class="ck-feedback ck-prompt" style="{_FEEDBACK.format(colour=_PROMPT_COLOUR)}">'
                f"{esc(text)}</div>")
    if choice == answer:
        where = f" (¶{int(paragraph)})" if paragraph is not None else ""
        return (f'<div class="ck-feedback ck-correct" style="{_FEEDBACK.format(colour=_RIGHT_COLOUR)}">'
                f"<strong>Correct</strong> — {esc(explanation)}{where}</div>")
    if hint is None:
        hint = (f"reread paragraph {int(paragraph)} of the article." if paragraph is not None
                else "reread the question and the article.")
    return (f'<div class="ck-feedback ck-wrong" style="{_FEEDBACK.format(colour=_WRONG_COLOUR)}">'
            f"<strong>Not quite</strong> — try again. Hint: {esc(hint)}</div>")


class SelfCheck(KitBox):
    """A formative multiple-choice question with instant feedback.

    ``answer`` is one of ``options`` (or its index).  Controls: ``choices``
    (RadioButtons), ``check`` (Button) and ``feedback`` (HTML).  With
    ``instant=True`` choosing an option checks it at once.

    >>> q = SelfCheck("Who calls the exercises pointless?", ["Rasmussen", "Lavrov"], "Lavrov",
    ...               "Lavrov told Russian journalists so.", paragraph=8)
    >>> q.choices.value = "Rasmussen"
    >>> q.check.click()
    >>> "Not quite" in q.feedback.value
    True
    """

    def __init__(self, question: str, options: Sequence[str], answer: str | int, explanation: str,
                 paragraph: int | None = None, *, hint: str | None = None,
                 instant: bool = False) -> None:
        options = [str(o) for o in options]
        if answer in options:
            self.answer = str(answer)
        elif isinstance(answer, int) and 0 <= answer < len(options):
            self.answer = options[answer]
        else:
            raise ValueError(f"answer {answer!r} is not one of the options {options!r}")
        self.explanation = explanation
        self.paragraph = paragraph
        self.hint = hint
        self.instant = instant
        self.question = widgets.HTML(f'<p class="ck-question" style="margin:0.3em 0">'
                                     f"<strong>{esc(question)}</strong></p>")
        self.choices = widgets.RadioButtons(options=options, value=None, description="Answer",
                                            layout=widgets.Layout(width="max-content"))
        self.check = widgets.Button(description="Check", tooltip="Check your answer")
        self.feedback = widgets.HTML(self._render(None, checked=False))
        super().__init__([self.question, self.choices, self.check, self.feedback], kind="selfcheck")
        self.choices.observe(self._on_choice, names="value")
        self.check.on_click(self._on_check)

    def __repr__(self) -> str:
        return f"<SelfCheck: {len(self.choices.options)} options, chosen={self.choices.value!r}>"

    def _render(self, choice: str | None, checked: bool) -> str:
        return render_feedback(choice, self.answer, self.explanation, self.paragraph, self.hint,
                               checked=checked)

    def _on_choice(self, change: dict[str, Any]) -> None:
        self.feedback.value = self._render(change["new"], checked=self.instant)

    def _on_check(self, _button: widgets.Button) -> None:
        self.feedback.value = self._render(self.choices.value, checked=True)

    @property
    def correct(self) -> bool:
        """Whether the chosen option is the answer."""
        return self.choices.value == self.answer

