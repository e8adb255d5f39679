"""axe-core in JupyterLab on a released exercise copy, run with its feedback shown.

(Lesson 04 is checked in test_lab.py.)  A module of its own, with its own
JupyterLab server, so pytest-xdist runs it beside test_lab.py.
"""

from __future__ import annotations

import pytest

from .axe import axe_available, check_page
from .conftest import REPO_ROOT, screenshot
from .test_lab import LAB_KIT, run_all_cells

pytestmark = pytest.mark.browser

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
