"""Lesson 04 as a Voila app, in a real browser: no code on the page, a working StanceComparer.

Voila serves a copy of the notebook (see conftest.py).
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .conftest import ComparerOnPage, check_missile_defence, screenshot

pytestmark = pytest.mark.browser

NOTEBOOK = "04_comparing_claims.ipynb"

RENDER_TIMEOUT = 120_000  # ms: Voila runs the whole notebook before the widgets appear

# Voila's message in place of a cell that raised (with or without the traceback).
CELL_ERROR = "There was an error when executing cell"


def code_lines_making_the_comparer(notebook) -> list[str]:
    """The code lines of the cell that builds the StanceComparer (none of which the page may show)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    prose = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and "StanceComparer(" in source:
            lines = [line.strip() for line in source.splitlines()]
            # Lines short enough to be ordinary words, or quoted in the prose, prove nothing.
            return [line for line in lines if len(line) >= 15 and line not in prose]
    pytest.fail(f"no code cell of {notebook.name} builds a StanceComparer")


def test_comparer_in_voila(voila_server_for, page, missile_defence):
    server = voila_server_for(NOTEBOOK)
    # Voila streams the page while it executes the notebook: do not wait for "load".
    page.goto(server.url, wait_until="commit", timeout=30_000)
    comparer = ComparerOnPage(page)
    comparer.wait(timeout=RENDER_TIMEOUT)
    # Executing finished when the spinner is gone and the last cell's output is in.
    expect(page.locator("#loading")).to_be_hidden(timeout=RENDER_TIMEOUT)
    page.wait_for_load_state("load", timeout=RENDER_TIMEOUT)

    body = page.locator("body")
    expect(body).not_to_contain_text(CELL_ERROR)
    # A presentation shows outputs only.  Markdown cells keep a .jp-InputArea
    # (their rendered text); code cells must have none, nor any editor.
    assert page.locator(".jp-CodeCell").count() > 0, "no code cell outputs on the page"
    for code in (".jp-CodeCell .jp-InputArea", ".jp-InputArea-editor", ".cm-editor", ".CodeMirror"):
        assert page.locator(code).count() == 0, f"Voila shows code: {code} is on the page"
    shown = body.inner_text()
    for line in code_lines_making_the_comparer(server.notebook):
        assert line not in shown, f"Voila shows the code line {line!r}"

    comparer.root.scroll_into_view_if_needed()
    check_missile_defence(comparer, missile_defence)
    screenshot(page, "voila-04_comparing_claims-missile_defence")
