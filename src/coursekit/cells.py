"""Notebook cells as plain JSON: tags, source, tagged cells, parameters, title.

One place for the small helpers the quiz, the release, the grader and the
handouts all need (as nbgrader keeps them in ``nbgrader/utils.py``).  They
work on notebooks read as plain JSON dicts (nbformat is slow to import) and
on nbformat's ``NotebookNode`` alike, and they never raise on odd input:
a tag that is not a string is ignored, a source that is not text reads as
``None`` (:func:`source_text`) or ``""`` (:func:`cell_source`).

>>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters", 3]}, "source": ["CASE = ", "'x'"]}
>>> cell_tags(cell), cell_source(cell), parameter([cell], "CASE")
(['parameters'], "CASE = 'x'", 'x')
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["cell_source", "cell_tags", "notebook_title", "parameter", "read_notebook",
           "source_text", "tagged"]


def cell_tags(cell: Any) -> list[str]:
    """The cell's tags that are strings, in order."""
    meta = cell.get("metadata") if isinstance(cell, Mapping) else None
    raw = meta.get("tags") if isinstance(meta, Mapping) else None
    return [t for t in raw if isinstance(t, str)] if isinstance(raw, list) else []


def source_text(value: Any) -> str | None:
    """A cell's source as text (a string or a list of strings), or None."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "".join(value)
    return None


def cell_source(cell: Mapping[str, Any]) -> str:
    """The cell's source as one string ("" when it is not text)."""
    return source_text(cell.get("source", "")) or ""


def tagged(cells: Sequence[Any], prefix: str) -> dict[str, list[int]]:
    """For each tag starting with ``prefix``: the rest of the tag -> indexes of the cells carrying it."""
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        for tag in cell_tags(cell):
            if tag.startswith(prefix):
                found.setdefault(tag[len(prefix):], []).append(i)
    return found


def parameter(cells: Sequence[Any], name: str) -> Any:
    """The literal a code cell tagged ``parameters`` assigns to ``name`` (papermill's convention), or None."""
    for cell in cells:
        if not isinstance(cell, Mapping) or cell.get("cell_type") != "code" or "parameters" not in cell_tags(cell):
            continue
        try:
            tree = ast.parse(cell_source(cell))
        except SyntaxError:
            return None
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name):
                try:
                    return ast.literal_eval(node.value)
                except ValueError:
                    return None
    return None


def notebook_title(cells: Sequence[Any], fallback: str = "") -> str:
    """The first markdown cell that opens with a level-1 heading gives the title."""
    for cell in cells:
        if isinstance(cell, Mapping) and cell.get("cell_type") == "markdown":
            text = cell_source(cell).strip()
            if text.startswith("# "):
                return re.sub(r"^#\s*", "", text.splitlines()[0]).strip()
    return fallback


def read_notebook(nb_or_path: Any) -> Any:
    """A notebook as a dict-like; a path is read as plain JSON (a notebook given is returned)."""
    if isinstance(nb_or_path, str | Path):
        with open(nb_or_path, encoding="utf-8") as fh:
            nb = json.load(fh)
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("not a notebook: no list of cells")
        return nb
    return nb_or_path
