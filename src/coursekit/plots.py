"""Figures of a case: who claims what, each side's stance, and the timeline.

Each function returns a :class:`matplotlib.figure.Figure` built directly (not through
pyplot), so nothing accumulates in pyplot's figure list and no backend is chosen on import.
Colours are Okabe-Ito (colour-blind safe); sides use the colours declared in the case, and
hatching, labels and counts carry the same meaning as the colours.

Every figure is a :class:`~coursekit.figures.CaseFigure`, shown with alt text
generated from its data and that data as a table (see :mod:`coursekit.figures`);
the data functions beside the figures (``claim_counts``, ``stance_counts``,
``timeline_events``) give those numbers.

>>> from coursekit import load_case
>>> fig = claims_heatmap(load_case("nato-russia-2013"))
>>> fig.axes[0].get_title()
'Claims per actor and topic'
>>> fig.alt_text
'Heatmap of claims per actor and topic: 30 claims by 4 actors on 10 topics. The most claims in one cell: Sergey Lavrov on Exercises in North-Eastern Europe (4).'
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ._html import safe_colour, shorten
from .cases import Case, load_case
from .figures import CaseFigure, describe_figure, png_bytes, text_colour
from .palette import OKABE_ITO, SET_COLOURS

if TYPE_CHECKING:
    from .grading.tables import ItemStats

__all__ = [
    "OKABE_ITO",
    "CaseFigure",
    "claims_heatmap",
    "describe_figure",
    "item_figure",
    "png_bytes",
    "stance_by_side",
    "timeline_figure",
]

_NEUTRAL_FILL = "#DDDDDD"
_DPI = 100  # modest, so executed notebooks stay small


def plain(text: object) -> str:
    """Data text as matplotlib shows it literally: a ``$`` never starts mathtext.

    >>> print(plain("($10bn vs $30bn)"))
    (\\$10bn vs \\$30bn)
    """
    return str(text).replace("$", r"\$")


def _as_case(case: Case | str | Path) -> Case:
    return case if isinstance(case, Case) else load_case(case)


# --- claims per actor and topic ---------------------------------------------------


def claim_counts(case: Case, all_actors: bool = False) -> pd.DataFrame:
    """Claims per actor (rows, grouped by side in case order) and topic (columns).

    >>> int(claim_counts(load_case("nato-russia-2013")).loc["lavrov", "missile_defence"])
    3
    """
    actors = case.actors.copy()
    if not all_actors:
        actors = actors[actors["actor_id"].isin(set(case.claims["actor_id"]))]
    side_rank = {side: i for i, side in enumerate(case.sides)}
    actors["_rank"] = actors["side"].map(side_rank)
    actors = actors.sort_values("_rank", kind="stable")
    counts = pd.crosstab(case.claims["actor_id"], case.claims["topic_id"])
    return (counts.reindex(index=list(actors["actor_id"]), columns=list(case.topics["topic_id"]))
            .fillna(0).astype("int64"))


def claims_heatmap(case: Case | str | Path, *, all_actors: bool = False) -> Figure:
    """Claims per actor × topic, with each cell's count written in it.

    Rows are actors with at least one claim (all actors with
    ``all_actors=True``), grouped by side; columns are topics in case order.
    """
    case = _as_case(case)
    counts = claim_counts(case, all_actors)
    names = case.actors.set_index("actor_id")
    # "Name (side)", or just the name when the actor is its own side (the NRC).
    row_labels = [names.loc[a, "name"] if names.loc[a, "name"] == names.loc[a, "side"]
                  else f"{names.loc[a, 'name']} ({names.loc[a, 'side']})" for a in counts.index]
    col_labels = [plain(case.topic_label(t)) for t in counts.columns]
    values = counts.to_numpy()

    fig = CaseFigure(figsize=(8.5, 2.6 + 0.42 * len(row_labels)), dpi=_DPI, layout="constrained")
    ax = fig.add_subplot()
    top = max(int(values.max()), 1)
    image = ax.imshow(values, cmap="Blues", vmin=0, vmax=top, aspect="auto")
    for (row, col), value in np.ndenumerate(values):
        if value:
            shade = image.cmap(image.norm(value))
            ax.text(col, row, str(value), ha="center", va="center", fontsize=10,
                    color=text_colour(shade), gid="count")  # type: ignore[arg-type]  # an RGBA tuple works
    ax.set_xticks(range(len(col_labels)), col_labels, rotation=35, ha="right",
                  rotation_mode="anchor", fontsize=9)
    ax.set_yticks(range(len(row_labels)), [plain(label) for label in row_labels], fontsize=9)
    ax.set_xticks(np.arange(-0.5, len(col_labels)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(row_labels)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    # A darker line between the sides' groups of rows.
    sides = [names.loc[a, "side"] for a in counts.index]
    for row in range(1, len(sides)):
        if sides[row] != sides[row - 1]:
            ax.axhline(row - 0.5, color="#555555", linewidth=1.5)
    ax.set_xlabel("Topic")
    ax.set_ylabel("Actor (side)")
    ax.set_title("Claims per actor and topic")
    bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
    bar.set_label("Number of claims")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    table = pd.DataFrame(values, columns=col_labels)
    table.insert(0, "Actor (side)", row_labels)
    return fig.describe(_heatmap_alt(case, counts), table, "Claims per actor (rows) and topic (columns)")


def _heatmap_alt(case: Case, counts: pd.DataFrame) -> str:
    total = int(counts.to_numpy().sum())
    text = (f"Heatmap of claims per actor and topic: {total} claims by {len(counts.index)} actors "
            f"on {len(counts.columns)} topics.")
    if total:
        actor, topic = counts.stack().idxmax()
        text += (f" The most claims in one cell: {case.actor_name(actor)} on "
                 f"{case.topic_label(topic)} ({int(counts.loc[actor, topic])}).")
    return text


# --- stance by side ---------------------------------------------------------------------


def stance_counts(case: Case) -> pd.DataFrame:
    """Claims per side, topic and stance: columns side, topic_id, support, oppose, neutral.

    Every side × topic pair is present, in case order, zeros included.
    """
    counts = (case.claims.groupby(["side", "topic_id", "stance"]).size()
              .unstack("stance").reindex(columns=["support", "oppose", "neutral"]))
    full = pd.MultiIndex.from_product([case.sides, list(case.topics["topic_id"])],
                                      names=["side", "topic_id"])
    return counts.reindex(full).fillna(0).astype("int64").reset_index()


def stance_by_side(case: Case | str | Path) -> Figure:
    """Each side's stance on every topic's proposition: one diverging bar panel per side.

    Claims supporting a proposition extend right of centre, opposing ones
    left (hatched), neutral ones sit grey across the centre.  Bars are in the
    side's colour; every bar is labelled with its count.
    """
    case = _as_case(case)
    table = stance_counts(case)
    topics = list(case.topics["topic_id"])
    labels = [plain(case.topic_label(t)) for t in topics]
    n_sides = len(case.sides)
    ncols = 1 if n_sides == 1 else 2
    nrows = -(-n_sides // ncols)
    fig = CaseFigure(figsize=(3.6 * ncols + 2.2, nrows * (0.3 * len(topics) + 1.0) + 1.2),
                     dpi=_DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, sharex=True, sharey=True, squeeze=False)
    reach = max(1.0, float((table["neutral"] / 2 + table[["support", "oppose"]].max(axis=1)).max()))
    limit = np.ceil(reach) + 0.8

    for index, side in enumerate(case.sides):
        ax = axes[index // ncols][index % ncols]
        colour = safe_colour(case.side_colours.get(side))
        rows = table[table["side"] == side].set_index("topic_id").loc[topics]
        for y, (topic_id, row) in enumerate(rows.iterrows()):
            half = row["neutral"] / 2
            segments = (
                ("neutral", -half, row["neutral"],
                 {"color": _NEUTRAL_FILL, "edgecolor": colour, "linewidth": 1.2}),
                ("support", half, row["support"],
                 {"color": colour, "edgecolor": colour}),
                ("oppose", -half - row["oppose"], row["oppose"],
                 {"color": colour, "edgecolor": "#FFFFFF", "hatch": "///", "linewidth": 0}),
            )
            for stance, left, width, style in segments:
                if not width:
                    continue
                ax.barh(y, width, left=left, height=0.62, gid=f"{side}|{topic_id}|{stance}", **style)
            # Counts at the outer ends, where they never sit on a hatch.
            if row["support"]:
                ax.text(half + row["support"] + 0.12, y, str(row["support"]), va="center",
                        ha="left", fontsize=8)
            if row["oppose"]:
                ax.text(-half - row["oppose"] - 0.12, y, str(row["oppose"]), va="center",
                        ha="right", fontsize=8)
            if row["neutral"]:
                ax.text(0, y, str(row["neutral"]), va="center", ha="center", fontsize=8,
                        color="#000000")
        if not rows[["support", "oppose", "neutral"]].to_numpy().any():
            ax.text(0, (len(topics) - 1) / 2, plain(f"No claims from {side}"), ha="center", va="center",
                    fontsize=9, fontstyle="italic", backgroundcolor="#FFFFFF", gid="no-claims")
        ax.axvline(0, color="#555555", linewidth=0.8, zorder=0)
        ax.set_xlim(-limit, limit)
        ax.set_title(plain(side), fontsize=11, fontweight="bold", color=text_colour(colour),
                     backgroundcolor=colour, pad=6)
        ax.grid(axis="x", color="#BBBBBB", linewidth=0.5, alpha=0.6)
        ax.set_axisbelow(True)
        if index % ncols == 0:
            ax.set_ylabel("Topic")
        if index // ncols == nrows - 1 or index + ncols >= n_sides:
            ax.set_xlabel("← opposes    claims    supports →")
            ax.tick_params(axis="x", labelbottom=True)

    for index in range(n_sides, nrows * ncols):
        fig.delaxes(axes[index // ncols][index % ncols])
    first = axes[0][0]
    first.set_yticks(range(len(topics)), labels)
    for ax in fig.axes:
        ax.tick_params(axis="y", labelsize=9)
        ax.tick_params(axis="x", labelsize=9)
    first.set_ylim(len(topics) - 0.5, -0.5)
    first.xaxis.set_major_locator(MaxNLocator(integer=True))
    first.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{abs(x):g}"))
    fig.suptitle("Stance toward each topic's proposition, by side", fontsize=13)
    grey = "#555555"
    fig.legend(
        handles=[Patch(facecolor=grey, edgecolor=grey, label="supports (right of centre)"),
                 Patch(facecolor=grey, edgecolor="#FFFFFF", hatch="///", label="opposes (left, hatched)"),
                 Patch(facecolor=_NEUTRAL_FILL, edgecolor=grey, label="neutral (grey, centred)")],
        loc="outside lower center", ncols=3, fontsize=9, frameon=False,
    )
    data = pd.DataFrame({
        "Side": table["side"],
        "Topic": [case.topic_label(t) for t in table["topic_id"]],
        "Supports": table["support"], "Opposes": table["oppose"], "Neutral": table["neutral"],
    })
    return fig.describe(_stance_alt(case, table), data,
                        "Claims per side and topic, by stance toward the topic's proposition")


def _stance_alt(case: Case, table: pd.DataFrame) -> str:
    totals = table.groupby("side", sort=False)[["support", "oppose", "neutral"]].sum()
    parts = [f"{side}: {int(row['support'])} supporting, {int(row['oppose'])} opposing, "
             f"{int(row['neutral'])} neutral" for side, row in totals.reindex(case.sides).iterrows()]
    return (f"Bar charts, one per side, of the claims on each of {table['topic_id'].nunique()} "
            f"topics that support, oppose or are neutral toward its proposition. "
            + "; ".join(parts) + ".")


# --- timeline -------------------------------------------------------------------------------


def first_day(value: str | date) -> date:
    """The first day of an ISO date of any precision: ``"2013"``, ``"2013-02"``, ``"2013-02-18"``.

    >>> first_day("2011-01"), first_day("2013")
    (datetime.date(2011, 1, 1), datetime.date(2013, 1, 1))
    """
    if isinstance(value, date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def last_day(value: str | date) -> date:
    """The last day of an ISO date of any precision (``"2013"`` → 31 December 2013)."""
    if isinstance(value, date):
        return value
    parts = [int(p) for p in str(value).split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 1:
        return date(parts[0], 12, 31)
    year, month = parts
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _short_event(text: str, width: int = 66, lines: int = 2) -> str:
    r"""The event's first sentence, wrapped onto at most ``lines`` lines, "…" where cut.

    >>> _short_event("One two three four. Five.", width=9)
    'One two\nthree…'
    """
    sentence = str(text).split(". ")[0].rstrip(".")
    wrapped = textwrap.wrap(sentence, width)
    if len(wrapped) > lines:
        # The last line holds the rest of the sentence, cut with "…" by shorten().
        wrapped = [*wrapped[: lines - 1], shorten(" ".join(wrapped[lines - 1 :]), width)]
    return "\n".join(wrapped)


def timeline_events(case: Case, start: str | date | None = None,
                    end: str | date | None = None) -> pd.DataFrame:
    """Timeline rows plus the article's publication, sorted by date, within [start, end].

    Columns: ``date`` (as written), ``day`` (its first day), ``label``,
    ``kind``: ``before`` or ``after`` the publication, ``article`` for the
    publication itself, or ``same period`` when the publication date is too
    coarse to tell (an event on 18 February 2013 and an article dated
    "2013-02").  ``end`` includes its whole period: ``end="2013"`` keeps
    December 2013.
    """
    published = str(case.meta["published"])
    published_day, published_last = first_day(published), last_day(published)
    rows = [{"date": str(d), "day": first_day(str(d)), "label": _short_event(e)}
            for d, e in zip(case.timeline["date"], case.timeline["event"], strict=True)]
    publisher = case.meta.get("publisher", "")
    rows.append({"date": published, "day": published_day,
                 "label": _short_event(f"Article published{' by ' + publisher if publisher else ''}")})
    frame = pd.DataFrame(rows)
    frame["kind"] = "same period"
    frame.loc[[last_day(d) < published_day for d in frame["date"]], "kind"] = "before"
    frame.loc[frame["day"] > published_last, "kind"] = "after"
    frame.loc[len(frame) - 1, "kind"] = "article"
    if start is not None:
        frame = frame[frame["day"] >= first_day(start)]
    if end is not None:
        frame = frame[frame["day"] <= last_day(end)]
    # Stable sort: an event sharing the article's first day stays before it.
    return frame.sort_values("day", kind="stable").reset_index(drop=True)


_KIND_STYLE: dict[str, dict[str, Any]] = {
    "before": {"marker": "o", "markersize": 7, "markerfacecolor": OKABE_ITO["black"],
               "markeredgecolor": OKABE_ITO["black"]},
    "article": {"marker": "*", "markersize": 15, "markerfacecolor": OKABE_ITO["orange"],
                "markeredgecolor": OKABE_ITO["black"]},
    "same period": {"marker": "D", "markersize": 6, "markerfacecolor": "#999999",
                    "markeredgecolor": OKABE_ITO["black"]},
    "after": {"marker": "o", "markersize": 7, "markerfacecolor": "#FFFFFF",
              "markeredgecolor": OKABE_ITO["blue"], "markeredgewidth": 1.6},
}
_KIND_LEGEND = {
    "before": "before the article",
    "article": "the article is published",
    "same period": "same period as the article",
    "after": "after the article (what happened next)",
}


def timeline_figure(case: Case | str | Path, start: str | date | None = None,
                    end: str | date | None = None) -> Figure:
    """The case's timeline as a vertical list, earliest at the top, the article marked.

    Events are evenly spaced (not to scale) so labels never overlap; dates
    keep the precision they were given with and sort at their first day.
    """
    case = _as_case(case)
    events = timeline_events(case, start, end)
    n = len(events)
    fig = CaseFigure(figsize=(8.5, 1.6 + 0.46 * max(n, 1)), dpi=_DPI, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 0], [-0.5, max(n, 1) - 0.5], color="#888888", linewidth=1.5, zorder=0)
    for y, event in events.iterrows():
        kind = event["kind"]
        ax.plot([0], [y], linestyle="none", gid=f"event|{kind}", **_KIND_STYLE[kind])
        ax.text(0.04, y, plain(event["label"]), va="center", ha="left", fontsize=9,
                fontweight="bold" if kind == "article" else "normal")
    ax.set_yticks(range(n), list(events["date"]), fontsize=9)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    ax.set_xlim(-0.03, 1.0)
    ax.set_xticks([])
    for spine in ("top", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    ax.set_ylabel("Date (in order; spacing not to scale)")
    ax.set_xlabel("Event")
    ax.set_title(plain(f"Timeline around the article ({case.meta.get('publisher', '')}, "
                       f"{case.meta['published']})" if case.meta.get("publisher") else
                       f"Timeline around the article ({case.meta['published']})"))
    kinds = [k for k in _KIND_LEGEND if k in set(events["kind"])]
    fig.legend(handles=[Line2D([], [], linestyle="none", label=_KIND_LEGEND[k], **_KIND_STYLE[k])
                        for k in kinds],
               loc="outside lower center", ncols=min(len(kinds), 2) or 1, fontsize=9,
               frameon=False)
    if n == 0:
        ax.text(0.5, 0, "No events in this period.", ha="center", va="center")
    data = pd.DataFrame({"Date": events["date"], "Event": [" ".join(label.split()) for label in events["label"]],
                         "When": [_KIND_LEGEND[k] for k in events["kind"]]})
    return fig.describe(_timeline_alt(events), data, "The timeline's events, earliest first")


def _timeline_alt(events: pd.DataFrame) -> str:
    if events.empty:
        return "Timeline: no events in this period."
    kinds = events["kind"].value_counts()
    text = (f"Timeline of {len(events)} dated entries from {events['date'].iloc[0]} to "
            f"{events['date'].iloc[-1]}, in order and not to scale.")
    if "article" in kinds:
        text += (f" The article's publication is marked; {int(kinds.get('before', 0))} entries "
                 f"come before it, {int(kinds.get('after', 0))} after it")
        same = int(kinds.get("same period", 0))
        text += f" and {same} in the same period." if same else "."
    return text


# --- item analysis (the grader's figure) -------------------------------------------------------

def item_figure(stats: list[ItemStats]) -> bytes:
    """Share correct per question (bars) above its discrimination (bars), as PNG bytes."""
    shown = [s for s in stats if s.share_correct is not None]
    prefixes = {s.exercise_set.set_id.split("_")[0] for s in shown}
    short = len(prefixes) == len({s.exercise_set.set_id for s in shown})
    labels = [f"{s.exercise_set.set_id.split('_')[0] if short else s.exercise_set.set_id}:{s.question.qid}"
              for s in shown]
    palette = SET_COLOURS
    set_ids = list(dict.fromkeys(s.exercise_set.set_id for s in shown))
    colours = [palette[set_ids.index(s.exercise_set.set_id) % len(palette)] for s in shown]
    fig = Figure(figsize=(max(7.0, 0.32 * len(shown) + 1.5), 5.4), dpi=100)
    FigureCanvasAgg(fig)
    if not shown:
        fig.text(0.5, 0.5, "No auto-checked answers were graded in this run.", ha="center")
        return png_bytes(fig)
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
    bottom.set_xticks(xs, [plain(label) for label in labels], rotation=90, fontsize=7)
    if set_ids:
        top.legend(handles=[Patch(color=palette[i % len(palette)], label=plain(sid))
                            for i, sid in enumerate(set_ids)], fontsize=7, loc="lower center",
                   bbox_to_anchor=(0.5, 1.0), ncol=min(len(set_ids), 4), frameon=False)
    fig.tight_layout()
    return png_bytes(fig)
