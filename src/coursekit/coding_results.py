"""What ``coursekit grade`` adds for coding questions: class agreement, a class figure, a debrief.

For each ``coding`` question of the run, from the codings the students
handed in (a student with no saved coding is not counted as a coder):

* ``coding_agreement.csv`` — Krippendorff's alpha per attribute
  (:func:`coursekit.agreement.class_agreement`);
* ``coding/<set>-<qid>.png`` — who the class said was speaking, per claim
  of the key, with its text alternative in ``coding/<set>-<qid>.txt``;
* ``coding/debrief.ipynb`` — every figure with its alt text and alpha table,
  for the projector: ``coursekit present results/coding/debrief.ipynb``.

Nothing here runs student code: codings are the plain values the grader read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .agreement import (
    AgreementRow,
    agreement_rows,
    class_agreement,
    speaker_alt_text,
    speaker_figure,
    speaker_shares,
)
from .coding import CodedSpan, parse_coding

__all__ = ["AGREEMENT_COLUMNS", "class_codings", "coding_questions", "write_coding_results"]

AGREEMENT_COLUMNS = ["set", "question", "attribute", "alpha", "coders", "units", "note"]
SCORED = ("correct", "incorrect")


def coding_questions(report: Any) -> list[tuple[Any, Any]]:
    """(exercise set, question) for every coding question of the run, in order."""
    return [(ex, q) for ex in report.sets for q in ex.questions if q.kind == "coding"]


def class_codings(report: Any, set_id: str, question: Any) -> list[list[CodedSpan]]:
    """The codings students handed in for one question (students in name order).

    A coding none of whose spans could be read counts as no coding: that student is no coder.
    """
    codings = []
    for student in report.students:
        result = student.sets.get(set_id)
        for item in result.items if result else []:
            if item.question.qid == question.qid and item.status in SCORED:
                spans = parse_coding(item.value, question.coding.case).spans
                if spans:
                    codings.append(spans)
    return codings


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(AGREEMENT_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _debrief(entries: list[tuple[str, str, str, list[AgreementRow]]]) -> bytes:
    """A small notebook showing each figure with its alt text (run by Voila, not by the grader)."""
    cells: list[dict[str, Any]] = [{
        "cell_type": "markdown", "metadata": {}, "id": "debrief-title",
        "source": "# How the class coded the article\n\nFor each coding question: who the class said "
                  "was speaking, claim by claim, and how far students agree with each other "
                  "(Krippendorff's alpha: 1 = all alike, 0 = chance, below 0 = systematic disagreement).",
    }]
    for n, (name, title, _alt, _rows) in enumerate(entries):
        cells.append({"cell_type": "markdown", "metadata": {}, "id": f"debrief-{n}-title",
                      "source": f"## {title}"})
        cells.append({"cell_type": "code", "metadata": {}, "id": f"debrief-{n}", "execution_count": None,
                      "outputs": [], "source": f"from coursekit.agreement import show_class_figure\n"
                                               f"show_class_figure({name!r})"})
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)",
                                                      "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def write_coding_results(report: Any, out: Path, write: Callable[[Path, bytes], None]) -> list[str]:
    """Write the coding outputs (nothing when the run has no coding question); return their names."""
    questions = coding_questions(report)
    if not questions:
        return []
    from .plots import png_bytes  # matplotlib only when there is a figure to draw

    rows: list[list[str]] = []
    entries = []
    for ex, q in questions:
        codings = class_codings(report, ex.set_id, q)
        spec = q.coding
        agreement = class_agreement(spec.case, spec.passage(), codings, spec.attributes)
        rows += [[ex.set_id, q.qid, *row] for row in agreement_rows(agreement)]
        shares = speaker_shares(spec.case, spec.key(), codings, spec.threshold)
        where = ", ".join(f"¶{p}" for p in spec.paragraphs)
        title = f"{ex.set_id} {q.qid}: {where} ({len(codings)} codings)"
        name = f"{ex.set_id}-{q.qid}"
        alt = speaker_alt_text(shares)
        write(out / "coding" / f"{name}.png", png_bytes(speaker_figure(shares, title)))
        write(out / "coding" / f"{name}.txt", (alt + "\n").encode("utf-8"))
        write(out / "coding" / f"{name}.json", (json.dumps(
            [[r.attribute, r.alpha, r.coders, r.units, r.note] for r in agreement]) + "\n").encode("utf-8"))
        entries.append((name, title, alt, agreement))
    write(out / "coding_agreement.csv", _csv(rows))
    write(out / "coding" / "debrief.ipynb", _debrief(entries))
    return ["coding_agreement.csv", "coding/"]
