"""The marking view in JupyterLab, by keyboard alone: three marks typed, saved, counted by grade."""

from __future__ import annotations

import csv
import io
import json

import pytest

from coursekit.grading.marking import WrittenAnswer, WrittenQuestion, to_mark_json

from .conftest import screenshot
from .test_lab import run_all_cells

pytestmark = pytest.mark.browser

NOTEBOOK = "marking.ipynb"
QUESTION = WrittenQuestion(
    "03_context_and_analysis", "q10", "Weigh Lavrov's claim about the auditors.",
    "Names the report; separates what it found from Lavrov's words.", 3,
    [WrittenAnswer("alice", "The GAO doubted one interceptor."),
     WrittenAnswer("bob", "Lavrov is right."),
     WrittenAnswer("carol", "<b>Not bold</b>: the report was about planning.")])


def _marking_notebook() -> str:
    cell = {"cell_type": "code", "execution_count": None, "id": "mark", "metadata": {}, "outputs": [],
            "source": "from coursekit.grading import MarkingView\nMarkingView('results')"}
    return json.dumps({"cells": [cell], "metadata": {"kernelspec": {
        "display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5})


def test_marking_view_by_keyboard(lab_server, page):
    results = lab_server.root / "results"
    results.mkdir(exist_ok=True)
    (results / "to_mark.json").write_text(to_mark_json([QUESTION]), encoding="utf-8")
    (lab_server.root / NOTEBOOK).write_text(_marking_notebook(), encoding="utf-8")
    run_all_cells(page, lab_server, NOTEBOOK)
    first = page.get_by_label("Mark for alice")
    first.wait_for(timeout=30_000)
    # The answer is shown as text, never as HTML.
    assert page.get_by_text("<b>Not bold</b>: the report was about planning.").count() == 1
    first.focus()
    for mark, comment in (("3", "Names the report."), ("0", "No evidence."), ("1.5", "")):
        page.keyboard.type(mark)
        page.keyboard.press("Tab")
        page.keyboard.type(comment)
        page.keyboard.press("Tab")
    # Focus is now on the Save button: Enter presses it.
    focused = page.evaluate("() => document.activeElement.textContent")
    assert "Save marks" in focused
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Saved: 3 mark(s)").wait_for(timeout=10_000)
    screenshot(page, "lab-marking-view-saved")
    rows = list(csv.DictReader(io.StringIO((results / "marks.csv").read_text(encoding="utf-8"))))
    assert [(r["student"], r["mark"], r["comment"]) for r in rows] == [
        ("alice", "3", "Names the report."), ("bob", "0", "No evidence."), ("carol", "1.5", "")]
    # The notebook itself was not changed by the keys (no cell turned into Markdown, none added).
    cells = page.locator(".jp-NotebookPanel:visible .jp-Cell")
    assert cells.count() == 1 and page.locator(".jp-NotebookPanel:visible .jp-MarkdownCell").count() == 0
