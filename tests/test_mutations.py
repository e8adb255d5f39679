"""Broken variants of the real case, derived programmatically: each must be rejected.

Every variant copies nato-russia-2013, damages one file in one way, and must
be rejected by ``read_case_folder``, ``load_case`` and ``coursekit validate``
(exit code 1, no traceback) with at least one message naming the damaged
file. None may raise anything but ``CaseError``.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from coursekit import CaseError, load_case
from coursekit.cli import main
from coursekit.validation import (
    CASE_FILES,
    CSV_COLUMNS,
    MAY_BE_EMPTY,
    MUST_HAVE_ROWS,
    read_case_folder,
)

REAL_CASE_DIR = Path(__file__).resolve().parent.parent / "data" / "cases" / "nato-russia-2013"
ARTICLE_LENGTH = len((REAL_CASE_DIR / "article.txt").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Mutation:
    name: str
    file: str  # the file damaged; some message must name it
    apply: Callable[[Path], None]

    def __str__(self) -> str:
        return self.name


# --- ways to damage a file ----------------------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = _rows(folder / name)
        i = rows[0].index(column)
        _write_rows(folder / name, [r[:i] + r[i + 1 :] for r in rows])
    return apply


def set_cell(name: str, row: int, column: str, value: str) -> Callable[[Path], None]:
    """Set a cell of data row ``row`` (0 = first row after the header)."""
    def apply(folder: Path) -> None:
        rows = _rows(folder / name)
        i = rows[0].index(column)
        assert rows[row + 1][i] != value, "the mutation would change nothing"
        rows[row + 1][i] = value
        _write_rows(folder / name, rows)
    return apply


def swap_cells(name: str, row: int, a: str, b: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = _rows(folder / name)
        i, j = rows[0].index(a), rows[0].index(b)
        rows[row + 1][i], rows[row + 1][j] = rows[row + 1][j], rows[row + 1][i]
        _write_rows(folder / name, rows)
    return apply


def duplicate_row(name: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        rows = _rows(folder / name)
        _write_rows(folder / name, rows + [rows[1]])
    return apply


def edit_bytes(name: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        before = path.read_bytes()
        after = change(before)
        assert after != before, "the mutation would change nothing"
        path.write_bytes(after)
    return apply


def replace_text(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(data: bytes) -> bytes:
        assert old.encode() in data, f"{old!r} not in {name}"
        return data.replace(old.encode(), new.encode(), 1)
    return edit_bytes(name, change)


def truncate_mid_row(data: bytes) -> bytes:
    """Cut the last row a few characters after its first comma."""
    body = data.rstrip(b"\n")
    last = body.rfind(b"\n") + 1
    return body[: body.index(b",", last) + 3]


def delete(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


# --- the variants ---------------------------------------------------------------


def build_mutations() -> list[Mutation]:
    found: list[Mutation] = []

    def add(name: str, file: str, apply: Callable[[Path], None]) -> None:
        found.append(Mutation(name, file, apply))

    for name, (required, _optional) in CSV_COLUMNS.items():
        for column in required:
            add(f"{name}-drop-column-{column}", name, drop_column(name, column))
            if column not in MAY_BE_EMPTY[name]:
                add(f"{name}-blank-{column}", name, set_cell(name, 0, column, ""))
        add(f"{name}-truncate-mid-row", name, edit_bytes(name, truncate_mid_row))
    for name in MUST_HAVE_ROWS:
        add(f"{name}-header-only", name, edit_bytes(name, lambda d: d[: d.index(b"\n") + 1]))
    for name in ("actors.csv", "topics.csv", "claims.csv", "glossary.csv"):
        add(f"{name}-duplicate-row", name, duplicate_row(name))

    for name in CASE_FILES:
        add(f"{name}-deleted", name, delete(name))
        add(f"{name}-append-0xff", name, edit_bytes(name, lambda d: d + b"\xff"))
        add(f"{name}-0xff-inside", name, edit_bytes(name, lambda d: d[:200] + b"\xff" + d[200:]))
        add(f"{name}-bom", name, edit_bytes(name, lambda d: b"\xef\xbb\xbf" + d))
        add(f"{name}-emptied", name, edit_bytes(name, lambda d: b""))
        if name != "case.toml":  # TOML allows CRLF; no offsets point into case.toml
            add(f"{name}-crlf", name, edit_bytes(name, lambda d: d.replace(b"\n", b"\r\n")))

    # claims.csv: offsets, references and choices, on the row of claim 11 (lavrov-no-change)
    row = 10
    for column in ("start", "end"):
        for label, value in [("not-a-number", "x12"), ("decimal", "12.0"), ("negative", "-1"),
                             ("past-end", str(ARTICLE_LENGTH + 5)), ("underscore", "1_127")]:
            add(f"claims.csv-{column}-{label}", "claims.csv", set_cell("claims.csv", row, column, value))
    add("claims.csv-swap-start-end", "claims.csv", swap_cells("claims.csv", row, "start", "end"))
    add("claims.csv-empty-span", "claims.csv", set_cell("claims.csv", row, "end", "1127"))
    add("claims.csv-shifted-span", "claims.csv", set_cell("claims.csv", row, "start", "1128"))
    add("claims.csv-quote-edited", "claims.csv",
        set_cell("claims.csv", row, "quote", "The US and NATO argue that nothing can change."))
    for column in ("actor_id", "topic_id", "target_id"):
        add(f"claims.csv-unknown-{column}", "claims.csv", set_cell("claims.csv", row, column, "nobody"))
    add("claims.csv-bad-mode", "claims.csv", set_cell("claims.csv", row, "mode", "quote"))
    add("claims.csv-bad-stance", "claims.csv", set_cell("claims.csv", row, "stance", "Oppose"))
    add("claims.csv-bad-id", "claims.csv", set_cell("claims.csv", row, "claim_id", "Lavrov No Change"))
    add("claims.csv-extra-field", "claims.csv", replace_text("claims.csv", "lavrov-no-change,", "lavrov-no-change,,"))
    add("claims.csv-extra-column", "claims.csv", replace_text("claims.csv", "relayed_via\n", "relayed_via,notes\n"))
    add("actors.csv-unknown-side", "actors.csv", set_cell("actors.csv", 0, "side", "EU"))
    add("actors.csv-bad-kind", "actors.csv", set_cell("actors.csv", 0, "kind", "human"))
    add("timeline.csv-bad-date", "timeline.csv", set_cell("timeline.csv", 0, "date", "28 May 2002"))
    add("timeline.csv-impossible-date", "timeline.csv", set_cell("timeline.csv", 0, "date", "2002-05-32"))
    add("glossary.csv-duplicate-term", "glossary.csv", set_cell("glossary.csv", 1, "term", "NATO-Russia Council (NRC)"))

    # article.txt: anything that moves the text under the spans
    add("article.txt-char-inserted", "article.txt", edit_bytes("article.txt", lambda d: b" " + d))
    add("article.txt-truncated", "article.txt", edit_bytes("article.txt", lambda d: d[: len(d) // 2]))
    add("article.txt-straight-quotes", "article.txt",
        edit_bytes("article.txt", lambda d: d.replace("’".encode(), b"'")))

    # case.toml
    add("case.toml-garbled", "case.toml", edit_bytes("case.toml", lambda d: d.replace(b'"', b"", 3)))
    add("case.toml-unclosed-table", "case.toml", replace_text("case.toml", "[[sides]]", "[[sides]"))
    for key in ("id", "title", "author", "publisher", "published", "url", "language", "summary"):
        add(f"case.toml-no-{key}", "case.toml",
            edit_bytes("case.toml", lambda d, key=key: b"\n".join(
                line for line in d.split(b"\n") if not line.startswith(key.encode() + b" ")
            )))
    add("case.toml-bad-colour", "case.toml", replace_text("case.toml", '"#0072B2"', '"blue"'))
    add("case.toml-bad-published", "case.toml", replace_text("case.toml", '"2013-02"', '"Feb 2013"'))
    add("case.toml-bad-id", "case.toml", replace_text("case.toml", 'id = "nato-russia-2013"', 'id = "NATO Russia"'))
    add("case.toml-side-renamed", "case.toml", replace_text("case.toml", 'name = "Analyst"', 'name = "Analysts"'))
    add("case.toml-no-sides", "case.toml",
        edit_bytes("case.toml", lambda d: d[: d.index(b"# Sides in display order")]))
    add("case.toml-sides-not-a-list", "case.toml",
        edit_bytes("case.toml", lambda d: b"sides = 3\n" + d[: d.index(b"# Sides in display order")]))
    return found


MUTATIONS = build_mutations()


def test_there_are_enough_distinct_mutations():
    assert len(MUTATIONS) >= 50
    assert len({m.name for m in MUTATIONS}) == len(MUTATIONS)
    assert {m.file for m in MUTATIONS} == set(CASE_FILES)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=str)
def test_every_mutation_is_rejected_in_process(mutation, tmp_path, capsys):
    folder = tmp_path / "case"
    shutil.copytree(REAL_CASE_DIR, folder)
    mutation.apply(folder)

    problems = read_case_folder(folder).problems
    assert problems, f"{mutation} was accepted"
    assert any(mutation.file in str(p) for p in problems), [str(p) for p in problems]

    with pytest.raises(CaseError) as caught:
        load_case(folder)
    assert caught.value.problems == problems

    code = main(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    assert mutation.file in err
    assert err.count("\n") == len(problems) + 1  # a heading, then one line per problem


# A few through a real process: the installed entry point, stdout/stderr and
# exit codes as a shell sees them.
SUBPROCESS_MUTATIONS = [
    "claims.csv-bad-stance", "case.toml-garbled", "article.txt-append-0xff", "actors.csv-deleted",
]


@pytest.mark.parametrize("name", SUBPROCESS_MUTATIONS)
def test_some_mutations_are_rejected_by_the_command(name, tmp_path):
    [mutation] = [m for m in MUTATIONS if m.name == name]
    folder = tmp_path / "case"
    shutil.copytree(REAL_CASE_DIR, folder)
    mutation.apply(folder)
    result = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "validate", str(folder)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert result.returncode == 1, result
    assert "Traceback" not in result.stdout + result.stderr
    assert mutation.file in result.stderr
    assert result.stdout == ""
