"""Helpers for the render tests: run ``coursekit render``, read what it wrote, look for leaks.

The NATO-Russia terms a lesson rendered for another case must not contain
are derived from the NATO case's own files (actor names, topic labels,
years, and five-word phrases of every paragraph of its article), plus a few
names that would be the likeliest leaks; a term that the other case's own
files contain is allowed (it came from that case).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent
NATO_DIR = REPO_ROOT / "data" / "cases" / "nato-russia-2013"
LESSONS = ("04_comparing_claims.ipynb", "explore_a_case.ipynb")
WORD = re.compile(r"\w+(?:['’-]\w+)*")


def run_render(case: str | Path, out: Path, *args: str, cwd: Path | None = None) -> tuple[int, str]:
    """Run the real command in a subprocess; return its exit status and everything it printed."""
    proc = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "render", "--case", str(case), "--out", str(out),
         "--notebooks", str(REPO_ROOT / "notebooks"), "--exercises", str(REPO_ROOT / "exercises"),
         *args],
        cwd=cwd, capture_output=True, text=True, timeout=900,
    )
    return proc.returncode, proc.stdout + proc.stderr


def read_rendered(out: Path, names: tuple[str, ...] = LESSONS) -> dict[str, Any]:
    return {name: nbformat.read(out / name, as_version=4) for name in names}


def cell_text(cell: Any) -> str:
    """A cell's source and every text its outputs hold (images and widget ids left out)."""
    parts = [cell.source]
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        for mime, data in out.get("data", {}).items():
            if mime.startswith("image/") or mime.endswith("widget-view+json"):
                continue
            parts.append(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return "\n".join(parts)


def _words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text.replace("\u00a0", " ").replace("''", " "))]


def shingles(text: str, n: int = 5) -> set[str]:
    words = _words(text)
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def case_text(folder: Path) -> str:
    """Every text a case folder holds (its article, tables, metadata, commentary)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(Path(folder).iterdir())
                     if p.suffix in (".txt", ".csv", ".toml", ".md"))


def nato_terms() -> dict[str, set[str]]:
    """Words and phrases that belong to the NATO-Russia case, from its own files."""
    article = (NATO_DIR / "article.txt").read_text(encoding="utf-8")
    meta = tomllib.loads((NATO_DIR / "case.toml").read_text(encoding="utf-8"))
    years = {meta["published"][:4]} | {row["date"][:4] for row in _csv(NATO_DIR, "timeline.csv")}
    paragraphs = [p for p in re.split(r"\n[\s\u00a0]*\n", article) if p.strip()]
    return {
        "name": {row["name"] for row in _csv(NATO_DIR, "actors.csv")}
                | {"Lavrov", "Rasmussen", "Chamberlain", "Hagel", "NATO", "Brussels", "Afghanistan"},
        "topic": {row["label"] for row in _csv(NATO_DIR, "topics.csv")},
        "year": years,
        "phrase": set().union(*(shingles(p) for p in paragraphs[2:])),  # ¶1-2 are title and byline
    }


def leaks(nb: Any, allowed_text: str) -> list[str]:
    """Every NATO-Russia term found in any cell, as "cell N: kind 'term'"."""
    terms = nato_terms()
    allowed_phrases = shingles(allowed_text)
    found = []
    for i, cell in enumerate(nb.cells):
        text = cell_text(cell)
        for kind in ("name", "topic", "year"):
            for term in sorted(terms[kind]):
                if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text) and term not in allowed_text:
                    found.append(f"cell {i}: {kind} {term!r}")
        for phrase in sorted((terms["phrase"] & shingles(text)) - allowed_phrases):
            found.append(f"cell {i}: article phrase {phrase!r}")
    return found


def generic_headings(source_nb: Any) -> list[str]:
    """The section headings in a lesson's generic cells."""
    from coursekit.case_cells import cell_cases

    return [line for cell in source_nb.cells if cell.cell_type == "markdown" and not cell_cases(cell)
            for line in cell.source.splitlines() if line.startswith("#")]


def readability_problems(nb: Any, name: str, case_id: str, expected_case: str) -> list[str]:
    """What would make a rendered lesson unreadable or wrong for its case."""
    from coursekit.case_cells import cell_cases
    from coursekit.notebooks import problems_in

    problems = list(problems_in(nb, name))
    source = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    headings = [line for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("#")]
    missing = [h for h in generic_headings(source) if h not in headings]
    if missing:
        problems.append(f"{name}: sections missing: {missing}")
    param = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    if not re.match(rf'^CASE = {re.escape(json.dumps(expected_case, ensure_ascii=False))}(\s+#.*)?$',
                    param.source):
        problems.append(f"{name}: parameter cell is {param.source!r}; expected CASE = {expected_case!r}")
    for i, cell in enumerate(nb.cells):
        other = cell_cases(cell) - {case_id}
        if other:
            problems.append(f"{name} cell {i}: tagged for another case: {sorted(other)}")
        if cell.cell_type == "markdown" and not cell.source.strip():
            problems.append(f"{name} cell {i}: empty markdown cell")
        text = cell_text(cell) if cell.cell_type == "code" else ""
        outputs = text[len(cell.source):]
        if re.search(r"(?<![\w.])(nan|NaN|NaT)(?![\w.])", outputs):
            problems.append(f"{name} cell {i}: an output shows a missing value (nan)")
        for n in re.findall(r"<SelfCheck: (\d+) options", outputs):
            if int(n) < 2:
                problems.append(f"{name} cell {i}: a self-check question with {n} option(s)")
    return problems
