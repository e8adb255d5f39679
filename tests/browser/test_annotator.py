"""The annotator in JupyterLab, in a real browser: code one span with the mouse, one by keyboard only.

The notebook is saved and closed; the coding is then read from the file on
disk (no kernel), as ``coursekit grade`` reads it.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from playwright.sync_api import expect

from .annotator_page import AnnotatorOnPage
from .conftest import screenshot
from .test_lab import (
    _CODE_PROMPTS,
    _RUN_ALL_SETTLED,
    KERNEL_START_TIMEOUT,
    RUN_ALL_TIMEOUT,
    menu,
    wait_for_kernel_idle,
)

pytestmark = pytest.mark.browser

DEMO = "annotator_demo.ipynb"


def _demo_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Annotator demo"),
        nbformat.v4.new_code_cell('from coursekit.annotator import Annotator\n'
                                  'Annotator("nato-russia-2013", paragraphs=[6, 7], role="exercise", '
                                  'qid="q1", set_id="demo")'),
        nbformat.v4.new_code_cell("1 + 1"),
    ]
    nbformat.write(nb, path)


def test_code_by_mouse_and_keyboard_then_save(lab_server, page):
    _demo_notebook(lab_server.root / DEMO)
    page.goto(lab_server.lab_url(DEMO))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=KERNEL_START_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, DEMO, KERNEL_START_TIMEOUT)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_ALL_SETTLED, arg=_CODE_PROMPTS, timeout=RUN_ALL_TIMEOUT)
    ann = AnnotatorOnPage(page)
    ann.wait(30_000)

    # 1. mouse: drag across Lavrov's first sentence of ¶6 and code it
    ann.drag_select(1127, 1208)
    ann.choose_with_mouse(speaker="lavrov", mode="direct_quote", topic="missile_defence", stance="neutral")
    ann.add.click()
    expect(ann.items).to_have_count(1)

    # 2. keyboard only: Shift+Tab back to the passage, move to ¶7's last clause, Enter, fill, add
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    for _ in range(12):
        if "ck-ann-passage" in ann.focused_class():
            break
        page.keyboard.press("Shift+Tab")
    assert "ck-ann-passage" in ann.focused_class(), "Shift+Tab never reached the passage"
    page.keyboard.press("End")
    expect(ann.status).to_contain_text("and extends binding guarantees")
    page.keyboard.press("Enter")
    expect(ann.status).to_contain_text("Marked (keyboard)")
    assert "ck-ann-speaker" in ann.focused_class()
    for key in ["S"]:  # Sergey Lavrov
        page.keyboard.press(key)
    page.keyboard.press("Tab")
    page.keyboard.press("p")  # paraphrase
    page.keyboard.press("Tab")
    page.keyboard.type("Deeper")  # Deeper strategic arms cuts (type-ahead in the list)
    page.keyboard.press("Tab")
    page.keyboard.press("o")  # opposes
    page.keyboard.press("Tab")  # condition
    page.keyboard.type("unless the US extends binding guarantees")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(ann.items).to_have_count(2)
    # arrows and letters inside the widget never reached JupyterLab's command mode
    # ("Deeper" holds an R, the condition a D, an A and a B: in command mode they would turn the
    # cell to raw, delete it or insert cells; the earlier letters would have changed cell types)
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells_before
    assert page.locator(".jp-Notebook .jp-RawCell, .jp-Notebook .jp-MarkdownCell").count() == 1
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    screenshot(page, "lab-annotator-coded")

    menu(page, "File", "Save Notebook")
    expect(page.locator(".jp-mod-current.jp-mod-dirty")).to_have_count(0, timeout=10_000)
    menu(page, "File", "Close Tab")
    expect(page.locator(".jp-NotebookPanel")).to_have_count(0, timeout=10_000)
    saved = json.loads((lab_server.root / DEMO).read_text(encoding="utf-8"))
    from coursekit.coding_state import find_coding

    answer = find_coding(saved, "q1", None, "demo")
    assert answer.status == "ok", answer.message
    spans = [(c["start"], c["end"], c["speaker"], c["mode"], c["topic"], c["stance"]) for c in answer.value]
    assert spans == [(1127, 1208, "lavrov", "direct_quote", "missile_defence", "neutral"),
                     (1728, 1869, "lavrov", "paraphrase", "arms_cuts", "oppose")]


LESSON = "06_code_it_yourself.ipynb"


def test_lesson_in_voila_compares_with_the_key(voila_server_for, page):
    from coursekit import load_case

    case = load_case("nato-russia-2013")
    claim = case.claim("lavrov-cuts-space")
    server = voila_server_for(LESSON)
    page.goto(server.url, wait_until="commit", timeout=30_000)
    ann = AnnotatorOnPage(page)
    ann.wait(120_000)
    expect(page.locator("#loading")).to_be_hidden(timeout=120_000)
    ann.drag_select(int(claim.start), int(claim.end))
    ann.choose_with_mouse(speaker="chamberlain", mode="paraphrase", topic="arms_cuts", stance="oppose")
    ann.add.click()
    expect(ann.items).to_have_count(1)
    ann.root.locator(".ck-ann-compare").click()
    comparison = ann.root.locator(".ck-ann-comparison")
    expect(comparison).to_contain_text("You found 1 of 2 claim(s)", timeout=15_000)
    expect(comparison).to_contain_text("Found (F1 1.00)")
    expect(comparison).to_contain_text("Missed")
    expect(comparison).to_contain_text(claim.summary)
    row = comparison.locator("tr", has_text="speaker")
    expect(row).to_contain_text("Nigel Chamberlain")
    expect(row).to_contain_text("Sergey Lavrov")
    expect(row).to_contain_text("no")
    screenshot(page, "voila-06-comparison")


AUTHOR = "annotator_author.ipynb"


def test_author_adds_a_claim_with_the_mouse(lab_server, page):
    import shutil
    import subprocess
    import sys

    from coursekit import load_case

    folder = lab_server.root / "case-copy"
    shutil.copytree(load_case("nato-russia-2013").path, folder)
    before = (folder / "claims.csv").read_text(encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('from coursekit.annotator import Annotator\n'
                                          'Annotator("case-copy", paragraphs=[5], role="author")')]
    nbformat.write(nb, lab_server.root / AUTHOR)
    page.goto(lab_server.lab_url(AUTHOR))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=KERNEL_START_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, AUTHOR, KERNEL_START_TIMEOUT)
    menu(page, "Run", "Run All Cells")
    ann = AnnotatorOnPage(page)
    ann.wait(60_000)
    ann.drag_select(1078, 1123)  # "Mr Lavrov later told Russian journalists that"
    ann.choose_with_mouse(speaker="chamberlain", mode="reported_fact", topic="transparency", stance="neutral")
    ann.root.locator(".ck-ann-claim_id").fill("author-lavrov-told")
    ann.root.locator(".ck-ann-summary").fill("The author reports that Lavrov spoke to Russian journalists.")
    ann.add.click()
    expect(ann.status).to_contain_text("Added claim author-lavrov-told", timeout=15_000)
    screenshot(page, "lab-annotator-author")
    after = (folder / "claims.csv").read_text(encoding="utf-8")
    assert after.startswith(before) and after.count("\n") == before.count("\n") + 1
    claim = load_case(folder).claim("author-lavrov-told")
    article = (folder / "article.txt").read_text(encoding="utf-8")
    assert (int(claim.start), int(claim.end)) == (1078, 1123)
    assert claim.quote == article[1078:1123] == "Mr Lavrov later told Russian journalists that"
    done = subprocess.run([sys.executable, "-m", "coursekit.cli", "validate", str(folder)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
