"""Static pages in a real browser, checked with axe-core (WCAG 2.1 A/AA): handouts and grading feedback.

Lesson 04's handout and the handout index; a student's feedback page (answers
marked, with explanations) and the page of a student whose file could not be read.
"""

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


@pytest.fixture(scope="module")
def feedback_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A class of two graded: alice hands in the instructor's source (every answer set), bob a cut-off file."""
    from coursekit.grading import grade_class

    axe_available()
    root = tmp_path_factory.mktemp("class")
    source = sorted((REPO_ROOT / "exercises").glob("*.ipynb"))[0]
    (root / "submissions").mkdir()
    shutil.copy(source, root / "submissions" / "alice.ipynb")
    text = source.read_text(encoding="utf-8")
    (root / "submissions" / "bob.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")
    grade_class(root / "submissions", REPO_ROOT / "exercises", root / "out")
    return root / "out" / "feedback"


@pytest.mark.parametrize("student", ["alice", "bob"])
def test_feedback_page_has_no_axe_violations(feedback_pages, page, student):
    page.goto((feedback_pages / f"{student}.html").as_uri())
    check_page(page, f"feedback-{student}", ["body"])
    screenshot(page, f"feedback-{student}")
