"""Tests for coursekit.leaks: each kind of leak, planted in each part of a copy, stops the release."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_output

from coursekit import load_case
from coursekit.leaks import SHINGLE, leaks_in, public_text, tokens
from coursekit.quiz import load_exercise_set
from coursekit.release import ReleaseError, release, student_notebook

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.fixture(scope="module")
def case():
    return load_case("nato-russia-2013")


@pytest.fixture(scope="module")
def copies():
    """(set, the student copy before execution) for every source."""
    out = []
    for path in SOURCES:
        ex = load_exercise_set(path)
        out.append((ex, student_notebook(ex, nbformat.read(path, as_version=4))))
    return out


def secret_sentence(text: str, public: str) -> str | None:
    """A sentence of an explanation or rubric with words a copy must not show (computed here, not by leaks)."""
    for sentence in re.split(r"[.!?;:(]", text):  # a clause, as the scan documents it
        words = tokens(sentence)
        for i in range(len(words) - SHINGLE + 1):
            if " " + " ".join(words[i:i + SHINGLE]) + " " not in public:
                return sentence
    return None


def key_form(q) -> str | None:
    """The key spelled as a careless author might write it, for the kinds the scan must catch."""
    if q.kind == "single" and len(q.key.split()) > 1:
        return f"Remember: {q.key}."
    if q.kind in ("multiple", "ordering", "matching"):
        return json.dumps(q.key)
    if q.kind == "numeric":
        return f"({q.qid}: {int(q.key)})"
    if q.kind == "span":
        return f"claim {q.key}"
    return None


def plant(nb, where: str, text: str):
    nb = copy.deepcopy(nb)
    code = next(c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", []))
    if where == "markdown cell":
        nb.cells.insert(5, new_markdown_cell(f"Note for the class: {text}"))
    elif where == "output":
        code.outputs = [new_output("stream", name="stdout", text=text + "\n")]
    elif where == "attachment":
        cell = new_markdown_cell("![note](attachment:note.txt)")
        cell.attachments = {"note.txt": {"text/plain": base64.b64encode(text.encode()).decode()}}
        nb.cells.insert(5, cell)
    elif where == "cell metadata":
        code.metadata["note"] = text
    elif where == "widget state":
        nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "state": {"m1": {"model_name": "HTMLModel", "state": {"value": text}}}}}
    return nb


PLACES = ["markdown cell", "output", "attachment", "cell metadata", "widget state"]
PLACE_WORDS = {"markdown cell": "(markdown", "output": ": output", "attachment": ": attachment note.txt",
               "cell metadata": ": metadata", "widget state": "widget state"}


def test_the_released_copies_as_built_hold_no_leak(copies, case):
    for ex, nb in copies:
        assert leaks_in(nb, ex.set_id, ex, case) == []


def test_each_leak_kind_planted_anywhere_is_caught(copies, case):
    planted = 0
    kinds_caught = set()
    for ex, nb in copies:
        public = public_text(ex, case)
        for n, q in enumerate(ex.questions):
            leaks = {"key": key_form(q),
                     "explanation": secret_sentence(q.explanation, public) if q.kind != "text" else None,
                     "rubric": secret_sentence(q.rubric, public) if q.kind == "text" else None}
            for k, (kind, text) in enumerate(leaks.items()):
                if text is None:
                    continue
                place = PLACES[(n + k) % len(PLACES)]
                found = leaks_in(plant(nb, place, text), ex.set_id, ex, case)
                mine = [f for f in found if f" {ex.set_id} {q.qid} " in f]
                assert mine, f"{ex.set_id} {q.qid}: {kind} planted in the {place} ({text!r}) was not caught"
                assert all(PLACE_WORDS[place] in f for f in mine), mine
                planted += 1
                kinds_caught.add((kind, q.kind))
    assert {k for k, _ in kinds_caught} == {"key", "explanation", "rubric"}
    assert {qk for k, qk in kinds_caught if k == "key"} >= {"single", "multiple", "ordering", "matching",
                                                            "numeric", "span"}
    assert planted > 40


def test_a_key_points_cell_that_is_not_instructor_only_is_caught(copies, case):
    ex, nb = copies[0]
    nb = copy.deepcopy(nb)
    nb.cells.append(new_markdown_cell("## Key points\n\n- Read the line before a block quotation."))
    [found] = leaks_in(nb, ex.set_id, ex, case)
    assert f"cell {len(nb.cells)} (markdown" in found and "tag it 'instructor'" in found


def test_release_refuses_a_source_whose_key_points_ship(tmp_path):
    src = tmp_path / "exercises"
    src.mkdir()
    nb = nbformat.read(SOURCES[0], as_version=4)
    [key_points] = [c for c in nb.cells if c.source.startswith("## Key points")]
    key_points.metadata["tags"] = []
    nbformat.write(nb, src / SOURCES[0].name)
    with pytest.raises(ReleaseError) as err:
        release(src, tmp_path / "out")
    assert f"(markdown, id {key_points.id}): a 'Key points' cell" in str(err.value)
    assert not (tmp_path / "out").exists()
