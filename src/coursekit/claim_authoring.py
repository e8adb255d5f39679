"""Add a claim to a case: one validated row appended to ``claims.csv``.

What the annotator's authoring mode calls when an instructor marks a span
and fills the fields; usable on its own too.  The offsets are the span's,
the quote is cut from the article with them (never typed), and the whole
case is validated *with the new row* before anything is written: a row the
loader would refuse is never written, and the file is replaced atomically.

>>> import shutil, tempfile, pathlib
>>> from coursekit import load_case
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "nato-russia-2013"
>>> _ = shutil.copytree(load_case("nato-russia-2013").path, folder)
>>> row = append_claim(folder, claim_id="lavrov-he-said", actor_id="lavrov", topic_id="arms_cuts",
...                    start=1612, end=1624, mode="paraphrase", stance="neutral",
...                    summary="The author introduces what Lavrov said.")
>>> row["quote"], int(load_case(folder).claim("lavrov-he-said").end)
('He said that', 1624)
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ._io import write_atomic
from .validation import CSV_COLUMNS, CaseError, Problem, read_case_folder

__all__ = ["append_claim", "claim_row_text", "suggest_claim_id"]

CLAIMS = "claims.csv"


def claim_row_text(row: dict[str, str], line_ending: str = "\n") -> str:
    """One claims.csv record in the contract's column order, quoted as csv does."""
    required, optional = CSV_COLUMNS[CLAIMS]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_ending).writerow([row.get(c, "") for c in (*required, *optional)])
    return buffer.getvalue()


def suggest_claim_id(existing: set[str], actor_id: str, quote: str) -> str:
    """``<actor>-<first words>``, made unique with a number.

    >>> suggest_claim_id({"lavrov-russia-will"}, "lavrov", "Russia will not accept")
    'lavrov-russia-will-2'
    """
    import re

    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", quote)][:2]
    base = "-".join([re.sub(r"[^a-z0-9_-]", "", actor_id.lower()) or "claim", *words])
    candidate, n = base, 1
    while candidate in existing:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _resolve(case: Any) -> Path:
    from .cases import Case

    if isinstance(case, Case):
        return case.path
    folder = Path(case)
    if not (folder / CLAIMS).is_file():
        raise CaseError(folder, [Problem(str(folder), None, None, (
            "is not a case folder holding claims.csv; give the folder of the case to edit "
            "(copy a bundled case first, e.g. with coursekit new-case or shutil.copytree)."))])
    return folder


def append_claim(case: Any, *, claim_id: str, actor_id: str, topic_id: str, start: int, end: int,
                 mode: str, stance: str, summary: str, condition: str = "", target_id: str = "",
                 relayed_via: str = "") -> dict[str, str]:
    """Append one claim to the case folder's claims.csv; return the row written.

    ``case`` is a case folder (or a loaded :class:`~coursekit.Case`).  Raises
    :class:`~coursekit.CaseError` listing every problem the case would have
    with the new row; then nothing is written.  Editing a bundled case inside
    an installed package is refused: copy the folder first.
    """
    folder = _resolve(case)
    claims_path = folder / CLAIMS
    article = (folder / "article.txt").read_text(encoding="utf-8")
    problems: list[Problem] = []
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(article)):
        raise CaseError(folder, [Problem(CLAIMS, None, "start", (
            f"the span {start!r}..{end!r} is not inside article.txt (0 <= start < end <= {len(article)}); "
            "mark the span again in the annotator."))])
    row = {"claim_id": claim_id.strip(), "actor_id": actor_id, "topic_id": topic_id, "start": str(start),
           "end": str(end), "quote": article[start:end], "mode": mode, "stance": stance,
           "summary": " ".join(summary.split()), "condition": " ".join(condition.split()),
           "target_id": target_id, "relayed_via": " ".join(relayed_via.split())}
    data = claims_path.read_bytes()
    text = data.decode("utf-8")
    ending = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += ending
    new_text = text + claim_row_text(row, ending)
    # Validate the whole case as it would be, in a scratch copy: the contract's own checks.
    with tempfile.TemporaryDirectory(prefix="coursekit-claim-") as tmp:
        scratch = Path(tmp) / folder.name
        shutil.copytree(folder, scratch, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        (scratch / CLAIMS).write_text(new_text, encoding="utf-8", newline="")
        problems = read_case_folder(scratch).problems
    if problems:
        raise CaseError(folder, problems)
    write_atomic(claims_path, new_text)
    return row
