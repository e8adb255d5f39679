"""Lesson 04 in JupyterLab, in a real browser: run all cells, then use the widgets, by mouse and by keyboard.

The server serves a copy of the lessons (see conftest.py), so running cells
never rewrites the committed notebooks.
"""

from __future__ import annotations

import re
import time

import pytest

from .conftest import ComparerOnPage, check_missile_defence, screenshot, squash

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


# What the kit renders in JupyterLab: the lesson's prose and every output.
LAB_KIT = [".jp-Notebook .jp-MarkdownOutput", ".jp-Notebook .jp-OutputArea-output"]
OPEN_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def test_comparer_in_jupyterlab(lab_server, page, missile_defence):
    """Run All, use the comparer with the mouse, then check the whole lesson with axe-core.

    One test for both, so the lesson runs once: lesson 04 has figures, tables
    and every kit widget, and axe sees them after use.
    """
    from .axe import check_page

    assert (lab_server.root / NOTEBOOK).is_file(), f"notebooks/{NOTEBOOK} does not exist in the repository"
    run_all_cells(page, lab_server, NOTEBOOK)
    comparer = ComparerOnPage(page)
    comparer.wait(timeout=30_000)
    comparer.root.scroll_into_view_if_needed()
    check_missile_defence(comparer, missile_defence)
    screenshot(page, "lab-04_comparing_claims-missile_defence")

    # Accessibility: zero WCAG 2.1 A/AA violations in what the kit renders.
    page.locator(".ck-figure img").first.wait_for(timeout=30_000)
    page.locator(".ck-keyboard-scope").first.wait_for(state="attached", timeout=30_000)
    page.evaluate(OPEN_DETAILS)  # the figures' data tables are checked too
    check_page(page, "lab-04", LAB_KIT)


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
        arg=_CODE_PROMPTS, timeout=30_000,
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


# --- keyboard -------------------------------------------------------------------

_CELLS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]
  .map(c => c.classList.contains('jp-CodeCell') ? 'code'
          : c.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw')"""
_IN_COMMAND_MODE = "() => !!document.querySelector('.jp-Notebook.jp-mod-commandMode')"
MAX_TABS = 12


def tab_to(page, widget, target) -> None:
    """Put the notebook in command mode on ``widget``'s cell, then press Tab until ``target`` has focus.

    Clicking the cell's input prompt selects the cell in command mode (no
    editor focused), as a keyboard user gets there with the arrow keys.
    """
    cell = widget.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]")
    cell.locator(".jp-InputPrompt").first.click()
    page.keyboard.press("Escape")
    assert page.evaluate(_IN_COMMAND_MODE), "the notebook is not in command mode before tabbing"
    press_until_focused(page, target)


def press_until_focused(page, target, key: str = "Tab") -> None:
    for _ in range(MAX_TABS):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press(key)
    if not target.evaluate("el => el === document.activeElement"):
        pytest.fail(f"{MAX_TABS} presses of {key} did not reach {target}")


def selected_label(select) -> str:
    return squash(select.evaluate("s => s.options[s.selectedIndex]?.text ?? ''"))


def test_widgets_by_keyboard_in_jupyterlab(lab_server, page):
    """Tab into each kit widget in command mode; its keys work and the notebook is unchanged."""
    from playwright.sync_api import expect

    from coursekit import load_case

    case = load_case("nato-russia-2013")
    labels = list(case.topics["label"])
    run_all_cells(page, lab_server, NOTEBOOK)
    cells_before = page.evaluate(_CELLS)

    # The comparer: ArrowDown moves to the next topic and the comparison follows.
    comparer = page.locator(".ck-comparer").first
    comparer.scroll_into_view_if_needed()
    topic = comparer.locator(".widget-dropdown select")
    tab_to(page, comparer, topic)
    before = selected_label(topic)
    page.keyboard.press("ArrowDown")
    after = labels[labels.index(before) + 1]
    expect(topic).to_have_value(after, timeout=5_000)  # ipywidgets' option values are the labels
    after_id = case.topics.loc[case.topics["label"] == after, "topic_id"].iloc[0]
    proposition = str(case.topics.loc[case.topics["topic_id"] == after_id, "proposition"].iloc[0])
    expect(comparer.locator(".ck-proposition")).to_contain_text(proposition.rstrip("."), timeout=15_000)
    # Typing a letter jumps to the first option starting with it (here: the first one with
    # another initial than the current topic's, so the jump shows).
    letter_label = next(label for label in labels if label[0].lower() != after[0].lower())
    page.keyboard.press(letter_label[0].lower())
    assert selected_label(topic) == letter_label
    expect(comparer.locator(".ck-compare")).to_contain_text(letter_label, timeout=15_000)
    assert page.evaluate(_CELLS) == cells_before, "keys in the comparer changed the notebook's cells"

    # The explorer's claim list: ArrowDown shows the next claim's detail.
    explorer = page.locator(".ck-explorer").first
    explorer.scroll_into_view_if_needed()
    claims = explorer.locator(".widget-select select")
    side = explorer.locator(".widget-dropdown select").first
    tab_to(page, explorer, side)
    press_until_focused(page, claims)
    first_claim = claims.evaluate("s => s.selectedIndex")
    page.keyboard.press("ArrowDown")
    expect(claims).to_have_js_property("selectedIndex", first_claim + 1, timeout=5_000)
    second = case.claims.iloc[first_claim + 1]
    expect(explorer.locator(".ck-claim")).to_contain_text(second["summary"], timeout=15_000)
    press_until_focused(page, side, "Shift+Tab")
    page.keyboard.press("r")  # "Russia"
    assert selected_label(side) == "Russia"
    russia = (case.claims["side"] == "Russia").sum()
    expect(explorer.locator(".ck-count")).to_have_text(f"{russia} of {len(case.claims)} claims",
                                                       timeout=15_000)
    assert page.evaluate(_CELLS) == cells_before, "keys in the explorer changed the notebook's cells"

    # A self-check: Space picks an option, arrows move between options, Enter presses Check.
    check = page.locator(".ck-selfcheck").first
    check.scroll_into_view_if_needed()
    radios = check.locator("input[type=radio]")
    tab_to(page, check, radios.first)
    page.keyboard.press("Space")
    expect(radios.first).to_be_checked()
    page.keyboard.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()
    # No waiting for the kernel to hear of the choice: ipywidgets may hold that update back
    # while messages are pending, and Check must still judge the option the page shows.
    expect(check.locator("[role=radiogroup]")).to_have_attribute("aria-label", "Answer")
    page.keyboard.press("Tab")  # the options are one group: one Tab leaves it
    assert check.locator("button").evaluate("el => el === document.activeElement"), \
        "one Tab from the options did not reach the Check button"
    page.keyboard.press("Enter")
    expect(check.locator(".ck-feedback")).to_contain_text(re.compile("Correct|Not quite"), timeout=15_000)
    page.wait_for_timeout(1000)  # a held-back choice update, if any, must not undo the verdict
    # Lesson 04's first question asks how the case's first paraphrase reaches the page; its
    # options are the four modes in order, so the second (the one now checked) is right.
    # A verdict on the kernel's stale choice (the first option) would read "Not quite".
    if (case.claims["mode"] == "paraphrase").any():
        expect(check.locator(".ck-feedback")).to_contain_text("Correct")
    else:
        expect(check.locator(".ck-feedback")).to_contain_text(re.compile("Correct|Not quite"))
    assert page.evaluate(_CELLS) == cells_before, "keys in the self-check changed the notebook's cells"
    screenshot(page, "lab-04-keyboard")
