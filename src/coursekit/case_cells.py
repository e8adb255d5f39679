"""Fit a lesson to a case: case-tagged cells, commentary at anchors, the parameter cell.

A lesson's prose is either *generic* (true of any case; it may use computed
values) or *about one case*.  A cell about one case carries the tag
``case:<case_id>``; :func:`adapt` keeps it only when the lesson is rendered
for that case.  A case-specific cell may also carry ``anchor:<name>``: a
case can bring its own commentary for that place, in ``commentary.md`` in
the case folder, one section per anchor::

    # comparing-coverage

    In this speech only the minister speaks; the unions and the employers
    are named but never quoted.

A line ``# <anchor>`` starts a section (a level-1 heading is reserved for
that; use ``##`` and below inside a section).  Text before the first
section is a note to the case's author and is not rendered.  See
``docs/authoring-a-case.md``.

>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("Generic."),
...     nbformat.v4.new_markdown_cell("About NATO.", metadata={"tags": ["case:nato-russia-2013", "anchor:a"]}),
... ])
>>> [c.source for c in adapt(nb, "river", {"a": "About the river."}).cells]
['Generic.', 'About the river.']
>>> [c.source for c in adapt(nb, "river", {}).cells]
['Generic.']
>>> [c.source for c in adapt(nb, "nato-russia-2013", {}).cells]
['Generic.', 'About NATO.']
"""

from __future__ import annotations

import copy
import json
import os
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cells import cell_tags, parameter

__all__ = [
    "ANCHOR_TAG",
    "CASE_TAG",
    "COMMENTARY_FILE",
    "Commentary",
    "adapt",
    "anchors_in",
    "case_parameter",
    "cell_cases",
    "exercise_set_fits",
    "read_commentary",
    "set_case_parameter",
]

CASE_TAG = "case:"
ANCHOR_TAG = "anchor:"
COMMENTARY_FILE = "commentary.md"
_ANCHOR = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SECTION = re.compile(r"^#[ \t]+(\S.*?)[ \t]*#*[ \t]*$")


def _tags(cell: Any) -> list[str]:
    return cell_tags(cell)


def cell_cases(cell: Any) -> set[str]:
    """The case ids a cell is tagged for (empty: the cell is generic)."""
    return {t[len(CASE_TAG):] for t in _tags(cell) if t.startswith(CASE_TAG)}


def _anchor(cell: Any) -> str | None:
    return next((t[len(ANCHOR_TAG):] for t in _tags(cell) if t.startswith(ANCHOR_TAG)), None)


def anchors_in(nb: Any) -> list[str]:
    """The anchor names of a notebook, in order, each once."""
    return list(dict.fromkeys(a for a in map(_anchor, nb["cells"]) if a))


# --- commentary.md -------------------------------------------------------------------

@dataclass
class Commentary:
    """A case's commentary sections by anchor, with the problems found reading them."""

    sections: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    path: Path | None = None


def read_commentary(case_folder: Path, known_anchors: Iterable[str] | None = None) -> Commentary:
    """Read ``commentary.md`` of a case folder (a missing file is no commentary).

    Every problem is a sentence naming the file, the line and the fix: a
    level-1 heading that is not an anchor name, an anchor given twice, an
    empty section, and (when ``known_anchors`` is given) a section whose
    anchor no lesson has.
    """
    path = Path(case_folder) / COMMENTARY_FILE
    result = Commentary(path=path)
    if not path.is_file():
        return result
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        result.problems.append(f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                               "save it as UTF-8.")
        return result
    current: str | None = None
    body: dict[str, list[str]] = {}
    fence = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        match = None if fence else _SECTION.match(line)
        if match:
            name = match.group(1)
            if not _ANCHOR.match(name):
                result.problems.append(
                    f"{path}:{number}: the heading '# {name}' is not an anchor name; a level-1 heading "
                    "starts the section for one anchor (lower-case letters, digits, - and _, e.g. "
                    "'# comparing-coverage'); use '##' for a heading inside a section.")
                current = None
                continue
            if name in body:
                result.problems.append(
                    f"{path}:{number}: a second section for anchor '{name}' (the first is on line "
                    f"{result.lines[name]}); merge the two into one.")
                current = None
                continue
            current = name
            body[name] = []
            result.lines[name] = number
        elif current is not None:
            body[current].append(line)
    known = None if known_anchors is None else list(dict.fromkeys(known_anchors))
    for name, lines in body.items():
        content = "\n".join(lines).strip()
        if not content:
            result.problems.append(f"{path}:{result.lines[name]}: the section for anchor '{name}' is "
                                   "empty; write the commentary under the heading, or remove it.")
            continue
        if known is not None and name not in known:
            result.problems.append(
                f"{path}:{result.lines[name]}: no lesson has the anchor '{name}'; "
                f"rename the heading to one of: {', '.join(known) or '(none)'}.")
            continue
        result.sections[name] = content
    return result


# --- adapting a notebook -------------------------------------------------------------

def _commentary_cell(case_id: str, anchor: str, text: str) -> Any:
    import nbformat

    cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [f"{CASE_TAG}{case_id}",
                                                                 f"{ANCHOR_TAG}{anchor}"]})
    cell["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"commentary-{anchor}")[:64]
    return cell


def adapt(nb: Any, case_id: str, commentary: dict[str, str]) -> Any:
    """A copy of ``nb`` for one case.

    Cells tagged for other cases are left out; the case's commentary for an
    anchor goes where the last cell of that anchor stood (after the case's
    own cells there, if it has any).  Generic cells are kept as they are.
    """
    out = copy.deepcopy(nb)
    cells = list(out["cells"])
    last_of: dict[str, int] = {}
    for i, cell in enumerate(cells):
        anchor = _anchor(cell)
        if anchor:
            last_of[anchor] = i
    kept = []
    for i, cell in enumerate(cells):
        cases = cell_cases(cell)
        if not cases or case_id in cases:
            kept.append(cell)
        anchor = _anchor(cell)
        if anchor and last_of[anchor] == i and anchor in commentary:
            kept.append(_commentary_cell(case_id, anchor, commentary[anchor]))
    out["cells"] = kept
    return out


# --- the parameter cell ----------------------------------------------------------------

def case_parameter(given: str, folder: Path, out: Path) -> str:
    """What an instructor would write for ``CASE`` in a notebook saved in ``out``.

    A bundled case's id stays the id, and so does the folder of a bundled
    case (``data/cases/<id>``); any other folder becomes a path relative to
    ``out`` (with ``/``), so the rendered notebook runs where it is saved and
    shows no machine-specific path.

    >>> case_parameter("nato-russia-2013", Path("/x/cases_data/nato-russia-2013"), Path("/tmp/out"))
    'nato-russia-2013'
    >>> case_parameter("data/cases/my-case", Path("/repo/data/cases/my-case"), Path("/repo/rendered/my-case"))
    '../../data/cases/my-case'
    """
    if "/" not in given and "\\" not in given and not Path(given).is_dir():
        return given
    if _is_bundled(Path(folder)):
        return Path(folder).name  # a kit case given by its folder: its id is what works everywhere
    try:
        return Path(os.path.relpath(Path(folder).resolve(), Path(out).resolve())).as_posix()
    except ValueError:  # another drive on Windows: no relative path exists
        return Path(given).as_posix()


def _is_bundled(folder: Path) -> bool:
    from .cases import available_cases, bundled_case_path

    if folder.name not in available_cases():
        return False
    return bundled_case_path(folder.name).resolve() == folder.resolve()


def set_case_parameter(nb: Any, value: str) -> None:
    """Set ``CASE`` in the cell tagged ``parameters``, keeping the line's comment."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and "parameters" in _tags(cell):
            lines = cell["source"].split("\n")
            for k, line in enumerate(lines):
                m = re.match(r"^(\s*CASE\s*=\s*)(\S.*?)(\s+#.*)?$", line)
                if m:
                    lines[k] = f"{m.group(1)}{json.dumps(value, ensure_ascii=False)}{m.group(3) or ''}"
                    cell["source"] = "\n".join(lines)
                    return
            cell["source"] = "\n".join([*lines, f"CASE = {json.dumps(value, ensure_ascii=False)}"])
            return
    raise ValueError("the notebook has no cell tagged 'parameters'")


# --- exercise sets ---------------------------------------------------------------------

def _spec_cells(nb: Any) -> list[tuple[str, dict[str, Any] | None]]:
    found: list[tuple[str, dict[str, Any] | None]] = []
    for cell in nb["cells"]:
        for tag in _tags(cell):
            if tag.startswith("spec:"):
                try:
                    found.append((tag[5:], tomllib.loads(cell["source"])))
                except tomllib.TOMLDecodeError:
                    found.append((tag[5:], None))
    return found


def _own_case(nb: Any) -> str | None:
    own = parameter(nb["cells"], "CASE")
    return None if own is None else str(own)


def exercise_set_fits(path: Path, case: Any) -> str | None:
    """``None`` when an exercise set can be rendered for ``case`` (a loaded Case), else why not.

    A set fits its own case (the ``CASE`` of its parameter cell).  For any
    other case, every question's key must come from a ``key_from`` rule that
    the case's data answers, and the source's solutions must still be right
    under those keys; a fixed ``key`` or a written answer marked by a rubric
    was written for one article and does not follow another.
    """
    import nbformat

    from .quiz import ExerciseError, load_exercise_set

    nb = nbformat.read(path, as_version=4)
    own = _own_case(nb)
    if own == case.id:
        return None
    written_for = f"the {own} case" if own else "another case"
    try:
        ex = load_exercise_set(path, case=case)
    except ExerciseError as exc:
        first = exc.problems[0] if exc.problems else "it does not load"
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        return f"its key_from rules need data this case does not have: {first}{more}"
    for qid, spec in _spec_cells(nb):
        if spec is None:
            return f"the spec of {qid} is not valid TOML (coursekit release lists the problem)"
        if spec.get("kind") == "text":
            return f"{qid} is a written answer marked with a rubric written for {written_for}"
        if "key_from" not in spec:
            return f"{qid} has a fixed key written for {written_for}, not a key_from rule"
    for q in ex.questions:
        feedback = q.check(ex.solutions.get(q.qid))
        if feedback.status != "correct":
            return (f"the solution of {q.qid} in the source ({ex.solutions.get(q.qid)!r}) is not "
                    "the key this case gives")
    return None
