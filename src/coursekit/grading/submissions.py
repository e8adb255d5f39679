"""Finding the submissions in a folder, reading each notebook as JSON (never running it), recognising its set."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._text import file_name_text, visible
from ..cells import cell_tags, notebook_title, source_text
from ..coding_state import saved_annotators
from ..quiz import TAG_ANSWER, ExerciseSet
from .results import GradingError

__all__ = ["MAX_CELL_CHARS", "MAX_FILE_BYTES", "Submission", "find_submissions", "read_submission",
           "recognise"]

MAX_FILE_BYTES = 20 * 1024 * 1024  # a notebook larger than this is not read (20 MB)
MAX_CELL_CHARS = 1_000_000  # an answer cell's source longer than this is not parsed (~1 MB)
MAX_SHOWN_CHARS = 20_000  # answers longer than this are shortened in responses.csv and feedback

GRADED, PARTIAL, FAILED = "graded", "partial", "failed"
# Files that are part of how notebooks are saved or copied, not submissions: skipped silently.
_NOISE = {"__MACOSX", "__pycache__", "Thumbs.db", "desktop.ini"}
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SET_ID_IN_SETUP = re.compile(r"""["']set_id["']\s*:\s*["']([^"'\\]+)["']""")
_SET_ID_IN_SOURCE = re.compile(r"""load_exercise_set\(\s*["']([^"'\\]+?)(?:\.ipynb)?["']""")


# --- reading one notebook, never executing it ---------------------------------------

@dataclass
class Submission:
    """What was read from one notebook file: the parts grading needs, or why it failed."""

    path: Path
    problem: str = ""
    answer_cells: list[dict[str, Any]] = field(default_factory=list)
    cell_issues: dict[int, str] = field(default_factory=dict)  # answer cell index -> problem
    set_hints: list[str] = field(default_factory=list)  # set ids named inside the notebook
    title: str = ""
    # the annotators' saved widget states (coding questions), as plain JSON
    annotators: list[dict[str, Any]] = field(default_factory=list)


def json_problem(exc: json.JSONDecodeError, text: str) -> str:
    # "Unterminated string" means the file ended inside a string (a raw line break in a
    # string is a different error), so it was cut off, like an error at the very end.
    if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
        # Fact only: this text reaches the instructor's summary and the student's own page,
        # and each of those adds the advice for its reader.
        return ("not valid JSON: the file ends too early; it may have been cut off while "
                "saving or uploading")
    message = exc.msg.removesuffix(" at").removesuffix(" starting")
    return f"not valid JSON: line {exc.lineno} column {exc.colno} ({message})"


def _read_bytes(sub: Submission) -> bytes | None:
    """The file's bytes, or None with ``sub.problem`` saying why (empty, too large, unreadable)."""
    try:
        size = sub.path.stat().st_size
        if size == 0:
            sub.problem = "the file is empty (0 bytes)"
            return None
        if size > MAX_FILE_BYTES:
            sub.problem = (f"the file is {size / 1024 / 1024:.1f} MB; notebooks over "
                           f"{MAX_FILE_BYTES // 1024 // 1024} MB are not read")
            return None
        fd = os.open(sub.path, os.O_RDONLY | os.O_NOFOLLOW)  # a link swapped in is not followed
        with os.fdopen(fd, "rb") as fh:
            return fh.read()
    except OSError as exc:
        sub.problem = f"the file cannot be read: {exc.strerror or exc}"
        return None


def _parse_notebook(sub: Submission, data: bytes) -> list[Any] | None:
    """The notebook's cells, or None with ``sub.problem`` saying why it is not an nbformat 4 notebook."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        sub.problem = (f"not UTF-8 text: byte 0x{data[exc.start]:02x} at position {exc.start} "
                       "(a notebook is always saved as UTF-8; was it converted or corrupted?)")
        return None
    text = text.removeprefix("\ufeff")
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        sub.problem = json_problem(exc, text)
        return None
    except RecursionError:
        sub.problem = "not a notebook: the JSON is nested too deeply"
        return None
    except ValueError:  # e.g. a number of more than 4,300 digits (Python's limit for reading one)
        sub.problem = ("not readable: the JSON holds a number with more than 4,300 digits, more than "
                       "any notebook needs (ask the student to save and hand it in again)")
        return None
    if not isinstance(nb, dict):
        sub.problem = f"not a notebook: the file holds a JSON {type(nb).__name__}, not a notebook"
        return None
    version = nb.get("nbformat")
    if version is None:
        sub.problem = "not a notebook: the JSON has no 'nbformat' field"
        return None
    if version != 4:
        sub.problem = (f"nbformat {version!r} notebook; only nbformat 4 can be graded "
                       "(opening and saving it in a current Jupyter converts it)")
        return None
    cells = nb.get("cells")
    if not isinstance(cells, list):
        sub.problem = "not a notebook: it has no list of cells"
        return None
    meta = nb.get("metadata")
    hint = meta.get("coursekit") if isinstance(meta, dict) else None
    if isinstance(hint, dict) and isinstance(hint.get("set_id"), str):
        sub.set_hints.append(visible(hint["set_id"]))
    sub.annotators = saved_annotators(nb)
    return cells


def _keep_answer_cell(sub: Submission, tags: list[str], source: str | None) -> None:
    issue = ""
    if source is None:
        issue = "the answer cell's source is not text"
    elif (lone := _SURROGATE.search(source)) is not None:
        issue = ("the answer cell holds a character that is not valid Unicode (a lone surrogate, "
                 f"{visible(lone.group())}); retype the answer")
    elif len(source) > MAX_CELL_CHARS:
        issue = (f"the answer cell holds {len(source):,} characters; answers over "
                 f"{MAX_CELL_CHARS:,} are not read")
    if issue:
        sub.cell_issues[len(sub.answer_cells)] = issue
        source = ""
    sub.answer_cells.append({"cell_type": "code", "metadata": {"tags": tags}, "source": source})


def read_submission(path: Path) -> Submission:
    """Read a notebook file as JSON and keep its answer cells; report, never raise."""
    sub = Submission(path)
    data = _read_bytes(sub)
    cells = _parse_notebook(sub, data) if data is not None else None
    if cells is None:
        return sub
    for cell in cells:
        if not isinstance(cell, dict):
            continue
        tags = cell_tags(cell)
        if cell.get("cell_type") != "code" or not tags:
            continue
        if "setup" in tags:
            source = source_text(cell.get("source")) or ""
            found = _SET_ID_IN_SETUP.search(source) or _SET_ID_IN_SOURCE.search(source)
            if found:
                sub.set_hints.append(visible(found.group(1)))
        if any(t.startswith(TAG_ANSWER) for t in tags):
            _keep_answer_cell(sub, tags, source_text(cell.get("source")))
    sub.title = visible(notebook_title([c for c in cells if isinstance(c, dict)]))
    return sub


# --- finding the submissions ----------------------------------------------------------------

def is_noise(path: Path) -> bool:
    return path.name.startswith(".") or path.name in _NOISE


def _student_folder(folder: Path, name: str, skipped: list[str]) -> list[Path]:
    """The notebooks in one student's folder; links and other files go to ``skipped``."""
    found = []
    for sub in sorted(folder.iterdir()):
        if is_noise(sub):
            continue
        label = f"{name}/{file_name_text(sub.name)}"
        if sub.is_symlink():
            skipped.append(f"{label} (a link; links are not followed)")
        elif sub.is_file() and sub.suffix.lower() == ".ipynb":
            found.append(sub)
        else:
            skipped.append(label)
    return found


def find_submissions(root: Path, out: Path | None = None) -> tuple[dict[str, list[Path]], list[str], list[str]]:
    """(notebooks by student, skipped files, students whose folder holds no notebook)."""
    by_student: dict[str, list[Path]] = {}
    skipped: list[str] = []
    empty: list[str] = []
    if root.is_file():
        if root.suffix.lower() != ".ipynb":
            raise GradingError(f"{root}: not a notebook or a folder of notebooks")
        return {root.stem: [root]}, skipped, empty
    if not root.is_dir():
        raise GradingError(f"{root}: no such folder")
    resolved_out = out.resolve() if out is not None else None
    for entry in sorted(root.iterdir()):
        name = file_name_text(entry.name)
        if is_noise(entry):
            continue
        if entry.is_symlink():
            skipped.append(f"{name} (a link; links are not followed)")
        elif resolved_out is not None and entry.resolve() == resolved_out:
            continue
        elif entry.is_dir():
            found = _student_folder(entry, name, skipped)
            if found:
                by_student.setdefault(name, []).extend(found)
            else:
                empty.append(name)
        elif entry.is_file() and entry.suffix.lower() == ".ipynb":
            by_student.setdefault(file_name_text(entry.stem), []).append(entry)
        else:
            skipped.append(name)
    for name in empty:
        if name not in by_student:
            by_student[name] = []
    return by_student, skipped, empty


def recognise(sub: Submission, by_id: dict[str, ExerciseSet], forced: str | None) -> str | None:
    """The set a notebook belongs to, or None with sub.problem saying why."""
    if forced:
        return forced
    named = list(dict.fromkeys(sub.set_hints))
    if len(named) > 1:
        sub.problem = (f"the notebook names {len(named)} exercise sets ({', '.join(named)}): its metadata "
                       "and set-up cell disagree; grade it with --set, or ask the student to hand in "
                       "the released copy")
        return None
    for hint in named:
        if hint in by_id:
            return hint
    if sub.set_hints:
        sub.problem = (f"the notebook is exercise set {sub.set_hints[0]!r}, which is not among the "
                       f"exercise sources ({', '.join(by_id)})")
        return None
    for set_id, ex in by_id.items():
        if sub.title and sub.title == ex.title:
            return set_id
    if sub.path.stem in by_id:
        return sub.path.stem
    if len(by_id) == 1:
        return next(iter(by_id))
    sub.problem = ("cannot tell which exercise set this notebook is (its set-up cell and title "
                   "are not those of an exercise set); name the file after the set, e.g. "
                   f"{next(iter(by_id))}.ipynb, or use --set")
    return None
