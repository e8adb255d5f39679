"""Browsing claims: filters, one claim as a card, the ClaimExplorer widget."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from .._html import (
    MODE_EXPLANATIONS,
    MODE_LABELS,
    STANCE_LABELS,
    esc,
    safe_colour,
    shorten,
    style_marks,
)
from ..cases import Case, load_case  # noqa: F401 - load_case is used in the doctests
from ..validation import MODES
from .common import ALL, CARD, SWATCH, TD, TH, as_case, plural, proposition_text
from .keyboard import KitBox

__all__ = ["ClaimExplorer", "claim_label", "filter_claims", "no_claims_html", "render_claim"]

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
    proposition = f"“{esc(proposition_text(case, claim['topic_id']))}”"
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
        f'<tr><th scope="row" style="{TH}">{esc(name)}</th><td style="{TD}">{value}</td></tr>'
        for name, value in rows
    )
    return (
        f'<div class="ck-claim" style="{CARD.format(colour=colour)}">'
        f'<p class="ck-claim-head" style="margin:0 0 0.4em 0">'
        f'<span style="{SWATCH.format(colour=colour)}"></span>'
        f"<strong>¶{paragraph}</strong> · {esc(claim['actor_name'])} ({esc(claim['side'])})"
        f" · {esc(MODE_LABELS.get(mode, mode))}</p>"
        f'<blockquote class="ck-context" style="margin:0 0 0.5em 0;padding:0.3em 0.6em;'
        f'border-left:2px solid currentColor;line-height:1.5">{context}</blockquote>'
        f'<table class="ck-facts" style="border-collapse:collapse;margin:0">{table}</table>'
        "</div>"
    )


def no_claims_html(message: str) -> str:
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
        self.case = as_case(case)
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
        self.count.value = f'<span class="ck-count">{len(ids)} of {plural(total, "claim")}</span>'
        self._show(chosen)

    def _show(self, claim_id: str | None) -> None:
        if claim_id is None:
            self.detail.value = no_claims_html(
                "No claims match these filters. Set one of the menus back to “All” to see more.")
        else:
            self.detail.value = render_claim(self.case, claim_id)


