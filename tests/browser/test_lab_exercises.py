"""A released exercise copy in JupyterLab, in a real browser: feedback shows as HTML blocks.

The copy is made by ``coursekit release`` (executed, leak-scanned), then
answered as a student would: one answer wrong, one partly right, one right,
and the last one written without quotes.  After Run All the three checks
show three HTML feedback blocks (status as a word and an icon), and the
unquoted answer shows the friendly sentence instead of a traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from coursekit.quiz import load_exercise_set
from coursekit.release import release

from .conftest import REPO_ROOT, screenshot
from .test_lab import (
    _CODE_PROMPTS,
    KERNEL_START_TIMEOUT,
    RUN_ALL_TIMEOUT,
    menu,
    wait_for_kernel_idle,
)

pytestmark = pytest.mark.browser

SOURCE = REPO_ROOT / "exercises" / "01_attribution.ipynb"

_SETTLED = """prompts => {
  const texts = [...document.querySelectorAll(prompts)].map(p => p.textContent.trim());
  return texts.some(t => /^\\[\\d+\\]:$/.test(t)) && !texts.some(t => t.startsWith("[*]"));
}"""


def answered_copy(folder: Path) -> tuple[str, dict[str, str]]:
    """Release set 01 into ``folder`` and fill in answers; return its name and what each check should show."""
    ex = load_exercise_set(SOURCE)
    [path] = release(SOURCE, folder)
    single = [q for q in ex.questions if q.kind == "single"]
    wrong_q, right_q = single[0], single[1]
    partly_q = next(q for q in ex.questions if q.kind == "multiple")
    last_q = ex.questions[-1]
    answers = {
        wrong_q.qid: repr(next(o for o in wrong_q.options if o != ex.solutions[wrong_q.qid])),
        right_q.qid: repr(ex.solutions[right_q.qid]),
        partly_q.qid: repr(list(ex.solutions[partly_q.qid])[:-1]),  # one right option left out
        last_q.qid: "reported_fact",  # no quotes
    }
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        for tag in cell.metadata.get("tags", []):
            qid = tag.removeprefix("answer:")
            if tag.startswith("answer:") and qid in answers:
                cell.source = re.sub(rf"^{qid} = None", f"{qid} = {answers[qid]}", cell.source, flags=re.M)
    nbformat.write(nb, path)
    return path.name, {"wrong": wrong_q.qid, "right": right_q.qid, "partly": partly_q.qid, "last": last_q.qid}


def test_feedback_blocks_and_the_unquoted_answer_in_jupyterlab(lab_server, page):
    name, qids = answered_copy(lab_server.root / "release")
    notebook = f"release/{name}"
    page.goto(lab_server.lab_url(notebook))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=KERNEL_START_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, notebook, KERNEL_START_TIMEOUT)
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        "p => [...document.querySelectorAll(p)].every(e => !/\\d/.test(e.textContent))",
        arg=_CODE_PROMPTS, timeout=30_000,
    )
    menu(page, "Run", "Run All Cells")
    # The unquoted answer (the last question) raises, which ends Run All there.
    page.wait_for_function(_SETTLED, arg=_CODE_PROMPTS, timeout=RUN_ALL_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, notebook, RUN_ALL_TIMEOUT)

    blocks = page.locator(".jp-RenderedHTMLCommon .coursekit-feedback")
    blocks.first.wait_for(timeout=30_000)
    texts = {cls: page.locator(f".jp-RenderedHTMLCommon .coursekit-feedback.coursekit-{cls}").all_inner_texts()
             for cls in ("correct", "incorrect", "unanswered")}
    assert len(texts["correct"]) == 1, texts
    assert len(texts["incorrect"]) == 2, texts  # the wrong one and the partly right one
    assert all(t.startswith("✔ Correct.") for t in texts["correct"])
    assert all(t.startswith("✖ Not correct yet.") for t in texts["incorrect"])
    assert sum(" of the 6 options are chosen or left out as they should be" in t for t in texts["incorrect"]) == 1
    assert texts["unanswered"], "the questions left unanswered show their block too"
    # Shown as HTML (not a text output of it), the status a word beside an icon hidden from screen readers.
    block = page.locator(".jp-RenderedHTMLCommon .coursekit-feedback.coursekit-correct").first
    assert block.get_attribute("role") == "status"
    assert block.locator("strong").inner_text() == "Correct."
    assert block.locator("[aria-hidden='true']").inner_text() == "✔"
    assert block.evaluate("e => getComputedStyle(e).whiteSpace") == "normal"

    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    said = "\n".join(errors.all_inner_texts())
    assert f'Put text answers in quotes: {qids["last"]} = "reported_fact"' in said, said
    assert "Traceback" not in said and "NameError" not in said, said
    block.scroll_into_view_if_needed()
    screenshot(page, "lab-exercise-feedback")
