"""The case data contract: files, columns, allowed values, and the problem records that name a breach.

``docs/authoring-a-case.md`` explains it for authors; :mod:`coursekit.validation`
checks a folder against it, reading files through :mod:`coursekit.casefiles`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ACTOR_KINDS", "CASE_FILES", "COLOUR_PATTERN", "CSV_COLUMNS", "ID_PATTERN", "ISO_DATE_PATTERN",
           "MAY_BE_EMPTY", "MODES", "MUST_HAVE_ROWS", "STANCES", "TOML_STRING_KEYS", "CaseError", "Problem",
           "RawCase"]

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
