"""The annotator in JupyterLab, in a real browser: code one span with the mouse, one by keyboard only.

The notebook is saved and closed; the coding is then read from the file on
disk (no kernel), as ``coursekit grade`` reads it.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from .annotator_page import AnnotatorOnPage
from .axe import check_page
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

SET = "04_coding"
REPO = Path(__file__).resolve().parents[2]


def _claim(claim_id: str) -> dict[str, str]:
    with open(REPO / "data/cases/nato-russia-2013/claims.csv", encoding="utf-8", newline="") as fh:
        return next(r for r in csv.DictReader(fh) if r["claim_id"] == claim_id)


def test_released_copy_coded_by_mouse_and_keyboard_then_graded(lab_server, page, tmp_path):
    """The issue's flow: a released copy; one span by mouse (q1, ¶6), one by keyboard only (q2, ¶7);
    save, close; `coursekit grade` on the saved file, with no kernel, scores both as the spec says."""
    from coursekit.release import release

    [copy] = release(REPO / "exercises" / f"{SET}.ipynb", tmp_path / "release")
    shutil.copy(copy, lab_server.root / copy.name)
    page.goto(lab_server.lab_url(copy.name))
    page.locator(".jp-NotebookPanel .jp-Notebook").first.wait_for(timeout=KERNEL_START_TIMEOUT)
    wait_for_kernel_idle(page, lab_server, copy.name, KERNEL_START_TIMEOUT)
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(_RUN_ALL_SETTLED, arg=_CODE_PROMPTS, timeout=RUN_ALL_TIMEOUT)
    q1, q2 = AnnotatorOnPage(page, 0), AnnotatorOnPage(page, 1)
    q1.wait(30_000)
    expect(page.locator(".ck-annotator:visible")).to_have_count(3)

    # q1, mouse: drag across Lavrov's first sentence of ¶6, choose the attributes, add
    no_change = _claim("lavrov-no-change")
    q1.drag_select(int(no_change["start"]), int(no_change["end"]))
    q1.choose_with_mouse(speaker="lavrov", mode="direct_quote", topic="missile_defence", stance="neutral")
    q1.add.click()
    expect(q1.items).to_have_count(1)

    # q2, keyboard only (focus is put on the passage as Tab would: Tab through the notebook
    # would pass code editors, where Tab indents): End = last clause, Enter, then the fields.
    cells_before = page.locator(".jp-Notebook .jp-Cell").count()
    q2.passage.focus()
    page.keyboard.press("End")
    expect(q2.status).to_contain_text("and extends binding guarantees")
    page.keyboard.press("Enter")
    expect(q2.status).to_contain_text("Marked (keyboard)")
    assert "ck-ann-speaker" in q2.focused_class()
    page.keyboard.type("Sergey")  # type-ahead in each list
    page.keyboard.press("Tab")
    page.keyboard.type("para")
    page.keyboard.press("Tab")
    page.keyboard.type("Deeper")
    page.keyboard.press("Tab")
    page.keyboard.type("opp")
    page.keyboard.press("Tab")
    guarantees = _claim("lavrov-cuts-guarantees")
    page.keyboard.type(guarantees["condition"].replace("…", ""))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(q2.items).to_have_count(1)
    # Letters typed inside the widget (R, D, A, B, 0 …) never reached JupyterLab's command mode.
    assert page.locator(".jp-Notebook .jp-Cell").count() == cells_before
    expect(page.locator(".ck-annotator:visible")).to_have_count(3)
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    screenshot(page, "lab-04_coding-coded")
    # WCAG 2.1 A/AA inside the annotators, with spans coded and the form filled (axe-core)
    check_page(page, "lab-04_coding-annotators", [".ck-annotator"])

    # Focus stays in the widget (back on the passage), and Ctrl+S from there still saves:
    # only plain keys are kept from JupyterLab.
    assert "ck-ann-passage" in q2.focused_class()
    dirty = page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty")
    expect(dirty).to_have_count(1)
    page.keyboard.press("Control+s")
    expect(dirty).to_have_count(0, timeout=10_000)
    menu(page, "File", "Close Tab")
    expect(page.locator(".jp-NotebookPanel")).to_have_count(0, timeout=10_000)

    # Grade the saved file from disk, no kernel: the CLI, as an instructor runs it.
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(lab_server.root / copy.name, submissions / "alice.ipynb")
    done = subprocess.run([sys.executable, "-m", "coursekit.cli", "grade", str(submissions), "--exercises",
                           str(REPO / "exercises" / f"{SET}.ipynb"), "--out", str(tmp_path / "results")],
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr  # 1: partial (q3 left uncoded)
    with open(tmp_path / "results" / "gradebook.csv", encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    # q1: 4 points over ¶6's 4 claims; one found with its 4 attributes right: (1 + 4) / 5 of 1 point.
    assert float(row[f"{SET}:q1"]) == pytest.approx(1.0)
    # q2: 2 points over ¶7's 2 claims; the keyboard span ("and extends … capability.") finds the
    # second (18 words of 19: token F1 = 2*18/(18+19) = 0.97) with all 5 attributes right.
    assert float(row[f"{SET}:q2"]) == pytest.approx(1.0)
    assert row[f"{SET}:q3"] == "" and "q3: no saved coding" in row["problems"]


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
    check_page(page, "voila-06-comparison", [".ck-annotator"])


AUTHOR = "annotator_author.ipynb"


def test_author_adds_a_claim_with_the_mouse(lab_server, page):
    from coursekit import load_case

    folder = lab_server.root / "case-copy" / "nato-russia-2013"  # a case folder is named by its id
    shutil.copytree(load_case("nato-russia-2013").path, folder)
    before = (folder / "claims.csv").read_text(encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell('from coursekit.annotator import Annotator\n'
                                          'Annotator("case-copy/nato-russia-2013", paragraphs=[5], role="author")')]
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
