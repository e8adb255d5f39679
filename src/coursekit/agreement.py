"""How a class coded a passage: agreement between students, and who they said was speaking.

Two views of one coding question across a class, for the debrief:

* :func:`class_agreement` — Krippendorff's alpha (nominal) per attribute,
  computed by the ``krippendorff`` package.  The units are the word tokens
  of the passage; each student is a coder; a student's value for a token is
  the attribute of their coded span that covers it (the shortest, if spans
  overlap), and missing where they coded nothing.  ``span`` is the marking
  itself: 1 where a student's span covers the token, 0 where none does.
  The key plays no part: this is how far students agree with *each other*.
* :func:`speaker_shares` and :func:`speaker_figure` — for each claim of the
  key, the share of students whose span found it (see :mod:`coursekit.coding`)
  and gave it to each speaker; the figure's alt text is written from the
  same numbers (:func:`speaker_alt_text`).

>>> from coursekit import load_case
>>> from coursekit.coding import CodedSpan, key_claims
>>> case = load_case("nato-russia-2013")
>>> a = [CodedSpan(1625, 1727, "lavrov", "paraphrase", "arms_cuts", "oppose")]
>>> b = [CodedSpan(1625, 1727, "chamberlain", "paraphrase", "arms_cuts", "oppose")]
>>> rows = speaker_shares(case, key_claims(case, [7]), [a, b, a])
>>> rows[0].shares
{'Sergey Lavrov': 0.6666666666666666, 'Nigel Chamberlain': 0.3333333333333333}
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._html import shorten
from .coding import DEFAULT_THRESHOLD, CodedSpan, KeyClaim, TokenIndex, match_spans

__all__ = [
    "AgreementRow",
    "SpeakerShares",
    "agreement_rows",
    "class_agreement",
    "show_class_figure",
    "speaker_alt_text",
    "speaker_figure",
    "speaker_shares",
]

NOT_FOUND = "not found"
NO_SPEAKER = "no speaker given"


@dataclass(frozen=True)
class AgreementRow:
    """Alpha for one attribute; ``alpha`` is None when it is undefined, ``note`` says why."""

    attribute: str
    alpha: float | None
    coders: int
    units: int
    note: str = ""


def _passage_tokens(index: TokenIndex, passage: Sequence[tuple[int, int]]) -> list[int]:
    ids: list[int] = []
    for start, end in passage:
        ids.extend(index.ids(start, end))
    return sorted(set(ids))


def _token_values(index: TokenIndex, tokens: list[int], spans: Sequence[CodedSpan],
                  attribute: str) -> list[str | None]:
    """A coder's value per token: the covering span's attribute (shortest span first)."""
    covering: dict[int, CodedSpan] = {}
    for span in sorted(spans, key=lambda s: (s.end - s.start, s.start)):
        for token in index.ids(span.start, span.end):
            covering.setdefault(token, span)
    values: list[str | None] = []
    for token in tokens:
        cover = covering.get(token)
        if attribute == "span":
            values.append("1" if cover is not None else "0")
        else:
            value = cover.attribute(attribute) if cover is not None else ""
            values.append(value or None)
    return values


def class_agreement(case: Any, passage: Sequence[tuple[int, int]], codings: Sequence[Sequence[CodedSpan]],
                    attributes: Sequence[str]) -> list[AgreementRow]:
    """Krippendorff's alpha (nominal) for ``span`` and each attribute, over the passage's tokens.

    ``passage`` is a list of (start, end) article ranges (the question's
    paragraphs); ``codings`` holds one list of spans per student.
    """
    import krippendorff
    import numpy as np

    index = TokenIndex(case.article)
    tokens = _passage_tokens(index, passage)
    rows = []
    for attribute in ("span", *attributes):
        table = [_token_values(index, tokens, spans, attribute) for spans in codings]
        domain = sorted({v for row in table for v in row if v is not None})
        coders = len(table)
        if coders < 2:
            rows.append(AgreementRow(attribute, None, coders, len(tokens), "fewer than two codings"))
            continue
        pairable = sum(1 for t in range(len(tokens)) if sum(row[t] is not None for row in table) >= 2)
        if not pairable:
            rows.append(AgreementRow(attribute, None, coders, len(tokens),
                                     "no word was coded by two students"))
            continue
        if len(domain) < 2:
            rows.append(AgreementRow(attribute, None, coders, len(tokens),
                                     f"everyone gave the same value ({domain[0]}): alpha is undefined"))
            continue
        code = {v: i for i, v in enumerate(domain)}
        data = np.array([[np.nan if v is None else code[v] for v in row] for row in table], dtype=float)
        alpha = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
        rows.append(AgreementRow(attribute, None if math.isnan(alpha) else alpha, coders, len(tokens)))
    return rows


def agreement_rows(rows: Sequence[AgreementRow]) -> list[list[str]]:
    """The rows as text for a CSV (alpha with three decimals)."""
    return [[r.attribute, "" if r.alpha is None else f"{r.alpha:.3f}", str(r.coders), str(r.units), r.note]
            for r in rows]


# --- who the class said was speaking ---------------------------------------------------------

@dataclass(frozen=True)
class SpeakerShares:
    """For one key claim: share of the class per speaker given (plus 'not found')."""

    claim: KeyClaim
    label: str  # ¶ and the start of the quote, for the figure's axis
    key_speaker: str  # the key's speaker, by name
    shares: dict[str, float]  # speaker name (or NOT_FOUND / NO_SPEAKER) -> share of students
    students: int


def speaker_shares(case: Any, key: Sequence[KeyClaim], codings: Sequence[Sequence[CodedSpan]],
                   threshold: float = DEFAULT_THRESHOLD) -> list[SpeakerShares]:
    """Per key claim, the share of students who found it and gave it to each speaker."""
    index = TokenIndex(case.article)
    names = dict(zip(case.actors["actor_id"], case.actors["name"], strict=True))
    counts: list[dict[str, int]] = [{} for _ in key]
    for spans in codings:
        for ki, (si, _) in enumerate(match_spans(index, key, spans, threshold)):
            if si is None:
                label = NOT_FOUND
            else:
                speaker = spans[si].speaker
                label = names.get(speaker, speaker) if speaker else NO_SPEAKER
            counts[ki][label] = counts[ki].get(label, 0) + 1
    n = len(codings)
    rows = []
    for claim, count in zip(key, counts, strict=True):
        order = sorted(count, key=lambda k: (k == NOT_FOUND, k == NO_SPEAKER, -count[k], k))
        rows.append(SpeakerShares(
            claim, f"¶{claim.paragraph} “{shorten(claim.quote, 38)}”",
            names.get(claim.values["speaker"], claim.values["speaker"]),
            {k: count[k] / n for k in order} if n else {}, n))
    return rows


def speaker_alt_text(rows: Sequence[SpeakerShares]) -> str:
    """A text alternative for :func:`speaker_figure`, written from the same numbers.

    >>> from coursekit import load_case
    >>> from coursekit.coding import CodedSpan, key_claims
    >>> case = load_case("nato-russia-2013")
    >>> rows = speaker_shares(case, key_claims(case, [7])[:1], [[CodedSpan(1625, 1727, "lavrov")], []])
    >>> print(speaker_alt_text(rows))
    Who the class said was speaking, per claim of the key (2 students). ¶7 “Russia will not accept deeper…” (key: Sergey Lavrov): Sergey Lavrov 50 %, not found 50 %.
    """
    if not rows:
        return "No claims in the key for this question."
    parts = [f"Who the class said was speaking, per claim of the key ({rows[0].students} students)."]
    for row in rows:
        shares = ", ".join(f"{name} {share:.0%}".replace("%", " %") for name, share in row.shares.items())
        parts.append(f"{row.label} (key: {row.key_speaker}): {shares or 'no codings'}.")
    return " ".join(parts)


_PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


def speaker_figure(rows: Sequence[SpeakerShares], title: str) -> Any:
    """A matplotlib Figure: one stacked bar per key claim, shares of the class per speaker."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    speakers = list(dict.fromkeys(name for row in rows for name in row.shares
                                  if name not in (NOT_FOUND, NO_SPEAKER)))
    colours = {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(speakers)}
    colours[NO_SPEAKER] = "#BBBBBB"
    colours[NOT_FOUND] = "#FFFFFF"
    order = [*speakers, NO_SPEAKER, NOT_FOUND]
    fig = Figure(figsize=(9.0, 1.2 + 0.55 * max(1, len(rows))), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ys = list(range(len(rows)))[::-1]
    for name in order:
        if not any(name in row.shares for row in rows):
            continue
        lefts = [sum(row.shares.get(n, 0.0) for n in order[:order.index(name)]) for row in rows]
        widths = [row.shares.get(name, 0.0) for row in rows]
        hatch = "//" if name == NOT_FOUND else None
        ax.barh(ys, widths, left=lefts, color=colours[name], edgecolor="#333333", linewidth=0.6,
                hatch=hatch, label=name)
        for y, left, width in zip(ys, lefts, widths, strict=True):
            if width >= 0.08:
                text_colour = "#FFFFFF" if name in speakers and colours[name] in ("#0072B2", "#D55E00", "#000000") else "#000000"
                ax.text(left + width / 2, y, f"{width:.0%}", ha="center", va="center", fontsize=8,
                        color=text_colour)
    ax.set_yticks(ys, [f"{row.label}\nkey: {row.key_speaker}" for row in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of students")
    ax.set_title(title, fontsize=10)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(4, len(order)),
                  frameon=False)
    fig.tight_layout()
    return fig


def show_class_figure(name: str, folder: str | Path = ".") -> Any:
    """Display ``<name>.png`` with its alt text and alpha table (the debrief notebook calls this)."""
    import base64
    import json

    from IPython.display import HTML

    from ._html import esc

    folder = Path(folder)
    png = base64.b64encode((folder / f"{name}.png").read_bytes()).decode("ascii")
    alt = (folder / f"{name}.txt").read_text(encoding="utf-8").strip()
    rows = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    table = "".join(
        f"<tr><td>{esc(a)}</td><td>{'' if alpha is None else f'{alpha:.2f}'}</td><td>{esc(note)}</td></tr>"
        for a, alpha, _coders, _units, note in rows)
    return HTML(f'<figure><img src="data:image/png;base64,{png}" alt="{esc(alt)}" style="max-width:100%">'
                f"<figcaption>{esc(alt)}</figcaption></figure>"
                f"<table><tr><th>attribute</th><th>Krippendorff's alpha</th><th>note</th></tr>{table}</table>")
