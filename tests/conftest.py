"""Shared fixtures: the repository's paths and a throw-away copy of a case to break."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

# Notebooks under fixtures/ are inputs of tests (e.g. a notebook as JupyterLite saved it, to be
# graded), not lessons: nbval must not collect and re-execute them.
collect_ignore_glob = ["fixtures/*", "fixtures/**/*"]

REPO_ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = REPO_ROOT / "data" / "cases"
REAL_CASE_ID = "nato-russia-2013"
REAL_CASE_DIR = CASES_DIR / REAL_CASE_ID


class CaseCopy:
    """A copy of a case folder in a temporary directory, with small editing helpers.

    Every helper fails loudly when the text it is asked to change is not
    there, so a test never passes because its edit silently did nothing.
    """

    def __init__(self, path: Path):
        self.path = path

    def file(self, name: str) -> Path:
        return self.path / name

    def text(self, name: str) -> str:
        return self.file(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        self.file(name).write_text(text, encoding="utf-8", newline="")

    def replace(self, name: str, old: str, new: str) -> int:
        """Replace the first ``old`` in a file; return the 1-based line it was on."""
        text = self.text(name)
        at = text.find(old)
        assert at >= 0, f"{old!r} not found in {name}"
        self.write(name, text[:at] + new + text[at + len(old) :])
        return text.count("\n", 0, at) + 1

    def rows(self, name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.text(name), newline="")))

    def set_cell(self, name: str, key: tuple[str, str], column: str, value: str) -> int:
        """Set one cell of a CSV file; ``key`` is (column, value) naming the row.

        Returns the 1-based line of the row. The file is rewritten by the csv
        module (rows stay one per line: the case files have no line breaks in cells).
        """
        rows = self.rows(name)
        fieldnames = list(rows[0]) if rows else []
        hits = [i for i, row in enumerate(rows) if row[key[0]] == key[1]]
        assert len(hits) == 1, f"{key} names {len(hits)} rows of {name}"
        rows[hits[0]][column] = value
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        self.write(name, out.getvalue())
        return hits[0] + 2


def copy_case(source: Path, destination: Path) -> CaseCopy:
    shutil.copytree(source, destination)
    return CaseCopy(destination)


@pytest.fixture
def case_copy(tmp_path: Path) -> CaseCopy:
    """A fresh copy of the real case (nato-russia-2013) to break one thing in."""
    return copy_case(REAL_CASE_DIR, tmp_path / REAL_CASE_ID)


@pytest.fixture
def real_case_dir() -> Path:
    """The real case folder in the source tree (never edit it in a test)."""
    return REAL_CASE_DIR


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT
