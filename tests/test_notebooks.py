"""coursekit.notebooks (the build) and the rules every committed notebook follows."""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from pathlib import Path

import nbformat
import pytest

from coursekit import notebooks as nbtools

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
ALL = LESSONS + EXERCISES


def _nb(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


# --- the build's pieces ----------------------------------------------------------------

def test_normalise_numbers_cells_and_strips_run_specific_metadata():
    nb = _nb(
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell("1", execution_count=7),
        nbformat.v4.new_code_cell("", execution_count=8),
        nbformat.v4.new_code_cell("2", execution_count=9),
    )
    nb.cells[1].metadata["execution"] = {"iopub.status.busy": "2026-01-01T00:00:00"}
    nb.cells[3].outputs = [nbformat.v4.new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {
            "model_id": "f06695f54f3f4b62b98e28ccc353eaa2", "version_major": 2, "version_minor": 0}})]
    nb.metadata["widgets"] = {"state": {}}
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    out = nbtools.normalise(nb)
    assert [c.get("execution_count") for c in out.cells if c.cell_type == "code"] == [1, None, 2]
    assert "execution" not in out.cells[1].metadata
    assert "widgets" not in out.metadata
    assert "version" not in out.metadata["language_info"]
    model_id = out.cells[3].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert model_id == "00020000" + "0" * 24


def test_problems_in_reports_unexecuted_errors_stderr_and_machine_paths():
    nb = _nb(
        nbformat.v4.new_code_cell("a"),
        nbformat.v4.new_code_cell("b", execution_count=2, outputs=[
            nbformat.v4.new_output("error", ename="NameError", evalue="b", traceback=[])]),
        nbformat.v4.new_code_cell("c", execution_count=3, outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="/tmp/xyz/file.csv\n")]),
        nbformat.v4.new_code_cell("d", execution_count=4, outputs=[
            nbformat.v4.new_output("stream", name="stderr", text="warning\n")]),
        nbformat.v4.new_code_cell("e", execution_count=5, outputs=[
            nbformat.v4.new_output("execute_result", data={"text/plain": "<object at 0x7ff0649af100>"})]),
    )
    problems = nbtools.problems_in(nb, "x.ipynb")
    assert problems == [
        "x.ipynb cell 1: not executed",
        "x.ipynb cell 2: raised NameError: b",
        "x.ipynb cell 3: output holds a machine-specific value '/tmp/'",
        "x.ipynb cell 4: wrote to stderr: 'warning\\n'",
        "x.ipynb cell 5: output holds a machine-specific value '0x7ff0649af100'",
    ]


def test_set_parameters_replaces_the_tagged_assignment():
    cell = nbformat.v4.new_code_cell('CASE = "nato-russia-2013"  # which case\nOTHER = 1')
    cell.metadata["tags"] = ["parameters"]
    nb = _nb(nbformat.v4.new_markdown_cell("x"), cell)
    nbtools.set_parameters(nb, {"CASE": "/some/case"})
    assert nb.cells[1].source == "OTHER = 1\nCASE = '/some/case'"
    with pytest.raises(ValueError, match="no cell tagged 'parameters'"):
        nbtools.set_parameters(_nb(nbformat.v4.new_code_cell("x = 1")), {"CASE": "y"})


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "a.ipynb"
    nbtools.write_atomic(target, "first")
    assert stat.S_IMODE(target.stat().st_mode) & 0o044 == 0o044  # readable by others, not 0600

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        nbtools.write_atomic(target, "second")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]  # no temporary file left


def test_build_reports_a_failing_notebook_and_leaves_it_unchanged(tmp_path, capsys):
    bad = tmp_path / "bad.ipynb"
    nbformat.write(_nb(nbformat.v4.new_code_cell("raise RuntimeError('boom')")), bad)
    before = bad.read_bytes()
    assert nbtools.build([tmp_path], timeout=60) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "boom" in out
    assert bad.read_bytes() == before


# --- every committed notebook ----------------------------------------------------------

@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_committed_notebook_is_executed_clean_and_normalised(path):
    """Saved by `make notebooks`: every cell executed, nothing machine-specific, already normal."""
    nb = nbformat.read(path, as_version=4)
    assert nbtools.problems_in(nb, path.name) == []
    again = nbtools.normalise(copy.deepcopy(nb))
    assert again == nb, f"{path.name} was not saved by `make notebooks`; run it"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lesson_opens_with_objectives_and_ends_with_key_points(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert re.search(r"objectives", markdown[0], re.I), "first cell should state the objectives"
    assert re.search(r"key points", "\n".join(markdown[-2:]), re.I), "should end with key points"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_first_code_cell_is_tagged_parameters_and_sets_case(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "parameters" in first.metadata.get("tags", [])
    assert re.search(r'^CASE = "nato-russia-2013"', first.source, re.M)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_links_between_notebooks_resolve(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)#\s]+\.ipynb)(?:#[^)]*)?\)", text)
    missing = [t for t in targets if not (path.parent / t).exists()]
    assert not missing, f"{path.name} links to missing notebooks: {missing}"


def test_no_interact_output_or_clear_output_in_notebooks():
    """nbval cannot reproduce interact, Output capture or clear_output (DESIGN.md)."""
    offenders = []
    for path in ALL:
        for i, cell in enumerate(json.loads(path.read_text())["cells"], 1):
            src = "".join(cell["source"])
            if cell["cell_type"] == "code" and re.search(r"\binteract\(|widgets\.Output\(|clear_output\(", src):
                offenders.append(f"{path.name} cell {i}")
    assert offenders == []
