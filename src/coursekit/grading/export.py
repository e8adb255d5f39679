"""Grades into a learning platform: Canvas, Moodle or a plain CSV.

``coursekit export results/ --to canvas --roster canvas_export.csv`` reads the
gradebook that ``coursekit grade`` wrote and writes the file the platform's
grade import takes.  The kit knows students by their file or folder names;
the platform knows them by its own ids, so the **roster** is the platform's
own gradebook export (Canvas: Grades → Export; Moodle: Grade administration →
Export → Plain text file).  Each kit name is matched against the roster's
identifying columns; students found on one side only are reported, never
guessed.

A total is exported only when it is a finished grade: a student whose
notebook failed, or who has written answers still to mark, is left out (and
listed), so an upload never turns a missing mark into a zero.

>>> normalise_name("  Alice.Smith ")
'alice.smith'
>>> _number("7.3333")
7.3333
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._io import write_atomic
from ..coding_state import NO_CODING_PROBLEM
from .results import fmt_points
from .tables import csv_bytes

__all__ = [
    "PLATFORMS",
    "ExportError",
    "ExportReport",
    "Gradebook",
    "Roster",
    "export_grades",
    "match_students",
    "normalise_name",
    "read_gradebook",
    "read_roster",
]

PLATFORMS = ("canvas", "moodle", "csv")

# The columns Canvas's gradebook import needs before the assignment columns
# (the same columns, in this order, as Canvas's own gradebook export).
CANVAS_ID_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
# Moodle's CSV grade import maps one identifying column to a user field
# (email address, username, ID number or user id); these are the columns of
# Moodle's own plain-text grade export that can serve.
MOODLE_ID_COLUMNS = ["Email address", "Username", "ID number", "First name", "Last name"]
# Roster columns tried, in order, to find a kit name (the file or folder name).
_MATCH_COLUMNS = {
    "canvas": ["SIS Login ID", "SIS User ID", "ID", "Student"],
    "moodle": ["Username", "Email address", "ID number"],
    "csv": [],
}


class ExportError(Exception):
    """The export cannot run: a missing or unreadable gradebook or roster, a wrong option."""


def normalise_name(text: str) -> str:
    """How names are compared: Unicode-normalised, case-folded, outer spaces removed."""
    return unicodedata.normalize("NFC", text).strip().casefold()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _read_csv(path: Path, what: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file ({what})") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ExportError(f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at position "
                          f"{exc.start}); save it again as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ExportError(f"{path}: the file is empty ({what})") from None
    header = [h.strip() for h in header]
    rows = [dict(zip(header, row, strict=False)) for row in reader if any(c.strip() for c in row)]
    return header, rows


# --- the kit's gradebook ----------------------------------------------------------------------

@dataclass
class Gradebook:
    """``gradebook.csv`` as ``coursekit grade`` wrote it."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]

    @property
    def sets(self) -> list[str]:
        """The exercise sets in the run, in column order."""
        seen: list[str] = []
        for column in self.header:
            if ":" in column and column.split(":", 1)[0] not in seen:
                seen.append(column.split(":", 1)[0])
        return seen

    def set_total(self, row: dict[str, str], set_id: str) -> float | None:
        """A student's points on one set; None when a question of it is not scored yet."""
        total = 0.0
        for column in self.header:
            if column.startswith(set_id + ":"):
                value = _number(row.get(column, ""))
                if value is None:
                    return None
                total += value
        return total


def read_gradebook(results: str | Path) -> Gradebook:
    """Read ``RESULTS/gradebook.csv`` (or the file itself), checking it is the kit's."""
    path = Path(results)
    if path.is_dir():
        path = path / "gradebook.csv"
    header, rows = _read_csv(path, "the gradebook written by `coursekit grade`")
    needed = {"student", "total", "max", "to_mark", "status"}
    missing = sorted(needed - set(header))
    if missing:
        raise ExportError(f"{path}: not a coursekit gradebook (no column {', '.join(missing)}); "
                          "give the results folder that `coursekit grade --out` wrote")
    return Gradebook(path, header, rows)


# --- the platform's roster ----------------------------------------------------------------------

@dataclass
class Roster:
    """The platform's own export: one row per enrolled student."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]


def read_roster(path: str | Path, platform: str) -> Roster:
    """Read a Canvas or Moodle gradebook export (or any CSV with a header)."""
    path = Path(path)
    header, rows = _read_csv(path, f"the roster exported from {platform.capitalize()}")
    if platform == "canvas":
        missing = [c for c in CANVAS_ID_COLUMNS if c not in header]
        if missing:
            raise ExportError(
                f"{path}: not a Canvas gradebook export (no column {', '.join(missing)}); "
                "in Canvas open Grades → Export → Export Entire Gradebook and pass that file")
        # Canvas's export carries a "Points Possible" row (and sometimes a
        # "Manual Posting" row) under the header: not students.
        rows = [r for r in rows if r.get("Student", "").strip() not in ("Points Possible", "")
                and not r.get("Student", "").strip().startswith("Manual Posting")]
    elif platform == "moodle":
        if not any(c in header for c in ("Email address", "Username", "ID number")):
            raise ExportError(
                f"{path}: not a Moodle grade export (no column 'Email address', 'Username' or "
                "'ID number'); in Moodle open Grade administration → Export → Plain text file, "
                "tick the identity fields, and pass that file")
    return Roster(path, header, rows)


@dataclass
class Match:
    """Which roster row each kit student is; what matched on one side only."""

    column: str | None
    found: dict[str, dict[str, str]] = field(default_factory=dict)
    not_in_roster: list[str] = field(default_factory=list)  # graded, but no roster row
    no_submission: list[str] = field(default_factory=list)  # in the roster, not graded
    ambiguous: list[str] = field(default_factory=list)  # several roster rows fit


def _keys(value: str) -> set[str]:
    """The forms a roster value may take for a kit name: itself, an e-mail's local part."""
    value = normalise_name(value)
    keys = {value} if value else set()
    if "@" in value:
        keys.add(value.split("@", 1)[0])
    return keys


def _roster_label(row: dict[str, str], header: Sequence[str]) -> str:
    for column in ("Student", "Email address", "Username", "SIS Login ID", "ID number"):
        if row.get(column, "").strip():
            return row[column].strip()
    return ", ".join(v for v in (row.get(h, "") for h in header[:2]) if v)


def match_students(students: Sequence[str], roster: Roster, platform: str,
                   column: str | None = None) -> Match:
    """Match kit names to roster rows through one identifying column.

    With ``column`` that column is used; otherwise each of the platform's
    identifying columns is tried and the one that matches the most students
    wins.  A value matches a kit name when they are equal ignoring case and
    outer spaces, or when the value is an e-mail address whose part before
    the ``@`` is the name.
    """
    if column is not None and column not in roster.header:
        raise ExportError(f"{roster.path}: no column {column!r}; the columns are: "
                          + ", ".join(roster.header))
    candidates = [column] if column else [c for c in _MATCH_COLUMNS.get(platform, [])
                                          if c in roster.header] or list(roster.header)
    best: Match | None = None
    for col in candidates:
        index: dict[str, list[int]] = {}
        for i, row in enumerate(roster.rows):
            for key in _keys(row.get(col, "")):
                index.setdefault(key, []).append(i)
        match = Match(col)
        used: set[int] = set()
        for name in students:
            hits = index.get(normalise_name(name), [])
            if len(hits) > 1:
                match.ambiguous.append(name)
            elif hits:
                match.found[name] = roster.rows[hits[0]]
                used.add(hits[0])
            else:
                match.not_in_roster.append(name)
        match.no_submission = [_roster_label(r, roster.header)
                               for i, r in enumerate(roster.rows) if i not in used]
        if best is None or len(match.found) > len(best.found):
            best = match
    return best if best is not None else Match(None, not_in_roster=list(students))


# --- writing the upload file ----------------------------------------------------------------------

@dataclass
class ExportReport:
    platform: str
    out: Path
    exported: int
    match: Match | None
    unfinished: list[str]  # students left out: failed, or written answers still to mark

    def lines(self) -> list[str]:
        out = [f"wrote {self.out}: {self.exported} student(s) for {self.platform}"]
        if self.match is not None:
            out.append(f"matched kit names to the roster's column {self.match.column!r}")
            for label, names in (("graded but not in the roster (not exported)", self.match.not_in_roster),
                                 ("in the roster but not graded (left blank)", self.match.no_submission),
                                 ("matching several roster rows (not exported)", self.match.ambiguous)):
                if names:
                    shown = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
                    out.append(f"{len(names)} {label}: {shown}")
        if self.unfinished:
            shown = ", ".join(self.unfinished[:20]) + (", …" if len(self.unfinished) > 20 else "")
            out.append(f"{len(self.unfinished)} student(s) without a finished grade (failed, "
                       f"written answers still to mark, or a coding with none saved; not exported): {shown}")
        return out


def _grade_columns(book: Gradebook, assignment: str, per_set: bool) -> list[tuple[str, str | None]]:
    """(column title, set id or None for the total)."""
    if per_set:
        return [(f"{assignment} {s}" if assignment else s, s) for s in book.sets]
    return [(assignment, None)]


def _finished(row: dict[str, str]) -> bool:
    # A coding question with no saved coding is not marked yet: its 0 in the total is no grade.
    return row.get("status") != "failed" and row.get("to_mark", "0") in ("0", "") \
        and _number(row.get("total", "")) is not None and NO_CODING_PROBLEM not in row.get("problems", "")


def _grade(book: Gradebook, row: dict[str, str], set_id: str | None) -> str:
    if set_id is None:
        return row["total"]
    value = book.set_total(row, set_id)
    return "" if value is None else _short(value)


def _short(value: float) -> str:
    return fmt_points(value)


def export_grades(results: str | Path, platform: str, *, roster: str | Path | None = None,
                  out: str | Path | None = None, assignment: str = "coursekit",
                  per_set: bool = False, column: str | None = None,
                  set_max: dict[str, float] | None = None) -> ExportReport:
    """Write the platform's upload file from ``RESULTS/gradebook.csv``.

    ``set_max`` gives each set's maximum (for Canvas's "Points Possible" row
    with ``per_set``); without it that row is left blank for the sets.
    """
    if platform not in PLATFORMS:
        raise ExportError(f"unknown platform {platform!r}; expected one of: {', '.join(PLATFORMS)}")
    book = read_gradebook(results)
    if platform == "canvas" and roster is None:
        raise ExportError("Canvas needs each student's Canvas ids: in Canvas open Grades → Export → "
                          "Export Entire Gradebook and pass that file with --roster")
    target = Path(out) if out else book.path.parent / f"export-{platform}.csv"
    students = [r["student"] for r in book.rows]
    by_name = {r["student"]: r for r in book.rows}
    unfinished = [r["student"] for r in book.rows if not _finished(r)]
    columns = _grade_columns(book, assignment, per_set)

    match, ros = None, None
    if roster is not None:
        ros = read_roster(roster, platform)
        match = match_students(students, ros, platform, column)

    def grades(row: dict[str, str]) -> list[str]:
        return [_grade(book, row, s) for _, s in columns]

    rows: list[list[str]] = []
    if platform == "canvas":
        assert match is not None
        header = CANVAS_ID_COLUMNS + [title for title, _ in columns]
        run_max = book.rows[0]["max"] if book.rows else ""
        possible = [run_max if s is None else _short(set_max[s]) if set_max and s in set_max else ""
                    for _, s in columns]
        rows.append(["Points Possible", "", "", "", "", *possible])
        for name, ros_row in sorted(match.found.items()):
            if name in unfinished:
                continue
            rows.append([ros_row.get(c, "") for c in CANVAS_ID_COLUMNS] + grades(by_name[name]))
    elif platform == "moodle":
        if match is not None and ros is not None:
            ids = [c for c in MOODLE_ID_COLUMNS if c in ros.header]
            header = ids + [title for title, _ in columns]
            for name, ros_row in sorted(match.found.items()):
                if name not in unfinished:
                    rows.append([ros_row.get(c, "") for c in ids] + grades(by_name[name]))
        else:
            header = ["Username"] + [title for title, _ in columns]
            rows = [[n] + grades(by_name[n]) for n in students if n not in unfinished]
    else:
        id_col = match.column if match is not None else None
        header = ["student"] + ([id_col] if id_col else []) + [t for t, _ in columns] + ["max", "status"]
        for name in students:
            row = by_name[name]
            if name in unfinished:
                continue
            lms_id = [match.found[name].get(id_col or "", "") if name in match.found else ""] \
                if match is not None else []
            rows.append([name, *lms_id, *grades(row), row["max"], row["status"]])
    # CRLF, as the platforms' own exports (and RFC 4180) have it.
    write_atomic(target, csv_bytes(header, rows, lineterminator="\r\n"))
    exported = len(rows) - (1 if platform == "canvas" else 0)
    return ExportReport(platform, target, exported, match, unfinished)

