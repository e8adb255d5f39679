"""The JupyterLite site (``coursekit lite``) in a real browser, with no Jupyter server at all.

The site is built from this repository with a self-hosted Pyodide (the
fixture of ``lite_fixture.py``: Pyodide 0.27.7's core from npm, its package
builds checked file by file against the official pyodide-lock.json) and
served on 127.0.0.1 by a plain static file server (``python -m http.server``).
Chromium then runs everything itself: JupyterLab, the Python kernel, the widgets.

* lesson 04: run all cells, choose a topic in the StanceComparer, see the comparison change;
* a released exercise: answer a question right, see "Correct.", save, download the
  notebook (the file browser's Download) and grade the downloaded file with ``coursekit grade``.

Requests to anything but 127.0.0.1 are refused by the page, so the test also
proves the self-hosted site needs no internet.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import (
    ARTIFACTS,
    REPO_ROOT,
    ComparerOnPage,
    Server,
    _free_port,
    _wait_until_answers,
    check_missile_defence,
    screenshot,
)
from .lite_fixture import FixtureUnavailable, pyodide_distribution

pytestmark = pytest.mark.browser

LESSON = "notebooks/04_comparing_claims.ipynb"
EXERCISE = "exercises/01_attribution.ipynb"
KERNEL_READY_TIMEOUT = 120_000  # ms: Pyodide, pandas and matplotlib load before the first cell runs
RUN_ALL_TIMEOUT = 240_000  # ms
_CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell"


@pytest.fixture(scope="module")
def lite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built with the self-hosted Pyodide fixture (skipped, with the reason, if it cannot be had)."""
    from coursekit.lite import build_lite_site
    from coursekit.release import ReleaseError

    lite_env = REPO_ROOT / ".venv-lite"
    if not (lite_env / "bin" / "python").is_file():
        pytest.skip(f"{lite_env} is missing: the site is built with it; run `make lite-setup` (make test does)")
    try:
        pyodide = pyodide_distribution()
    except FixtureUnavailable as exc:
        pytest.skip(f"the self-hosted Pyodide fixture cannot be had: {exc}")
    site = tmp_path_factory.mktemp("lite") / "site"
    try:
        build_lite_site(REPO_ROOT, site, pyodide=pyodide, lite_env=lite_env)
    except ReleaseError as exc:
        pytest.fail("coursekit lite failed:\n" + "\n".join(exc.problems), pytrace=False)
    # Test profile only (as for JupyterLab in conftest.py): every cell attached to
    # the page, so the test sees every prompt and output.
    config_path = site / "jupyter-lite.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["jupyter-config-data"].setdefault("settingsOverrides", {})[
        "@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    config_path.write_text(json.dumps(config), encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def static_server(lite_site: Path, tmp_path_factory: pytest.TempPathFactory):
    """A plain static file server for the site on 127.0.0.1."""
    port = _free_port()
    log = tmp_path_factory.mktemp("lite-server") / "http.log"
    server = Server("static file server",
                    [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
                     str(lite_site), str(port)],
                    cwd=lite_site, env={"PATH": "/usr/bin:/bin"}, log=log)
    server.url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_answers(server, server.url + "jupyter-lite.json", time.monotonic() + 30)
        yield server
    finally:
        server.stop()


@pytest.fixture
def offline_page(page, static_server):
    """The page, with every request that does not go to the site's server refused (and recorded)."""
    refused: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(static_server.url) or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    page.context.route("**/*", route)
    page.refused = refused
    return page


def _kernel_idle(page, timeout_ms: float) -> None:
    """The notebook's kernel has started (Pyodide loaded) and is idle."""
    page.get_by_text(re.compile(r"Python \(Pyodide\) \| Idle")).first.wait_for(timeout=timeout_ms)


def _open(page, server, path: str) -> None:
    page.goto(f"{server.url}lab/index.html?path={path}")
    page.locator(_CELLS).first.wait_for(timeout=60_000)
    _kernel_idle(page, KERNEL_READY_TIMEOUT)


def _menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar").get_by_role("menuitem", name=top, exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile("^" + re.escape(item))).first.click()


# Cells run in order: done when the last code cell shows an execution count
# (input or output prompt), or when a cell has raised (the rest then never run).
_ALL_RUN = """sel => {
  const cells = [...document.querySelectorAll(sel)];
  if (!cells.length) return false;
  if (document.querySelector(sel + " .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
      && [...document.querySelectorAll(sel + " .jp-OutputArea-output")].some(o => /Traceback|Error/.test(o.textContent))) return true;
  const last = cells[cells.length - 1];
  return [...last.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')].some(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def _run_all(page) -> None:
    """Clear the committed outputs, run every cell and wait until each has run (or one raised)."""
    _menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(c => !c.querySelector('.jp-OutputArea-output'))",
        arg=_CELLS, timeout=10_000)
    _menu(page, "Run", "Run All Cells")
    page.wait_for_function(_ALL_RUN, arg=_CELLS, timeout=RUN_ALL_TIMEOUT, polling=500)
    _kernel_idle(page, RUN_ALL_TIMEOUT)
    errors = page.locator(f"{_CELLS} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    tracebacks = [t for t in errors.all_text_contents() if "Traceback" in t or "Error" in t]
    assert not tracebacks, "a cell raised in the browser kernel:\n" + "\n".join(tracebacks)[-3000:]


def test_lesson_04_runs_in_the_browser_and_the_comparer_answers(offline_page, static_server, missile_defence):
    page = offline_page
    _open(page, static_server, LESSON)
    _run_all(page)
    comparer = ComparerOnPage(page)
    comparer.wait(timeout=30_000)
    comparer.root.scroll_into_view_if_needed()
    check_missile_defence(comparer, missile_defence)
    screenshot(page, "lite-04_comparing_claims-missile_defence")
    assert page.refused == [], f"the self-hosted site asked for outside addresses: {page.refused[:5]}"


def test_an_exercise_answered_in_the_browser_is_checked_downloaded_and_graded(
        offline_page, static_server, tmp_path):
    from playwright.sync_api import expect

    from coursekit.quiz import load_exercise_set

    page = offline_page
    answer = load_exercise_set(REPO_ROOT / EXERCISE).solutions["q1"]
    _open(page, static_server, EXERCISE)
    _run_all(page)
    cells = page.locator(_CELLS)
    lines = cells.evaluate_all("cs => cs.map(c => [...c.querySelectorAll('.cm-line')].map(l => l.textContent))")
    at = [i for i, cell_lines in enumerate(lines) if "q1 = None" in cell_lines]
    assert len(at) == 1, "the released copy shows no single answer cell `q1 = None`"
    answer_cell, check_cell = cells.nth(at[0]), cells.nth(at[0] + 1)
    expect(check_cell).to_contain_text("Not answered yet")

    editor = answer_cell.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(f"q1 = {answer!r}")
    page.keyboard.press("Shift+Enter")  # runs the answer, moves to its check cell
    page.keyboard.press("Shift+Enter")  # runs the check
    expect(check_cell).to_contain_text("Correct.", timeout=30_000)
    screenshot(page, "lite-01_attribution-q1-correct")

    page.keyboard.press("Control+s")
    page.wait_for_timeout(1000)
    # JupyterLite's File menu has no Download: students right-click the notebook
    # in the file browser and choose Download (docs/handing-in.md says so).
    item = page.locator(".jp-DirListing-item", has_text="01_attribution.ipynb").first
    item.click(button="right")
    with page.expect_download(timeout=30_000) as info:
        page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile("^Download")).first.click()
    submissions = tmp_path / "submissions" / "student-lite"
    submissions.mkdir(parents=True)
    downloaded = submissions / "01_attribution.ipynb"
    info.value.save_as(downloaded)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy2(downloaded, ARTIFACTS / "lite-saved-01_attribution.ipynb")  # as JupyterLite saved it
    saved = json.loads(downloaded.read_text(encoding="utf-8"))
    assert saved["metadata"]["kernelspec"]["name"] == "python", "not the browser kernel's notebook"

    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "grade", str(tmp_path / "submissions"),
         "--exercises", str(REPO_ROOT / "exercises"), "--out", str(out)],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    with open(out / "responses.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("student") == "student-lite"]
    q1 = [r for r in rows if r.get("question") == "q1"]
    assert q1, f"no response for q1 in responses.csv: {rows[:3]}"
    assert q1[0]["status"] == "correct", q1[0]
