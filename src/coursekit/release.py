"""Generate student copies of the exercise notebooks.

``coursekit release exercises/ --out release/`` turns each instructor source
into a student copy:

* cells tagged ``instructor`` (question specs, instructor notes) are removed;
* each answer cell's literal (the solution) is replaced by ``None``;
* the setup cell (tagged ``setup``) is replaced by a :class:`~coursekit.quiz.SelfCheck`
  built from salted digests, so checks work offline without the key;
* the copy is executed, so every check shows "Not answered yet".

Nothing is written unless every source is valid and every copy executed
cleanly and passed the leak scan; each file is written atomically.
"""

from __future__ import annotations

import ast
import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from ._io import OutputError, claim_output, mark_output, write_atomic
from .cells import cell_source, cell_tags
from .quiz import (
    TAG_ANSWER,
    TAG_INSTRUCTOR,
    TAG_SETUP,
    ExerciseError,
    ExerciseSet,
    load_exercise_set,
)

__all__ = ["ReleaseError", "blank_answer", "check_solutions", "release", "solution_leaks",
           "student_notebook"]

SETUP_HEADER = """\
# Set-up for the checks below, written by `coursekit release`: run it, no need to read it.
# It holds salted hashes of the answers, not the answers themselves.
from coursekit.quiz import SelfCheck

quiz = SelfCheck.from_json("""


class ReleaseError(Exception):
    """A source that cannot be released, with every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def blank_answer(source: str, qid: str) -> str:
    """The answer cell with its literal replaced by ``None``, comments kept."""
    tree = ast.parse(source)
    node = tree.body[0]
    assert isinstance(node, ast.Assign) and len(tree.body) == 1
    value = node.value
    assert value.end_lineno is not None and value.end_col_offset is not None  # set by ast.parse
    lines = source.splitlines(keepends=True)
    # AST column offsets count UTF-8 bytes: slice on bytes.
    start = sum(len(line.encode()) for line in lines[: value.lineno - 1]) + value.col_offset
    end = sum(len(line.encode()) for line in lines[: value.end_lineno - 1]) + value.end_col_offset
    data = source.encode()
    return (data[:start] + b"None" + data[end:]).decode()


def _setup_source(ex: ExerciseSet) -> str:
    data = json.dumps(ex.self_check_data(), ensure_ascii=True, sort_keys=True)
    return SETUP_HEADER + repr(data) + ")\nquiz.install_answer_help()  # text answers need quotes: a hint, not a traceback\n"


RUN_FIRST = ("**Before you start:** run the cells from the top, in order (*Run ▸ Run All Cells* does it): "
             "the set-up cell below makes the checks work.")


def student_notebook(ex: ExerciseSet, nb: Any) -> Any:
    """The student copy of a source notebook, not yet executed."""
    nb = copy.deepcopy(nb)
    # Saved widget state may hold an instructor's coding (the key): never carried into a copy.
    nb.metadata.pop("widgets", None)
    cells = []
    found_setup = False
    for cell in nb.cells:
        tags = cell_tags(cell)
        if TAG_INSTRUCTOR in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if TAG_SETUP in tags:
            found_setup = True
            cell.source = _setup_source(ex)
            cell.metadata["jupyter"] = {"source_hidden": True}
        for tag in tags:
            if tag.startswith(TAG_ANSWER):
                cell.source = blank_answer(cell_source(cell), tag[len(TAG_ANSWER):])
        cells.append(cell)
    if not found_setup:
        raise ReleaseError([f"{ex.path}: no code cell tagged 'setup' (the one that creates `quiz`)"])
    note = nbformat.v4.new_markdown_cell(RUN_FIRST, id="run-first")
    cells.insert(1 if cells and cells[0].cell_type == "markdown" else 0, note)
    nb.cells = cells
    return nb


def _forms(value: Any) -> set[str]:
    """The ways a solution could be spelled in a file."""
    forms = {repr(value), json.dumps(value), json.dumps(value, ensure_ascii=False)}
    if isinstance(value, str):
        forms |= {value, json.dumps(value)[1:-1]}
    return forms


def solution_leaks(text: str, ex: ExerciseSet, *, span_targets: bool = True) -> list[str]:
    """Solutions, keys or explanations of ``ex`` found in a released file's text.

    Looked for: every answer assignment as the source spells it
    (``q2 = "<solution>"``); composite solutions (lists, dicts, free text) in
    any spelling; a span question's target claim id (unless ``span_targets``
    is false: the case data and the lessons name every claim id, and only in
    an exercise copy does an id give away which claim a question is about);
    explanations.  Not
    looked for, because students are meant to see them: a single choice's
    options, a span solution (it is article text, which the copy shows) and a
    bare number (it may be printed by the case's timeline).
    """
    leaks = []
    for q in ex.questions:
        value = ex.solutions.get(q.qid)
        if value is None:
            continue
        forms = {f"{q.qid} = {f}" for f in _forms(value)}
        if q.kind in ("multiple", "matching", "ordering", "text"):
            forms |= _forms(value)
        if q.kind == "span" and span_targets:
            forms.add(str(q.key))
        for form in sorted(forms):
            if form in text:
                leaks.append(f"{ex.set_id} {q.qid}: the solution or key {form!r} appears in the student copy")
        if q.explanation and q.explanation.strip() in text:
            leaks.append(f"{ex.set_id} {q.qid}: the explanation appears in plain text")
    return leaks


@dataclass
class Released:
    source: Path
    target: Path
    text: str


def check_solutions(ex: ExerciseSet) -> list[str]:
    """The solutions in a source must pass their own checks (free text: be written)."""
    problems = []
    for q in ex.questions:
        value = ex.solutions.get(q.qid)
        feedback = q.check(value)
        # free text is marked by hand; a coding question's key is the case data, its answer cell None
        wanted = {"text": "manual", "coding": "unanswered"}.get(q.kind, "correct")
        if feedback.status != wanted:
            problems.append(
                f"{ex.path}: {q.qid}: the solution {value!r} in the source gets '{feedback.status}' "
                f"against the key ({feedback.message}); did the case data change?")
    return problems


def _sources(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.glob("*.ipynb") if not p.name.startswith("."))


def release(source: str | Path, out: str | Path, timeout: int = 300) -> list[Path]:
    """Write a student copy of each source notebook into ``out``; return their paths.

    Raises :class:`ReleaseError` (nothing written) when a source is bad, a
    copy fails to execute, or a copy would leak a solution.
    """
    import nbformat

    from .cases import load_case
    from .leaks import leaks_in
    from .notebooks import execute_notebook, problems_in

    source, out = Path(source), Path(out)
    try:  # never into or over the sources, the repository, or a folder coursekit did not write
        claim_output(out, command="release", inputs=[source])
    except OutputError as exc:
        raise ReleaseError([str(exc)]) from None
    paths = _sources(source)
    if not paths:
        raise ReleaseError([f"{source}: no exercise notebooks (*.ipynb) found"])
    problems: list[str] = []
    sets: list[tuple[Path, ExerciseSet, Any]] = []
    for path in paths:
        try:
            ex = load_exercise_set(path)
        except ExerciseError as exc:
            problems.append(str(exc))
            continue
        problems += check_solutions(ex)
        sets.append((path, ex, nbformat.read(path, as_version=4)))
    if problems:
        raise ReleaseError(problems)

    released: list[Released] = []
    with tempfile.TemporaryDirectory(prefix="coursekit-release-") as tmp:
        for path, ex, nb in sets:
            try:
                student = student_notebook(ex, nb)
            except ReleaseError as exc:
                problems += exc.problems
                continue
            draft = Path(tmp) / path.name
            write_atomic(draft, nbformat.writes(student))
            try:
                executed = execute_notebook(draft, timeout=timeout, cwd=Path(tmp))
            except Exception as exc:  # report every notebook, then stop
                last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
                problems.append(f"{path}: the student copy failed to run: {last[:300]}")
                continue
            problems += problems_in(executed, f"{path.name} (student copy)")
            text = nbformat.writes(executed) + "\n"
            problems += solution_leaks(text, ex)
            problems += leaks_in(executed, f"{path.name} (student copy)", ex, load_case(ex.case_id))
            released.append(Released(path, out / path.name, text))
    if problems:
        raise ReleaseError(problems)
    for item in released:
        write_atomic(item.target, item.text)
    mark_output(out, "release")
    return [item.target for item in released]
