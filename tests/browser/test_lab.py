"""Lesson 04 in JupyterLab, in a real browser: run all cells, then use the StanceComparer.

The server serves a copy of the lessons (see conftest.py), so running cells
never rewrites the committed notebooks.
"""

from __future__ import annotations

import re
import time

import pytest

from .conftest import ComparerOnPage, check_missile_defence, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "04_comparing_claims.ipynb"

KERNEL_START_TIMEOUT = 60_000  # ms
RUN_ALL_TIMEOUT = 120_000  # ms

_CODE_PROMPTS = ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt"

# Finished: some cell has run and none is queued or running.  Run All marks
# every code cell [*] at once, so this cannot be true half way through; a
# cell that raises clears the queue, which also ends the wait.
_RUN_ALL_SETTLED = """prompts => {
  const texts = [...document.querySelectorAll(prompts)].map(p => p.textContent.trim());
  return texts.some(t => /^\\[\\d+\\]:$/.test(t)) && !texts.some(t => t.startsWith("[*]"));
}"""


def wait_for_kernel_idle(page, lab_server, notebook: str, timeout_ms: float) -> None:
    """Wait until the server has an idle kernel for ``notebook`` and the page shows it idle.

    The page alone is not enough: its indicator reads "idle" for a moment
    before the session exists, and Run All then asks which kernel to start.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while lab_server.kernel_state(notebook) != "idle":
        if time.monotonic() > deadline:
            pytest.fail(f"no idle kernel for {notebook} within {timeout_ms / 1000:.0f} s "
                        f"(state: {lab_server.kernel_state(notebook)})\n{lab_server.log_tail()}")
        # A kernel chooser appears if the notebook names no kernel the server knows.
        chooser = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
        if chooser.count():
            chooser.locator(".jp-mod-accept").click()
        page.wait_for_timeout(100)
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
                 .some(e => e.dataset.status === 'idle')""",
        timeout=max(1000, (deadline - time.monotonic()) * 1000),
    )


def menu(page, top: str, item: str) -> None:
    """Click ``top`` in the main menu bar, then the entry whose label starts with ``item``."""
    page.locator(".lm-MenuBar").get_by_role("menuitem", name=top, exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile("^" + re.escape(item))).first.click()


def test_comparer_in_jupyterlab(lab_server, page, missile_defence):
    assert (lab_server.root / NOTEBOOK).is_file(), f"notebooks/{NOTEBOOK} does not exist in the repository"
    run_all_cells(page, lab_server, NOTEBOOK)
    comparer = ComparerOnPage(page)
    comparer.wait(timeout=30_000)
    comparer.root.scroll_into_view_if_needed()
    check_missile_defence(comparer, missile_defence)
    screenshot(page, "lab-04_comparing_claims-missile_defence")


def run_all_cells(page, lab_server, notebook: str) -> None:
    """Open a notebook, wait for its kernel, run every cell and wait until all have run."""
    page.goto(lab_server.lab_url(notebook))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=KERNEL_START_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, notebook, KERNEL_START_TIMEOUT)
    code_cells = page.locator(_CODE_PROMPTS).count()
    assert code_cells > 0, "the notebook shows no code cells"

    # The committed outputs carry execution counts already: clear them so that
    # a numbered prompt below can only come from this run.
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        "p => [...document.querySelectorAll(p)].every(e => !/\\d/.test(e.textContent))",
        arg=_CODE_PROMPTS, timeout=10_000,
    )
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_ALL_SETTLED, arg=_CODE_PROMPTS, timeout=RUN_ALL_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, notebook, RUN_ALL_TIMEOUT)

    prompts = [t.strip() for t in page.locator(_CODE_PROMPTS).all_text_contents()]
    not_run = [i + 1 for i, t in enumerate(prompts) if not re.fullmatch(r"\[\d+\]:", t)]
    if not_run:
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        detail = "\n".join(errors.all_text_contents())[-3000:]
        pytest.fail(f"Run All stopped (a cell raised?): code cells {not_run} of {len(prompts)} "
                    f"did not run.\n{detail}")
