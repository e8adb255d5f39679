"""coursekit.handouts: a lesson exported to one static HTML page, figures inside, no code."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from coursekit.handouts import build_handouts, static_widget_html

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSON = "04_comparing_claims.ipynb"  # figures, and a StanceComparer to snapshot


@pytest.fixture(scope="module")
def handout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    lessons = tmp_path_factory.mktemp("lessons")
    shutil.copy(REPO_ROOT / "notebooks" / LESSON, lessons / LESSON)
    out = tmp_path_factory.mktemp("handouts")
    return out, build_handouts(lessons, out, timeout=120)


def test_handout_embeds_its_figures(handout):
    out, _ = handout
    text = (out / "04_comparing_claims.html").read_text(encoding="utf-8")
    assert re.search(r'<img [^>]*src="data:image/png;base64,[A-Za-z0-9+/]', text), "no embedded PNG figure"
    assert not re.search(r'<img [^>]*src="(?!data:)', text), "an image points outside the handout"


def test_handout_fetches_nothing_from_the_network(handout):
    """Opens offline: no script, stylesheet or image from another host."""
    out, _ = handout
    text = (out / "04_comparing_claims.html").read_text(encoding="utf-8")
    remote = re.findall(r'<(?:script|link|img)\b[^>]*(?:src|href)="(?:https?:)?//[^"]*"', text)
    assert remote == []


def test_handout_says_it_is_a_printed_copy(handout):
    out, _ = handout
    text = (out / "04_comparing_claims.html").read_text(encoding="utf-8")
    assert "A printed copy of a lesson" in text
    assert text.index("A printed copy of a lesson") < text.index("<h1")


def test_handout_shows_no_code(handout):
    out, _ = handout
    text = (out / "04_comparing_claims.html").read_text(encoding="utf-8")
    for source in ("import coursekit", "StanceComparer(case", "load_case(CASE)"):
        assert source not in text, f"the handout shows code: {source!r}"
    assert not re.search(r'class="[^"]*jp-CodeCell[^"]*"[^>]*>\s*<div[^>]*jp-Cell-inputWrapper', text)


def test_widgets_become_static_html(handout):
    out, _ = handout
    text = (out / "04_comparing_claims.html").read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-view+json" not in text, "a widget output was left for JavaScript"
    assert "ck-static-widget" in text
    # The StanceComparer's snapshot: its dropdown's label and the comparison the kit rendered.
    assert "<strong>Topic:</strong>" in text
    assert 'class="ck-compare' in text


def test_index_lists_the_handouts(handout):
    out, written = handout
    assert [p.name for p in written] == ["04_comparing_claims.html", "index.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="04_comparing_claims.html">04 Comparing claims' in index


def test_static_widget_html_escapes_labels_and_skips_buttons():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_q", "IPY_MODEL_b"]}},
        "q": {"model_name": "RadioButtonsModel",
              "state": {"description": "Answer", "_options_labels": ["<b>a</b>", "b"], "index": None}},
        "b": {"model_name": "ButtonModel", "state": {"description": "Check"}},
    }
    assert static_widget_html("box", state) == (
        '<div class="ck-static-widget"><p><strong>Answer:</strong></p>'
        "<ul><li>&lt;b&gt;a&lt;/b&gt;</li><li>b</li></ul></div>"
    )
    assert static_widget_html("missing", state) == ""
