"""Handouts in a real browser: lesson 04's handout and the index pass axe-core (WCAG 2.1 A/AA)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .axe import axe_available, check_page
from .conftest import REPO_ROOT, screenshot

pytestmark = pytest.mark.browser

LESSON = "04_comparing_claims.ipynb"  # figures, tables and every kit widget (as snapshots)
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from coursekit.handouts import build_handouts

    axe_available()
    lessons = tmp_path_factory.mktemp("lessons")
    shutil.copy(REPO_ROOT / "notebooks" / LESSON, lessons / LESSON)
    out = tmp_path_factory.mktemp("handouts")
    build_handouts(lessons, out, timeout=120)
    return out


def test_handout_has_no_axe_violations(handouts, page):
    page.goto((handouts / "04_comparing_claims.html").as_uri())
    page.evaluate(OPEN_DETAILS)
    # The whole page is the kit's: nbconvert's template, filled with the lesson.
    check_page(page, "handout-04", ["body"])
    screenshot(page, "handout-04")


def test_handout_index_has_no_axe_violations(handouts, page):
    page.goto((handouts / "index.html").as_uri())
    check_page(page, "handout-index", ["body"])
