"""Reading and checking a case folder against the case data contract.

Every check runs and every problem is collected, so an instructor fixing a
case sees the whole list at once instead of one error per run.  Each
:class:`Problem` names the file, the line, the column, what was found and
what is expected.

The contract itself (files, columns, allowed values) lives in
:mod:`coursekit.contract` (its names are re-exported here); files are read
through :mod:`coursekit.casefiles`; ``docs/authoring-a-case.md`` explains
the contract for authors.

>>> print(read_case_folder("no-such-folder").problems[0])  # doctest: +ELLIPSIS
no-such-folder: is not a folder; expected a case folder holding article.txt, case.toml, ...
"""

from __future__ import annotations

import datetime
import re
import tomllib
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .casefiles import (
    parse_offset,
    quote_text,
    read_article,
    read_case_text,
    read_csv_table,
)
from .contract import (
    ACTOR_KINDS,
    CASE_FILES,
    COLOUR_PATTERN,
    CSV_COLUMNS,
    ID_PATTERN,
    ISO_DATE_PATTERN,
    MAY_BE_EMPTY,
    MODES,
    MUST_HAVE_ROWS,
    STANCES,
    TOML_STRING_KEYS,
    CaseError,
    Problem,
    RawCase,
)

__all__ = [
    "ACTOR_KINDS",
    "CASE_FILES",
    "CSV_COLUMNS",
    "ID_PATTERN",
    "MAY_BE_EMPTY",
    "MODES",
    "MUST_HAVE_ROWS",
    "STANCES",
    "CaseError",
    "Problem",
    "RawCase",
    "read_case_folder",
]

def _is_iso_date(value: str) -> bool:
    """An ISO 8601 calendar date, reduced precision allowed, that exists, in the years 1000-2999.

    (Year 0000 or 9999-12 are dates no case needs, and break the timeline's date arithmetic.)
    """
    if not ISO_DATE_PATTERN.fullmatch(value) or not 1000 <= int(value[:4]) <= 2999:
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
    text = read_case_text(folder, "case.toml", raw)
    if text is None:
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
    _check_sides(text, meta.get("sides"), raw)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def lookalike(value: str) -> str:
    """What two names that look the same share: case, Unicode form and invisible characters ignored.

    >>> lookalike("NATO") == lookalike("nato\u200b") == lookalike("ｎａｔｏ")
    True
    """
    return unicodedata.normalize("NFKC", value.translate(_INVISIBLE)).casefold()


def _lookalike_problem(value: str, other: str, where: str) -> str:
    return (f"{value!r} differs from {other!r} ({where}) only by case, Unicode form or an invisible "
            "character; expected names that differ visibly (readers and filters would take them "
            "for one).")


def _check_sides(text: str, sides: Any, raw: RawCase) -> None:
    """case.toml's [[sides]]: at least one, each with a unique name and a hex colour."""
    if not isinstance(sides, list) or not sides:
        raw.problems.append(Problem(
            "case.toml", _toml_line(text, "sides"), "sides",
            f"is {sides!r}; expected one [[sides]] table per side, in display order, "
            'each with name = "…" and colour = "#RRGGBB".',
        ))
        return
    seen: set[str] = set()
    looks: dict[str, str] = {}
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
        elif lookalike(name) in looks:
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "name", side=i), "name",
                f"side {i}: " + _lookalike_problem(name, looks[lookalike(name)], "another side"),
            ))
        else:
            seen.add(name)
            looks[lookalike(name)] = name
        if not isinstance(colour, str) or not COLOUR_PATTERN.fullmatch(colour):
            raw.problems.append(Problem(
                "case.toml", _toml_line(text, "colour", side=i), "colour",
                f"side {i} ({name!r}) has colour {colour!r}; expected a hex colour like "
                '"#0072B2".',
            ))


def _check_ids(raw: RawCase, name: str, col: str, pattern: bool = True) -> set[str]:
    """Check that ids in a column are well formed and unique; return the set of ids."""
    first_seen: dict[str, int] = {}
    looks: dict[str, str] = {}
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
        elif lookalike(value) in looks:
            other = looks[lookalike(value)]
            raw.problems.append(Problem(
                name, line, col, _lookalike_problem(value, other, f"line {first_seen[other]}"),
            ))
        else:
            first_seen[value] = line
            looks[lookalike(value)] = value
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


def _check_spans(raw: RawCase) -> None:
    article = raw.article
    size = len(article)
    for line, row in raw.tables.get("claims.csv", []):
        offsets: dict[str, int] = {}
        for col in ("start", "end"):
            value = row[col]
            if not value:
                continue  # already reported as empty
            number = parse_offset(value)
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
        for col, at in (("start", start), ("end", end)):
            if at < size and unicodedata.combining(article[at]):
                raw.problems.append(Problem(
                    "claims.csv", line, col,
                    f"is {at}, inside a combining sequence (article[{at}] is the combining mark "
                    f"U+{ord(article[at]):04X}); expected an offset before the letter it belongs to, "
                    "or after its last mark. Fix: run `coursekit fill-offsets`.",
                ))
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
                f"does not match article[{start}:{end}]; the text there is {quote_text(actual)}, "
                f"the quote is {quote_text(quote)}.{hint} Fix: copy the quote exactly from "
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
    read_article(folder, raw)
    _read_toml(folder, raw)
    case_id = raw.meta.get("id")
    if isinstance(case_id, str) and ID_PATTERN.fullmatch(case_id) and case_id != folder.resolve().name:
        raw.problems.append(Problem(
            "case.toml", None, "id",
            f"is {case_id!r}, but the folder is named {folder.resolve().name!r}; expected the two to be "
            "the same (the student copy finds the case by its id). Fix: rename the folder or the id.",
        ))
    for name in CSV_COLUMNS:
        read_csv_table(folder, name, raw)

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
