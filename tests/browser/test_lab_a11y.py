"""axe-core in JupyterLab: lesson 04 after Run All, and a released exercise copy with its feedback.

A module of its own (its own JupyterLab server), so pytest-xdist runs it beside test_lab.py.
"""

from __future__ import annotations

import pytest

from .axe import axe_available, check_page
from .conftest import REPO_ROOT, screenshot
from .test_lab import NOTEBOOK, run_all_cells

pytestmark = pytest.mark.browser

# What the kit renders in JupyterLab: the lesson's prose and every output.
LAB_KIT = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def test_lesson_has_no_axe_violations_in_jupyterlab(lab_server, page):
    """Lesson 04 (figures, tables, every kit widget) after Run All: WCAG 2.1 A/AA clean."""
    axe_available()
    run_all_cells(page, lab_server, NOTEBOOK)
    page.locator(".ck-figure img").first.wait_for(timeout=30_000)
    page.locator(".ck-keyboard-scope").first.wait_for(state="attached", timeout=30_000)
    page.evaluate(OPEN_DETAILS)  # the figures' data tables are checked too
    check_page(page, "lab-04", LAB_KIT)
    screenshot(page, "lab-04-axe")


def test_released_exercise_has_no_axe_violations_in_jupyterlab(lab_server, page, tmp_path):
    """A student copy as `coursekit release` makes it, run in JupyterLab: every check's feedback shown."""
    import shutil

    from coursekit.release import release

    axe_available()
    source = sorted((REPO_ROOT / "exercises").glob("*.ipynb"))[0]
    (tmp_path / "sources").mkdir()
    shutil.copy(source, tmp_path / "sources" / source.name)
    release(tmp_path / "sources", lab_server.root / "released")
    notebook = f"released/{source.name}"
    run_all_cells(page, lab_server, notebook)
    feedback = page.locator(".jp-OutputArea-output").filter(has_text="Not answered yet")
    assert feedback.count() > 0, "the released copy's checks showed no feedback"
    check_page(page, "lab-released-exercise", LAB_KIT)
    screenshot(page, "lab-released-exercise")
