"""The one reader of case files: `validate`, `load_case` and `fill-offsets` all read through it.

So they agree on what a file holds: a byte-order mark (BOM) and Windows
line endings are reported the same way (as :class:`~coursekit.contract.Problem`),
bytes that are not UTF-8 are located on their line, and an offset is a
whole number in ASCII digits with no spaces around it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from .contract import CASE_FILES, CSV_COLUMNS, MAY_BE_EMPTY, MUST_HAVE_ROWS, Problem, RawCase

__all__ = ["BOM", "crlf_problem", "decode_case_file", "parse_offset", "quote_text", "read_article",
           "read_case_bytes", "read_case_text", "read_csv_table"]

BOM = b"\xef\xbb\xbf"


def crlf_problem(name: str, text: str) -> Problem | None:
    """The problem a CR in ``text`` makes, on the line of the first one (None without CR)."""
    if "\r" not in text:
        return None
    line = text[: text.index("\r")].count("\n") + 1
    if name == "article.txt":
        # Offsets count characters of the file as saved, so an editor or a
        # git checkout (core.autocrlf) that rewrites line endings moves every span.
        return Problem(
            name, line, None,
            "uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) line "
            "endings, as in the source: the offsets in claims.csv count characters of "
            "the LF text. Fix: convert the file back to LF line endings.",
        )
    return Problem(
        name, line, None,
        "uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) line "
        "endings. Fix: in your editor choose 'LF' line endings, or run "
        f"`python -c \"import pathlib as p; f=p.Path('{name}'); "
        "f.write_text(f.read_text().replace('\\r\\n', '\\n'))\"`.",
    )


def quote_text(text: str, limit: int = 80) -> str:
    """Quote a piece of text for a message, shortened in the middle if long."""
    if len(text) > limit:
        text = text[: limit // 2 - 2] + " … " + text[-(limit // 2 - 2) :]
    return '"' + text.replace("\n", "\\n") + '"'


def decode_case_file(name: str, data: bytes, problems: list[Problem]) -> str | None:
    """Decode UTF-8, reporting a BOM or bad bytes with the line they are on."""
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(
            name, 1, None,
            "starts with a byte-order mark (BOM); expected plain UTF-8 without BOM. "
            "Fix: save it as 'UTF-8' rather than 'UTF-8 with BOM' (in a spreadsheet, "
            "export as CSV UTF-8, then re-save from a text editor without BOM).",
        ))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[line_start : exc.start].decode("utf-8", "replace")
        bad = data[exc.start : exc.start + 1]
        problems.append(Problem(
            name, line, None,
            f"is not valid UTF-8: byte {bad!r} at character {len(before) + 1} of the line "
            f"(byte offset {exc.start}), after {quote_text(before[-30:])}; expected UTF-8 "
            "text. Fix: re-save the file with the encoding set to UTF-8.",
        ))
        return None
    if "\x00" in text:
        at = text.index("\x00")
        line_start = text.rfind("\n", 0, at) + 1
        problems.append(Problem(
            name, text.count("\n", 0, at) + 1, None,
            f"holds a NUL byte (\\x00) at character {at - line_start + 1} of the line; expected text "
            "without NUL bytes (a sign of a file saved as UTF-16 or a binary file). Fix: re-save it "
            "as UTF-8 text.",
        ))
    return text


def read_case_bytes(folder: Path, name: str, problems: list[Problem]) -> bytes | None:
    path = folder / name
    if not path.is_file():
        what = "is a folder" if path.exists() else "is missing"
        problems.append(Problem(
            name, None, None,
            f"{what}; every case folder needs {', '.join(CASE_FILES)}. "
            "Fix: add the file (coursekit new-case writes a template of each).",
        ))
        return None
    try:
        return path.read_bytes()
    except OSError as exc:  # permissions, a file vanishing mid-read: a problem, not a traceback
        problems.append(Problem(
            name, None, None,
            f"cannot be read ({exc.strerror or exc}); expected a readable file.",
        ))
        return None


def read_case_text(folder: Path, name: str, raw: RawCase) -> str | None:
    """One file's text as every reader sees it (BOM dropped, reported), or None, marked unreadable."""
    data = read_case_bytes(folder, name, raw.problems)
    text = decode_case_file(name, data, raw.problems) if data is not None else None
    if text is None:
        raw.unreadable.add(name)
    return text


def read_article(folder: Path, raw: RawCase) -> None:
    text = read_case_text(folder, "article.txt", raw)
    if text is None:
        return
    crlf = crlf_problem("article.txt", text)
    if crlf is not None:
        raw.problems.append(crlf)
    if not text.strip():
        raw.problems.append(Problem(
            "article.txt", None, None, "is empty; expected the source text, verbatim.",
        ))
    raw.article = text


def read_csv_table(folder: Path, name: str, raw: RawCase) -> None:
    """Read one CSV file: header and row shape, with line numbers kept."""
    raw.tables[name] = []
    text = read_case_text(folder, name, raw)
    if text is None:
        return
    crlf = crlf_problem(name, text)
    if crlf is not None:
        raw.problems.append(crlf)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        required, _ = CSV_COLUMNS[name]
        raw.unreadable.add(name)
        raw.problems.append(Problem(
            name, 1, None,
            f"is empty; expected a header row: {','.join(required)}",
        ))
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raw.unreadable.add(name)
        raw.problems.append(Problem(name, 1, None, f"header row cannot be read as CSV ({exc})."))
        return
    if not _header_ok(name, header, raw):
        raw.unreadable.add(name)
        return
    _read_rows(name, reader, header, raw)
    if name in MUST_HAVE_ROWS and not raw.tables[name] and not any(
        p.file == name and p.line for p in raw.problems
    ):
        raw.problems.append(Problem(
            name, 2, None,
            f"has a header but no rows; expected at least one {MUST_HAVE_ROWS[name]}.",
        ))


def _header_ok(name: str, header: list[str], raw: RawCase) -> bool:
    """Whether the header has the contract's columns, each once, and no others (problems if not)."""
    required, optional = CSV_COLUMNS[name]
    allowed = (*required, *optional)
    header_ok = True
    for col in required:
        if col not in header:
            header_ok = False
            raw.problems.append(Problem(
                name, 1, col,
                f"is missing from the header; expected the columns {','.join(allowed)}"
                + (f" (the last {len(optional)} may be left out)" if optional else "")
                + f"; the header has {','.join(header)}.",
            ))
    for i, col in enumerate(header):
        if col not in allowed:
            header_ok = False
            hint = f"a column {col!r}" if col else f"an empty column name at position {i + 1}"
            raw.problems.append(Problem(
                name, 1, col or None,
                f"header has {hint} that the contract does not define; expected only "
                f"{','.join(allowed)}. Fix: remove or rename it.",
            ))
        elif header.index(col) != i:
            header_ok = False
            raw.problems.append(Problem(
                name, 1, col, "appears twice in the header; expected each column once.",
            ))
    return header_ok


def _read_rows(name: str, reader: Any, header: list[str], raw: RawCase) -> None:
    """The rows after the header, each with its line; rows of the wrong shape become problems."""
    optional = CSV_COLUMNS[name][1]
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raw.problems.append(Problem(
                name, line, None,
                f"cannot be read as CSV ({exc}); check for an unclosed double quote.",
            ))
            break
        row_line, line = line, reader.line_num + 1
        if not values or all(not v.strip() for v in values):
            continue  # blank lines are allowed
        if len(values) != len(header):
            raw.problems.append(Problem(
                name, row_line, None,
                f"has {len(values)} fields; expected {len(header)} ({','.join(header)}). "
                "Fix: a field that contains a comma must be in double quotes.",
            ))
            raw.unread_ids.setdefault(name, set()).add(values[0].strip())
            continue
        row = {col: "" for col in optional}
        row.update(zip(header, values, strict=True))
        for col, value in row.items():
            if value != value.strip():
                raw.problems.append(Problem(
                    name, row_line, col,
                    f"has leading or trailing spaces in {quote_text(value)}; expected none.",
                ))
            if not value.strip() and col not in MAY_BE_EMPTY[name]:
                raw.problems.append(Problem(name, row_line, col, "is empty; expected a value."))
        raw.tables[name].append((row_line, row))


_OFFSET = re.compile(r"-?[0-9]{1,15}")  # longer is no offset into any article (and int() of 5,000 digits raises)


def parse_offset(value: str) -> int | None:
    """A whole number written with ASCII digits; ``None`` for anything else.

    ``int()`` alone would also accept "1_000", "+5" or " 5 ", which a
    spreadsheet or a reader would not take for the same number.
    """
    if not _OFFSET.fullmatch(value):
        return None
    return int(value)
