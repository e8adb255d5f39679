"""Filling ``start``/``end`` in claims.csv from the quotes: read -> fill each row -> splice -> write."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .._io import write_atomic
from ..casefiles import BOM, crlf_problem, decode_case_file, parse_offset, read_case_bytes
from ..contract import CSV_COLUMNS, Problem
from .locate import describe_difference, locate

__all__ = ["FillReport", "OffsetChange", "fill_offsets"]


@dataclass(frozen=True)
class OffsetChange:
    """What :func:`fill_offsets` changed in one row of claims.csv."""

    line: int
    claim_id: str
    start: int
    end: int
    # The quote as it was, when it was corrected (or filled in) from the article.
    old_quote: str | None = None
    new_quote: str | None = None

    def __str__(self) -> str:
        text = f"claims.csv:{self.line}: {self.claim_id}: start={self.start} end={self.end}"
        if self.new_quote is not None and not self.old_quote:
            text += f"; quote filled in from the article: {self.new_quote!r}"
        elif self.new_quote is not None:
            text += (f"; quote corrected to the article's exact text {self.new_quote!r} "
                     f"(was {self.old_quote!r}: {describe_difference(self.old_quote or '', self.new_quote)})")
        return text


@dataclass
class FillReport:
    """The outcome of :func:`fill_offsets`.

    ``changes`` lists the rows filled; ``problems`` the rows that could not
    be (each message names the line); ``notes`` whole-file fixes such as
    line endings.  ``written`` is true when claims.csv was rewritten: that
    happens only when there are changes and no problems.
    """

    path: Path
    changes: list[OffsetChange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def field_spans(record: str) -> list[tuple[int, int]]:
    """Start and end of each field's raw text in one CSV record (no line terminator)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(record)
    while True:
        start = i
        if i < n and record[i] == '"':
            i += 1
            while i < n:
                if record[i] == '"':
                    if i + 1 < n and record[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
            while i < n and record[i] != ",":  # text after a closing quote: keep it
                i += 1
        else:
            while i < n and record[i] != ",":
                i += 1
        spans.append((start, i))
        if i >= n:
            return spans
        i += 1  # the comma


def csv_field(value: str) -> str:
    """A value written as the csv module writes it (quoted only when needed)."""
    if value == "":
        return ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([value])
    return out.getvalue()[:-1]


def csv_records(text: str) -> list[tuple[int, str, str, list[str]]]:
    """Split CSV text into records: (first line number, raw text, terminator, values)."""
    # Lines as the reader counts them (\n, \r\n, \r), not str.splitlines(), which also breaks at
    # U+2028, U+0085, form feed and U+001E and would shift every record after one.
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    consumed = 0
    for values in reader:
        first = consumed
        consumed = reader.line_num
        raw = "".join(lines[first:consumed])
        body = raw.rstrip("\n")
        records.append((first + 1, body, raw[len(body):], values))
    return records


@dataclass(frozen=True)
class ClaimsFile:
    """claims.csv as read for filling: the article, the records, and what reading fixed."""

    article: str
    data: bytes  # the bytes on disk
    original: str  # decoded, BOM dropped
    records: list[tuple[int, str, str, list[str]]]
    header: list[str]


def read_claims(folder: Path, report: FillReport) -> ClaimsFile | None:
    """Read article.txt and claims.csv through the reader `validate` uses; None when they cannot be used.

    A problem `validate` reports in article.txt stops the fill (offsets would
    count the wrong characters).  In claims.csv a byte-order mark and CRLF
    line endings are what `validate` reports too; the rewrite fixes them,
    and ``report.notes`` says so.
    """
    found: list[Problem] = []
    data = read_case_bytes(folder, "article.txt", found)
    article = decode_case_file("article.txt", data, found) if data is not None else None
    crlf = crlf_problem("article.txt", article) if article is not None else None
    found += [crlf] if crlf is not None else []
    claims = read_case_bytes(folder, "claims.csv", found)
    text = decode_case_file("claims.csv", claims, []) if claims is not None else None
    if claims is not None and text is None:
        decode_case_file("claims.csv", claims, found)  # the same message as validate's
    if found or article is None or claims is None or text is None:
        report.problems += [str(p) for p in found]
        return None
    if claims.startswith(BOM):
        report.notes.append("claims.csv: removed the byte-order mark (BOM) at the start.")
    original = text
    if crlf_problem("claims.csv", text) is not None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        report.notes.append("claims.csv: converted Windows (CRLF) line endings to LF.")
    try:
        records = csv_records(text)
    except csv.Error as exc:
        report.problems.append(f"claims.csv: cannot be read as CSV ({exc}); check for an "
                               "unclosed double quote.")
        return None
    if not records:
        report.problems.append("claims.csv: is empty; expected a header row.")
        return None
    header = [h.strip() for h in records[0][3]]
    missing = [c for c in ("claim_id", "start", "end", "quote") if c not in header]
    if missing:
        report.problems.append(f"claims.csv:1: the header lacks {', '.join(missing)}; expected "
                               + ",".join(CSV_COLUMNS["claims.csv"][0]) + ".")
        return None
    return ClaimsFile(article, claims, original, records, header)


@dataclass(frozen=True)
class RowFill:
    """What filling one row gives: the cells to change (none to leave the row as it is), the change, problems."""

    new: dict[str, str] = field(default_factory=dict)
    change: OffsetChange | None = None
    problems: tuple[str, ...] = ()


def fill_row(article: str, line: int, row: dict[str, str]) -> RowFill:
    """Fill one row of claims.csv (``claim_id``, ``start``, ``end``, ``quote``) from the article; pure."""
    claim_id = row["claim_id"].strip() or "(no claim_id)"
    where = f"claims.csv:{line} ({claim_id})"
    start_text, end_text, quote = row["start"], row["end"], row["quote"]
    start, end = parse_offset(start_text), parse_offset(end_text)
    bad = [f"{where}: column {name!r} is {raw!r}; expected a whole number or an empty cell to fill."
           for name, raw, number in (("start", start_text, start), ("end", end_text, end))
           if raw and number is None]
    if bad:
        return RowFill(problems=tuple(bad))
    if start is not None and end is not None:
        if quote or not (0 <= start < end <= len(article)):
            return RowFill()  # complete, or for `validate` to explain
        text = article[start:end]
        return RowFill({"quote": text}, OffsetChange(line, claim_id, start, end, quote, text))
    if not quote.strip():
        return RowFill(problems=(
            f"{where}: the quote is empty, so there is nothing to find; expected the "
            "words of the article this claim rests on, copied from article.txt.",))
    exact = [m for m in locate(article, quote) if m.exact]
    matches = exact or locate(article, quote)
    if start is not None:
        matches = [m for m in matches if m.start == start]
    if end is not None:
        matches = [m for m in matches if m.end == end]
    if not matches:
        given = "" if start is None and end is None else (
            f" at the given {'start=' + str(start) if start is not None else 'end=' + str(end)}")
        return RowFill(problems=(
            f"{where}: the quote {quote!r} was not found in article.txt{given}; "
            "expected a piece of the article. Copy it from article.txt, or try a shorter "
            'phrase with `coursekit locate CASE "phrase"`.',))
    if len(matches) > 1:
        return RowFill(problems=(
            f"{where}: the quote {quote!r} occurs {len(matches)} times in article.txt "
            f"(starts {', '.join(str(m.start) for m in matches)}); expected one. Make the "
            "quote longer, or fill in start with the one you mean.",))
    match = matches[0]
    new = {"start": str(match.start), "end": str(match.end)}
    if match.text != quote:
        new["quote"] = match.text
    return RowFill(new, OffsetChange(line, claim_id, match.start, match.end,
                                     quote if "quote" in new else None, new.get("quote")))


def splice_row(body: str, header: list[str], values: list[str], new: dict[str, str]) -> str:
    """The record with the ``new`` cells written in; every other byte of it kept."""
    spans = field_spans(body)
    if len(spans) != len(values):  # cannot splice safely: rewrite the whole row
        return ",".join(csv_field(new.get(h, v)) for h, v in zip(header, values, strict=True))
    pieces, last = [], 0
    for name, (a, b) in zip(header, spans, strict=True):
        if name in new:
            pieces += [body[last:a], csv_field(new[name])]
            last = b
    return "".join(pieces) + body[last:]


def fill_offsets(case_path: Path | str) -> FillReport:
    """Fill empty ``start``/``end`` cells of claims.csv from the ``quote`` column.

    For each row with an empty ``start`` or ``end``, the quote is looked up
    in article.txt: exactly first, then with :func:`locate`'s tolerance (in
    which case the quote is replaced by the article's exact text).  If one
    of ``start``/``end`` is given, it picks among several occurrences.  A
    row whose quote is empty, not found, or found more than once is a
    problem.  A row with both offsets and an empty quote gets its quote
    from the article.  Files are read as `coursekit validate` reads them.

    claims.csv is rewritten only if every row could be handled: through a
    temporary file renamed into place, with LF line endings, the columns in
    their order, and every row that did not change kept byte for byte.
    """
    folder = Path(case_path)
    claims_path = folder / "claims.csv"
    report = FillReport(path=claims_path)
    claims = read_claims(folder, report)
    if claims is None:
        return report
    header = claims.header
    col = {name: header.index(name) for name in ("claim_id", "start", "end", "quote")}
    out: list[str] = [claims.records[0][1] + claims.records[0][2]]
    for line, body, terminator, values in claims.records[1:]:
        if not values or all(not v.strip() for v in values):
            out.append(body + terminator)
            continue
        if len(values) != len(header):
            report.problems.append(f"claims.csv:{line}: has {len(values)} fields; expected {len(header)}. "
                                   "A field that contains a comma must be in double quotes.")
            out.append(body + terminator)
            continue
        filled = fill_row(claims.article, line, {name: values[i] for name, i in col.items()})
        report.problems += filled.problems
        out.append((splice_row(body, header, values, filled.new) if filled.new else body) + terminator)
        if filled.change is not None:
            report.changes.append(filled.change)
    if report.problems:
        return report
    result = "".join(out)
    if result != claims.original or claims.data != claims_path.read_bytes() or claims.data.startswith(BOM):
        write_atomic(claims_path, result)
        report.written = True
    return report
