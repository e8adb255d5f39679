"""The figures: titles, labels, one mark per data count, the case's colours, nothing left open."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from itertools import combinations

import matplotlib

matplotlib.use("Agg")  # tests only: the package never picks a backend

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from coursekit import load_case  # noqa: E402
from coursekit.plots import (  # noqa: E402
    CaseFigure,
    claim_counts,
    claims_heatmap,
    first_day,
    last_day,
    stance_by_side,
    stance_counts,
    timeline_events,
    timeline_figure,
)


@pytest.fixture(scope="module")
def case():
    return load_case("nato-russia-2013")


@pytest.fixture(autouse=True)
def nothing_left_in_pyplot():
    assert plt.get_fignums() == []
    yield
    assert plt.get_fignums() == [], "a plot function left a figure open in pyplot"


def texts_overlap(fig, texts) -> list[tuple[str, str]]:
    canvas = FigureCanvasAgg(fig)  # the figures come without a canvas that can draw
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text()]
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]


# --- claims_heatmap -------------------------------------------------------------------


def test_heatmap_cells_are_the_claim_counts(case):
    fig = claims_heatmap(case)
    assert isinstance(fig, CaseFigure)
    ax = fig.axes[0]
    assert ax.get_title() == "Claims per actor and topic"
    assert ax.get_xlabel() == "Topic" and ax.get_ylabel() == "Actor (side)"
    counts = claim_counts(case)
    assert (ax.images[0].get_array() == counts.to_numpy()).all()
    assert [t.get_text() for t in ax.get_xticklabels()] == list(case.topics["label"])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Anders Fogh Rasmussen (NATO)", "Sergey Lavrov (Russia)", "NATO-Russia Council",
        "Nigel Chamberlain (Analyst)"]
    annotated = [t for t in ax.texts if t.get_gid() == "count"]
    assert len(annotated) == int((counts.to_numpy() > 0).sum())
    assert sum(int(t.get_text()) for t in annotated) == len(case.claims)
    assert fig.axes[1].get_ylabel() == "Number of claims"  # the colour bar


def test_heatmap_can_show_every_actor(case):
    fig = claims_heatmap(case, all_actors=True)
    assert len(fig.axes[0].get_yticklabels()) == len(case.actors)


# --- stance_by_side ---------------------------------------------------------------------


def bars(fig) -> dict[tuple[str, str, str], object]:
    found = {}
    for ax in fig.axes:
        for patch in ax.patches:
            if patch.get_gid():
                side, topic, stance = patch.get_gid().split("|")
                found[(side, topic, stance)] = patch
    return found


def test_stance_bars_match_the_counts_and_side_colours(case):
    fig = stance_by_side(case)
    assert fig.get_suptitle() == "Stance toward each topic's proposition, by side"
    assert [ax.get_title() for ax in fig.axes] == case.sides
    table = stance_counts(case)
    expected = {
        (row["side"], row["topic_id"], stance): row[stance]
        for row in table.to_dict("records") for stance in ("support", "oppose", "neutral") if row[stance]
    }
    drawn = bars(fig)
    assert set(drawn) == set(expected)
    assert sum(expected.values()) == len(case.claims)
    for key, patch in drawn.items():
        side, _, stance = key
        assert patch.get_width() == expected[key]
        colour = case.side_colours[side].lower()
        if stance == "neutral":
            assert to_hex(patch.get_edgecolor()) == colour
            assert abs(patch.get_x() + patch.get_width() / 2) < 1e-9  # centred
        else:
            assert to_hex(patch.get_facecolor()) == colour
            assert (patch.get_x() >= 0) == (stance == "support")
    # Titles carry the side colours too.
    for ax, side in zip(fig.axes, case.sides, strict=True):
        assert to_hex(ax.title.get_bbox_patch().get_facecolor()) == case.side_colours[side].lower()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(case.topics["label"])
    assert fig.axes[0].get_ylabel() == "Topic"
    assert "opposes" in fig.axes[-1].get_xlabel() and "supports" in fig.axes[-1].get_xlabel()
    assert not texts_overlap(fig, fig.axes[0].get_yticklabels())


@pytest.mark.parametrize("n_sides", [1, 3, 5])
def test_one_stance_panel_per_side(case_copy, n_sides):
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
    names = [f"Side {i}" for i in range(1, n_sides + 1)]
    toml = case_copy.text("case.toml")
    head = toml[: toml.index("[[sides]]")]
    case_copy.write("case.toml", head + "".join(
        f"[[sides]]\nname = {json.dumps(n)}\ncolour = {json.dumps(c)}\n\n"
        for n, c in zip(names, palette, strict=False)))
    for i, actor_id in enumerate(case_copy.rows("actors.csv")):
        case_copy.set_cell("actors.csv", ("actor_id", actor_id["actor_id"]), "side", names[i % n_sides])
    many = load_case(case_copy.path)
    fig = stance_by_side(many)
    assert [ax.get_title() for ax in fig.axes] == names
    for (side, _, stance), patch in bars(fig).items():
        if stance != "neutral":
            assert to_hex(patch.get_facecolor()) == many.side_colours[side].lower()
    assert sum(p.get_width() for p in bars(fig).values()) == len(many.claims)
    silent = [side for side in names if many.claims_by_side(side).empty]
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() == "no-claims"]
    assert notes == [f"No claims from {side}" for side in silent]


# --- timeline_figure ------------------------------------------------------------------------


def test_reduced_precision_dates_sit_at_their_first_day():
    assert str(first_day("2011-01")) == "2011-01-01"
    assert str(first_day("2013")) == "2013-01-01"
    assert str(first_day("2013-02-18")) == "2013-02-18"
    assert str(last_day("2013-02")) == "2013-02-28"
    assert str(last_day("2012-12")) == "2012-12-31"
    assert str(last_day("2013")) == "2013-12-31"


def test_timeline_lists_every_event_and_marks_the_article(case):
    fig = timeline_figure(case)
    ax = fig.axes[0]
    assert ax.get_title() == "Timeline around the article (NATO Watch, 2013-02)"
    assert ax.get_ylabel().startswith("Date")
    dates = [t.get_text() for t in ax.get_yticklabels()]
    assert len(dates) == len(case.timeline) + 1
    assert dates[:10] == ["2002-05-28", "2004-03-09", "2009-09-17", "2010-04-08", "2010-11-20",
                          "2011-01-26", "2011-02-05", "2012-05-20", "2012-12-04", "2013-02"]
    assert sorted(dates, key=first_day) == dates
    markers = {line.get_gid(): 0 for line in ax.lines if line.get_gid()}
    for line in ax.lines:
        if line.get_gid():
            markers[line.get_gid()] += 1
    assert markers == {"event|before": 9, "event|article": 1, "event|same period": 3, "event|after": 7}
    article = [t for t in ax.texts if t.get_text().startswith("Article published")]
    assert len(article) == 1 and article[0].get_fontweight() == "bold"
    labels = list(ax.texts)
    assert all(len(line) <= 66 for t in labels for line in t.get_text().split("\n"))
    assert not texts_overlap(fig, labels)
    assert not texts_overlap(fig, ax.get_yticklabels())


def test_timeline_window(case):
    events = timeline_events(case, start="2013", end="2013")
    assert list(events["date"]) == ["2013-02", "2013-02-11", "2013-02-18", "2013-02-21",
                                    "2013-03-15", "2013-09-20", "2013-11-02"]
    assert list(events["kind"]) == ["article", "same period", "same period", "same period",
                                    "after", "after", "after"]
    fig = timeline_figure(case, start="2014-01-01")
    assert "2013-02" not in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert len(fig.axes[0].get_yticks()) == 4


def test_figures_render_as_png_without_pyplot(case):
    fig = timeline_figure(case, end="2005")
    png = fig.png()
    assert png.startswith(b"\x89PNG") and png == fig.png()
    assert fig.get_dpi() == 100


class _Figure(HTMLParser):
    """The <img> attributes, the table's caption and its rows, from a figure's HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str | None]] = []
        self.rows: list[list[str]] = []
        self.caption = ""
        self.summary = ""
        self._where: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))
            return
        self._where.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in {"td", "th"}:
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        if self._where and self._where[-1] == tag:
            self._where.pop()

    def handle_data(self, data):
        where = self._where[-1] if self._where else ""
        if where in {"td", "th"}:
            self.rows[-1][-1] += data
        elif where == "caption":
            self.caption += data
        elif where == "summary":
            self.summary += data


def parsed(fig) -> _Figure:
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}, "one picture only: the <img> in the HTML"
    parser = _Figure()
    parser.feed(bundle["text/html"])
    assert len(parser.images) == 1
    source = parser.images[0]["src"] or ""
    assert source.startswith("data:image/png;base64,")
    assert base64.b64decode(source.split(",", 1)[1]).startswith(b"\x89PNG")
    return parser


def test_heatmap_has_alt_text_and_its_numbers_as_a_table(case):
    fig = claims_heatmap(case)
    shown = parsed(fig)
    alt = shown.images[0]["alt"]
    counts = claim_counts(case)
    assert alt.startswith(f"Heatmap of claims per actor and topic: {len(case.claims)} claims by "
                          f"{len(counts.index)} actors on {len(case.topics)} topics.")
    actor, topic = max(((a, t) for a in counts.index for t in counts.columns),
                       key=lambda at: counts.loc[at])
    assert f"{case.actor_name(actor)} on {case.topic_label(topic)} ({counts.loc[actor, topic]})" in alt
    header, *body = shown.rows
    assert header == ["Actor (side)", *case.topics["label"]]
    assert [row[0] for row in body] == [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert [[int(v) for v in row[1:]] for row in body] == counts.to_numpy().tolist()
    assert shown.summary == "Show the numbers in this figure as a table"


def test_stance_figure_alt_text_counts_each_sides_claims(case):
    shown = parsed(stance_by_side(case))
    alt = shown.images[0]["alt"]
    for side in case.sides:
        mine = case.claims[case.claims["side"] == side]["stance"]
        assert (f"{side}: {(mine == 'support').sum()} supporting, {(mine == 'oppose').sum()} opposing, "
                f"{(mine == 'neutral').sum()} neutral") in alt
    header, *body = shown.rows
    assert header == ["Side", "Topic", "Supports", "Opposes", "Neutral"]
    assert len(body) == len(case.sides) * len(case.topics)
    assert sum(int(row[2]) + int(row[3]) + int(row[4]) for row in body) == len(case.claims)


def test_timeline_alt_text_and_table_list_every_event(case):
    shown = parsed(timeline_figure(case))
    alt = shown.images[0]["alt"]
    assert alt.startswith(f"Timeline of {len(case.timeline) + 1} dated entries")
    header, *body = shown.rows
    assert header == ["Date", "Event", "When"]
    assert sorted(row[0] for row in body) == sorted([*case.timeline["date"], case.meta["published"]])
    assert parsed(timeline_figure(case, start="2030")).images[0]["alt"] == "Timeline: no events in this period."


def test_figure_html_escapes_case_text(case_copy):
    case_copy.set_cell("topics.csv", ("label", "Dialogue"), "label", "Dialogue <b>&")
    html = claims_heatmap(load_case(case_copy.path))._repr_mimebundle_()["text/html"]
    assert "<b>&" not in html and "Dialogue &lt;b&gt;&amp;" in html


def test_figure_repr_matches_the_notebook_sanitizer(case):
    assert repr(claims_heatmap(case)).startswith("<Figure size ")
