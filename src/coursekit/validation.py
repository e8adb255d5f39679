"""Reading and checking a case folder against the case data contract.

Every check runs and every problem is collected, so an instructor fixing a
case sees the whole list at once instead of one error per run.  Each
:class:`Problem` names the file, the line, the column, what was found and
what is expected.

The contract itself (files, columns, allowed values) lives in the constants
below; ``docs/authoring-a-case.md`` explains it for authors.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ACTOR_KINDS",
    "CASE_FILES",
    "CaseError",
    "MODES",
    "Problem",
    "RawCase",
    "STANCES",
    "read_case_folder",
]

MODES: tuple[str, ...] = ("direct_quote", "paraphrase", "reported_fact", "author_comment")
STANCES: tuple[str, ...] = ("support", "oppose", "neutral")
ACTOR_KINDS: tuple[str, ...] = ("person", "organisation", "state", "group")

ID_PATTERN = re.compile(r"^[a-z0-9_-]+$")
COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
# ISO 8601 calendar dates, reduced precision allowed: 2013, 2013-02, 2013-02-18.
ISO_DATE_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")

# file -> (required columns, optional columns), in the contract's order.
CSV_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "actors.csv": (("actor_id", "name", "role", "organisation", "side", "kind"), ()),
    "topics.csv": (("topic_id", "label", "proposition", "description"), ()),
    "claims.csv": (
        ("claim_id", "actor_id", "topic_id", "start", "end", "quote", "mode", "stance", "summary"),
        ("condition", "target_id", "relayed_via"),
    ),
    "timeline.csv": (("date", "event", "source"), ()),
    "glossary.csv": (("term", "definition", "source"), ()),
}
# Columns that may be left empty in a row (all others must hold a value).
MAY_BE_EMPTY: dict[str, frozenset[str]] = {
    "actors.csv": frozenset({"role", "organisation"}),
    "topics.csv": frozenset({"description"}),
    "claims.csv": frozenset({"condition", "target_id", "relayed_via"}),
    "timeline.csv": frozenset(),
    "glossary.csv": frozenset(),
}
# Tables a case cannot do without: a case with no claims teaches nothing.
MUST_HAVE_ROWS: dict[str, str] = {"actors.csv": "actor", "topics.csv": "topic", "claims.csv": "claim"}
CASE_FILES: tuple[str, ...] = ("article.txt", "case.toml", *CSV_COLUMNS)
TOML_STRING_KEYS: tuple[str, ...] = (
    "id", "title", "author", "publisher", "published", "url", "language", "summary",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a case folder.

    ``line`` is the 1-based line of the file where the offending row starts
    (``None`` when the problem concerns the whole file); ``column`` is the CSV
    column or TOML key (``None`` when it concerns the whole row or file).

    >>> print(Problem("claims.csv", 14, "stance", "is 'maybe'; expected one of: support, oppose, neutral."))
    claims.csv:14: column 'stance': is 'maybe'; expected one of: support, oppose, neutral.
    >>> print(Problem("case.toml", 27, "colour", "is 'red'; expected a hex colour."))
    case.toml:27: key 'colour': is 'red'; expected a hex colour.
    """

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.column:
            what = "key" if self.file.endswith(".toml") else "column"
            where += f": {what} '{self.column}'"
        return f"{where}: {self.message}"


class CaseError(ValueError):
    """A case folder does not follow the data contract.

    ``problems`` lists every problem found; ``str(error)`` shows them all.
    """

    def __init__(self, path: Path | str, problems: Iterable[Problem]):
        self.path = Path(path)
        self.problems: list[Problem] = list(problems)
        count = len(self.problems)
        lines = [f"{self.path}: {count} problem{'s' if count != 1 else ''} in this case folder"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass
class RawCase:
    """What a case folder holds, read and checked but not yet turned into tables."""

    path: Path
    article: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # file -> list of (line number, row dict); rows that could not be read are left out.
    tables: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Files that could not be read at all (missing, not UTF-8, bad header):
    # references into them are not checked, so one missing actors.csv gives
    # one problem instead of one per claim.
    unreadable: set[str] = field(default_factory=set)
    # file -> first field of each row left out for having the wrong number of
    # fields: most likely its id, so references to it are not reported as unknown.
    unread_ids: dict[str, set[str]] = field(default_factory=dict)


def _short(text: str, limit: int = 80) -> str:
    """Quote a piece of text for a message, shortened in the middle if long."""
    if len(text) > limit:
        text = text[: limit // 2 - 2] + " … " + text[-(limit // 2 - 2) :]
    return '"' + text.replace("\n", "\\n") + '"'


def _decode(name: str, data: bytes, problems: list[Problem]) -> str | None:
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
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        before = data[line_start : exc.start].decode("utf-8", "replace")
        bad = data[exc.start : exc.start + 1]
        problems.append(Problem(
            name, line, None,
            f"is not valid UTF-8: byte {bad!r} at character {len(before) + 1} of the line "
            f"(byte offset {exc.start}), after {_short(before[-30:])}; expected UTF-8 "
            "text. Fix: re-save the file with the encoding set to UTF-8.",
        ))
        return None


def _read_bytes(folder: Path, name: str, problems: list[Problem]) -> bytes | None:
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


def _read_article(folder: Path, raw: RawCase) -> None:
    data = _read_bytes(folder, "article.txt", raw.problems)
    if data is None:
        raw.unreadable.add("article.txt")
        return
    text = _decode("article.txt", data, raw.problems)
    if text is None:
        raw.unreadable.add("article.txt")
        return
    if "\r" in text:
        # Offsets count characters of the file as saved, so an editor or a
        # git checkout (core.autocrlf) that rewrites line endings moves every span.
        line = text[: text.index("\r")].count("\n") + 1
        raw.problems.append(Problem(
            "article.txt", line, None,
            "uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) line "
            "endings, as in the source: the offsets in claims.csv count characters of "
            "the LF text. Fix: convert the file back to LF line endings.",
        ))
    if not text.strip():
        raw.problems.append(Problem(
            "article.txt", None, None, "is empty; expected the source text, verbatim.",
        ))
    raw.article = text


def _is_iso_date(value: str) -> bool:
    """An ISO 8601 calendar date, reduced precision allowed, that exists."""
    if not ISO_DATE_PATTERN.fullmatch(value):
        return False
    if len(value) == 10:  # a full date: the day must exist in that month
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
    return True


_TOML_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9_-]+)["']?\s*=""")


def _toml_line(text: str, key: str, side: int | None = None) -> int | None:
    """Best-effort line of ``key`` at the top level, or in the ``side``-th [[sides]] table.

    tomllib gives no positions; a line number still saves the author a search.
    When the key is absent from a [[sides]] table, the table's header line is
    returned; ``None`` when nothing fits.
    """
    table: tuple[str, int] | None = None
    sides_seen = 0
    header_line = None
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            if stripped.replace(" ", "").startswith("[[sides]]"):
                sides_seen += 1
                table = ("sides", sides_seen)
                if side == sides_seen:
                    header_line = number
            else:
                table = ("other", 0)
            continue
        m = _TOML_KEY.match(line)
        wanted = None if side is None else ("sides", side)
        if m and m.group(1) == key and table == wanted:
            return number
    return header_line


def _read_toml(folder: Path, raw: RawCase) -> None:
    data = _read_bytes(folder, "case.toml", raw.problems)
    if data is None:
        raw.unreadable.add("case.toml")
        return
    text = _decode("case.toml", data, raw.problems)
    if text is None:
        raw.unreadable.add("case.toml")
        return
    try:
        meta = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raw.unreadable.add("case.toml")
        # tomllib messages end with "(at line L, column C)" or "(at end of document)".
        message = str(exc)
        m = re.search(r"at line (\d+), column (\d+)", message)
        if m:
            line: int | None = int(m.group(1))
            where = f"at line {m.group(1)}, column {m.group(2)}"
        else:
            line = text.count("\n") + (0 if text.endswith("\n") else 1)
            where = "at the end of the file"
        raw.problems.append(Problem(
            "case.toml", line, None,
            f"is not valid TOML {where}: {message.split(' (at ')[0]}. "
            'Expected key = value lines such as title = "…". Fix: check the quotes and '
            "brackets on that line (an unclosed string shows up at the end of the file).",
        ))
        return
    raw.meta = meta
    for key in TOML_STRING_KEYS:
        value = meta.get(key)
        if value is None:
            raw.problems.append(Problem(
                "case.toml", None, key, f'is missing; expected a string, e.g. {key} = "…".',
            ))
        elif not isinstance(value, str) or not value.strip():
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, key), key,
                f"is {value!r}; expected a non-empty string in double quotes.",
            ))
    published = meta.get("published")
    if isinstance(published, str) and not _is_iso_date(published):
        raw.problems.append(Problem(
            "case.toml", _toml_line(text, "published"), "published",
            f"is {published!r}; expected an ISO 8601 date string of a real day, such as "
            '"2013-02-18", or "2013-02" when the source gives no day.',
        ))
    case_id = meta.get("id")
    if isinstance(case_id, str) and not ID_PATTERN.fullmatch(case_id):
        raw.problems.append(Problem(
            "case.toml", _toml_line(text, "id"), "id",
            f"is {case_id!r}; expected lower-case letters, digits, '-' or '_' only.",
        ))
    sides = meta.get("sides")
    if not isinstance(sides, list) or not sides:
        raw.problems.append(Problem(
            "case.toml", _toml_line(text, "sides"), "sides",
            f"is {sides!r}; expected one [[sides]] table per side, in display order, "
            'each with name = "…" and colour = "#RRGGBB".',
        ))
        return
    seen: set[str] = set()
    for i, side in enumerate(sides, 1):
        if not isinstance(side, dict):
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "sides"), "sides",
                f"entry {i} is {side!r}; expected a [[sides]] table with name and colour.",
            ))
            continue
        name, colour = side.get("name"), side.get("colour")
        if not isinstance(name, str) or not name.strip():
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "name", side=i), "name",
                f'side {i} has name {name!r}; expected a non-empty name = "…".',
            ))
        elif name in seen:
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "name", side=i), "name",
                f"side {i}: {name!r} is declared twice; expected each side once.",
            ))
        else:
            seen.add(name)
        if not isinstance(colour, str) or not COLOUR_PATTERN.fullmatch(colour):
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "colour", side=i), "colour",
                f"side {i} ({name!r}) has colour {colour!r}; expected a hex colour like "
                '"#0072B2".',
            ))


def _read_csv(folder: Path, name: str, raw: RawCase) -> None:
    """Read one CSV file: header and row shape, with line numbers kept."""
    raw.tables[name] = []
    data = _read_bytes(folder, name, raw.problems)
    if data is None:
        raw.unreadable.add(name)
        return
    text = _decode(name, data, raw.problems)
    if text is None:
        raw.unreadable.add(name)
        return
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raw.problems.append(Problem(
            name, line, None,
            "uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) line "
            "endings. Fix: in your editor choose 'LF' line endings, or run "
            f"`python -c \"import pathlib as p; f=p.Path('{name}'); "
            "f.write_text(f.read_text().replace('\\r\\n', '\\n'))\"`.",
        ))
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
        header = next(reader)
    except csv.Error as exc:
        raw.unreadable.add(name)
        raw.problems.append(Problem(name, 1, None, f"header row cannot be read as CSV ({exc})."))
        return
    required, optional = CSV_COLUMNS[name]
    allowed = (*required, *optional)
    header = [h.strip() for h in header]
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
    if not header_ok:
        raw.unreadable.add(name)
        return
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
                    f"has leading or trailing spaces in {_short(value)}; expected none.",
                ))
            if not value.strip() and col not in MAY_BE_EMPTY[name]:
                raw.problems.append(Problem(name, row_line, col, "is empty; expected a value."))
        raw.tables[name].append((row_line, row))
    if name in MUST_HAVE_ROWS and not raw.tables[name] and not any(
        p.file == name and p.line for p in raw.problems
    ):
        raw.problems.append(Problem(
            name, 2, None,
            f"has a header but no rows; expected at least one {MUST_HAVE_ROWS[name]}.",
        ))


def _check_ids(raw: RawCase, name: str, col: str, pattern: bool = True) -> set[str]:
    """Check that ids in a column are well formed and unique; return the set of ids."""
    first_seen: dict[str, int] = {}
    for line, row in raw.tables.get(name, []):
        value = row[col]
        if not value:
            continue
        # Surrounding spaces are reported once, by the row reader; judge and record
        # the id without them, so references to it do not cascade into more errors.
        value = value.strip()
        if pattern and not ID_PATTERN.fullmatch(value):
            raw.problems.append(Problem(
                name, line, col,
                f"is {value!r}; expected an id of lower-case letters, digits, '-' or '_' only.",
            ))
        if value in first_seen:
            raw.problems.append(Problem(
                name, line, col,
                f"{value!r} is a duplicate (first used on line {first_seen[value]}); "
                "expected each to be unique.",
            ))
        else:
            first_seen[value] = line
    return set(first_seen)


def _check_choice(raw: RawCase, name: str, col: str, allowed: Iterable[str], what: str) -> None:
    allowed = list(allowed)
    for line, row in raw.tables.get(name, []):
        value = row[col]
        if value and value not in allowed:
            raw.problems.append(Problem(
                name, line, col,
                f"is {value!r}, which is not {what}; expected one of: {', '.join(allowed)}.",
            ))


def _check_reference(raw: RawCase, name: str, col: str, known: set[str], target: str) -> None:
    if target in raw.unreadable:
        return  # already reported; every row would repeat it
    # One problem per unknown id, at its first line, naming the other lines: a typo in
    # actors.csv should not bury the list under one message per claim.
    unknown: dict[str, list[int]] = {}
    for line, row in raw.tables.get(name, []):
        value = row[col]
        if value and value not in known and value not in raw.unread_ids.get(target, ()):
            unknown.setdefault(value, []).append(line)
    for value, lines in unknown.items():
        also = ""
        if len(lines) > 1:
            also = f" (also on line{'s' if len(lines) > 2 else ''} {', '.join(map(str, lines[1:]))})"
        raw.problems.append(Problem(
            name, lines[0], col,
            f"refers to {value!r}, which is not in {target}{also}; expected one of: "
            f"{', '.join(sorted(known)) or '(none defined)'}.",
        ))


_OFFSET = re.compile(r"-?[0-9]+")


def _parse_offset(value: str) -> int | None:
    """A whole number written with ASCII digits; ``None`` for anything else.

    ``int()`` alone would also accept "1_000", "+5" or " 5 ", which a
    spreadsheet or a reader would not take for the same number.
    """
    if not _OFFSET.fullmatch(value):
        return None
    return int(value)


def _check_spans(raw: RawCase) -> None:
    article = raw.article
    size = len(article)
    for line, row in raw.tables.get("claims.csv", []):
        offsets: dict[str, int] = {}
        for col in ("start", "end"):
            value = row[col]
            if not value:
                continue  # already reported as empty
            number = _parse_offset(value)
            if number is None:
                raw.problems.append(Problem(
                    "claims.csv", line, col,
                    f"is {value!r}; expected a whole number (a character offset into "
                    "article.txt). Fix: run `coursekit fill-offsets` or "
                    '`coursekit locate CASE "phrase"` to find it.',
                ))
            elif number < 0:
                raw.problems.append(Problem(
                    "claims.csv", line, col, f"is {number}; expected an offset of 0 or more.",
                ))
            elif number > size:
                raw.problems.append(Problem(
                    "claims.csv", line, col,
                    f"is {number}, past the end of article.txt; expected at most {size} "
                    f"(the article has {size} characters).",
                ))
            else:
                offsets[col] = number
        if len(offsets) < 2:
            continue
        start, end = offsets["start"], offsets["end"]
        if start >= end:
            raw.problems.append(Problem(
                "claims.csv", line, "end",
                f"is {end}, not after start {start}; expected start < end "
                "(end is exclusive, like a Python slice).",
            ))
            continue
        quote = row["quote"]
        actual = article[start:end]
        if quote and quote != actual:
            found = [m.start() for m in re.finditer(re.escape(quote), article)] if quote else []
            hint = ""
            if len(found) == 1:
                hint = f" The quote occurs at start={found[0]}, end={found[0] + len(quote)}."
            elif found:
                hint = f" The quote occurs {len(found)} times, at starts {found}."
            else:
                hint = " The quote does not occur anywhere in article.txt."
            raw.problems.append(Problem(
                "claims.csv", line, "quote",
                f"does not match article[{start}:{end}]; the text there is {_short(actual)}, "
                f"the quote is {_short(quote)}.{hint} Fix: copy the quote exactly from "
                "article.txt, or correct start and end.",
            ))


def _check_dates(raw: RawCase) -> None:
    for line, row in raw.tables.get("timeline.csv", []):
        value = row["date"]
        if value and not _is_iso_date(value):
            raw.problems.append(Problem(
                "timeline.csv", line, "date",
                f"is {value!r}; expected an ISO 8601 date of a real day, like 2013-02-18 "
                "(or 2013-02, or 2013, when the day or month is not known).",
            ))


def read_case_folder(folder: Path | str) -> RawCase:
    """Read every file of a case folder and run every check of the contract.

    Never raises for bad content: problems are collected in ``RawCase.problems``.
    """
    folder = Path(folder)
    raw = RawCase(path=folder)
    if not folder.is_dir():
        raw.problems.append(Problem(
            str(folder), None, None,
            "is not a folder; expected a case folder holding " + ", ".join(CASE_FILES) + ".",
        ))
        return raw
    _read_article(folder, raw)
    _read_toml(folder, raw)
    for name in CSV_COLUMNS:
        _read_csv(folder, name, raw)

    declared = raw.meta.get("sides")
    sides = [s.get("name") for s in declared if isinstance(s, dict)] if isinstance(declared, list) else []
    actor_ids = _check_ids(raw, "actors.csv", "actor_id")
    topic_ids = _check_ids(raw, "topics.csv", "topic_id")
    _check_ids(raw, "claims.csv", "claim_id")
    _check_ids(raw, "glossary.csv", "term", pattern=False)
    side_names = [s for s in sides if isinstance(s, str) and s.strip()]
    if side_names:  # with no usable sides, case.toml's own problem says it once
        _check_choice(raw, "actors.csv", "side", side_names, "a side declared in case.toml")
    _check_choice(raw, "actors.csv", "kind", ACTOR_KINDS, "a known kind of actor")
    _check_reference(raw, "claims.csv", "actor_id", actor_ids, "actors.csv")
    _check_reference(raw, "claims.csv", "target_id", actor_ids, "actors.csv")
    _check_reference(raw, "claims.csv", "topic_id", topic_ids, "topics.csv")
    _check_choice(raw, "claims.csv", "mode", MODES, "a known mode")
    _check_choice(raw, "claims.csv", "stance", STANCES, "a known stance")
    if raw.article:
        _check_spans(raw)
    _check_dates(raw)
    return raw
