"""Helpers for writing a new case: a folder template, finding phrases, filling offsets.

Offsets in ``claims.csv`` are Python ``str`` indices into the decoded
article (end exclusive).  Nobody should count them by hand, and an author
typing a phrase will type straight quotes and plain spaces where the
article has curly quotes and non-breaking spaces.  :func:`locate` finds a
phrase with that tolerance and reports the article's exact text;
:func:`fill_offsets` writes the offsets (and, where the author's quote was
only nearly right, the exact quote) into ``claims.csv``.

>>> article = "He said: \\u201cRussia\\u2019s\\u00a0position is clear.\\u201d"
>>> [(m.start, m.end, m.exact) for m in locate(article, "Russia's position")]
[(10, 27, False)]
>>> locate(article, "Russia's position")[0].text == "Russia\\u2019s\\u00a0position"
True
>>> [(m.start, m.end, m.exact) for m in locate(article, "position")]
[(19, 27, True)]
>>> locate(article, "NATO")
[]

The folder template and the authoring loop are described in
``docs/authoring-a-case.md``.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ._io import write_atomic
from .validation import CASE_FILES, CSV_COLUMNS, ID_PATTERN

__all__ = [
    "FillReport",
    "Match",
    "OffsetChange",
    "describe_difference",
    "fill_offsets",
    "locate",
    "new_case",
    "write_text_atomic",
]

# --- tolerant matching ------------------------------------------------------

# Characters an author is likely to type differently from the article.  Each
# maps to what a plain keyboard gives; whitespace runs of any kind (spaces,
# non-breaking spaces, line breaks) count as one space.
_FOLD: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
    # invisible characters that a copy from a web page may or may not carry
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
}


@functools.lru_cache(maxsize=8)  # fill_offsets looks up every quote in the same article
def _fold(text: str) -> tuple[str, list[int], list[int]]:
    """Fold text for tolerant matching, keeping where each folded character came from.

    Returns the folded text and, for each folded character, the start and
    end offsets in ``text`` of what it came from.  Two ASCII apostrophes
    (``''``, used as a double quote mark in some sources) fold to ``"``;
    a letter with combining marks folds to its composed (NFC) form.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []

    def emit(chars: str, start: int, end: int) -> None:
        for ch in chars:
            out.append(ch)
            starts.append(start)
            ends.append(end)

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i + 1
            while j < n and text[j].isspace():
                j += 1
            emit(" ", i, j)
            i = j
        elif ch == "'" and i + 1 < n and text[i + 1] == "'":
            emit('"', i, i + 2)
            i += 2
        elif ch in _FOLD:
            emit(_FOLD[ch], i, i + 1)
            i += 1
        else:
            j = i + 1
            while j < n and unicodedata.combining(text[j]):
                j += 1
            emit(unicodedata.normalize("NFC", text[i:j]), i, j)
            i = j
    return "".join(out), starts, ends


@dataclass(frozen=True)
class Match:
    """One occurrence of a phrase in an article.

    ``start`` and ``end`` are offsets into the article (end exclusive);
    ``text`` is ``article[start:end]``, the exact text to put in the
    ``quote`` column; ``exact`` says whether it is character for character
    the phrase that was searched for; ``line`` is the 1-based line of
    ``start`` in article.txt.
    """

    start: int
    end: int
    text: str
    exact: bool
    line: int

    def context(self, article: str, width: int = 30) -> str:
        """The match in its surroundings, on one line: ``…before[match]after…``.

        >>> Match(4, 9, "quick", True, 1).context("the quick brown fox", width=4)
        'the [quick] bro…'
        """
        lo, hi = max(0, self.start - width), min(len(article), self.end + width)
        before, after = article[lo : self.start], article[self.end : hi]
        text = (("…" if lo > 0 else "") + before + "[" + self.text + "]" + after
                + ("…" if hi < len(article) else ""))
        return text.replace("\n", "⏎")


def _find_all(haystack: str, needle: str) -> list[int]:
    """Start of every occurrence, overlapping ones included."""
    found, at = [], haystack.find(needle)
    while at >= 0:
        found.append(at)
        at = haystack.find(needle, at + 1)
    return found


def locate(article: str, phrase: str) -> list[Match]:
    """Every occurrence of ``phrase`` in ``article``, exact or nearly so, in text order.

    Tolerated differences: straight quotes for curly ones (and ``"`` for
    ``''``), any whitespace (a plain space, a non-breaking space, a line
    break) for any other, hyphens for dashes, ``...`` for ``…``, invisible
    characters such as soft hyphens, and composed for decomposed accented
    letters.  Letter case is not tolerated: "nato" does not find "NATO".
    """
    if not phrase.strip():
        return []
    spans: dict[tuple[int, int], bool] = {}
    for at in _find_all(article, phrase):
        spans[(at, at + len(phrase))] = True
    folded_phrase, _, _ = _fold(phrase)
    if folded_phrase.strip():
        folded, starts, ends = _fold(article)
        for at in _find_all(folded, folded_phrase):
            span = (starts[at], ends[at + len(folded_phrase) - 1])
            spans.setdefault(span, article[span[0] : span[1]] == phrase)
    return [
        Match(start, end, article[start:end], exact, article.count("\n", 0, start) + 1)
        for (start, end), exact in sorted(spans.items())
    ]


_CONTROL_NAMES = {"\n": "a line break", "\t": "a tab", "\r": "a carriage return"}


def _char_name(ch: str) -> str:
    """A character's Unicode name and code point, for messages."""
    if ch in _CONTROL_NAMES:
        return _CONTROL_NAMES[ch]
    name = unicodedata.name(ch, "")
    if ch.isspace() and name:
        return f"a {name} (U+{ord(ch):04X})"
    return f"{name or 'an unnamed character'}, U+{ord(ch):04X}"


def describe_difference(typed: str, found: str) -> str:
    """Say in words which characters of the article differ from what was typed.

    >>> describe_difference("Russia's deterrence", "Russia\\u2019s\\u00a0deterrence")
    "the article has ’ (RIGHT SINGLE QUOTATION MARK, U+2019) where you typed '; the article has a NO-BREAK SPACE (U+00A0) where you typed a space"
    >>> print(describe_difference('it". Next', "it''.\\u00a0\\nNext"))
    the article has '' (APOSTROPHE, U+0027, APOSTROPHE, U+0027) where you typed "; the article has a NO-BREAK SPACE (U+00A0) and a line break where you typed a space
    """
    typed_fold, typed_starts, typed_ends = _fold(typed)
    found_fold, found_starts, found_ends = _fold(found)
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    for k in range(min(len(typed_fold), len(found_fold))):
        a = typed[typed_starts[k] : typed_ends[k]]
        b = found[found_starts[k] : found_ends[k]]
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        if b.isspace() and a.isspace():
            what = " and ".join(_char_name(c) for c in dict.fromkeys(b) if c != " ")
            typed_what = "a space" if a == " " else " and ".join(_char_name(c) for c in dict.fromkeys(a))
            notes.append(f"the article has {what} where you typed {typed_what}")
        else:
            names = ", ".join(_char_name(c) for c in b)
            notes.append(f"the article has {b} ({names}) where you typed {a}")
    return "; ".join(notes) or "the article's text differs only in invisible characters"


# --- filling offsets in claims.csv -------------------------------------------


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


def _field_spans(record: str) -> list[tuple[int, int]]:
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


def _csv_field(value: str) -> str:
    """A value written as the csv module writes it (quoted only when needed)."""
    if value == "":
        return ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([value])
    return out.getvalue()[:-1]


def _records(text: str) -> list[tuple[int, str, str, list[str]]]:
    """Split CSV text into records: (first line number, raw text, terminator, values)."""
    lines = text.splitlines(keepends=True)
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


def _offset(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else None


def fill_offsets(case_path: Path | str) -> FillReport:
    """Fill empty ``start``/``end`` cells of claims.csv from the ``quote`` column.

    For each row with an empty ``start`` or ``end``, the quote is looked up
    in article.txt: exactly first, then with :func:`locate`'s tolerance (in
    which case the quote is replaced by the article's exact text).  If one
    of ``start``/``end`` is given, it picks among several occurrences.  A
    row whose quote is empty, not found, or found more than once is a
    problem.  A row with both offsets and an empty quote gets its quote
    from the article.

    claims.csv is rewritten only if every row could be handled: through a
    temporary file renamed into place, with LF line endings, the columns in
    their order, and every row that did not change kept byte for byte.
    """
    folder = Path(case_path)
    claims_path = folder / "claims.csv"
    report = FillReport(path=claims_path)
    try:
        article = (folder / "article.txt").read_bytes().decode("utf-8")
    except FileNotFoundError:
        report.problems.append(f"{folder / 'article.txt'}: is missing; paste the article first.")
        return report
    except UnicodeDecodeError as exc:
        report.problems.append(f"{folder / 'article.txt'}: is not valid UTF-8 ({exc.reason} at "
                               f"byte {exc.start}); re-save it as UTF-8.")
        return report
    if article.startswith("\ufeff"):
        report.problems.append("article.txt: starts with a byte-order mark (BOM); offsets would "
                               "count it. Re-save the article as UTF-8 without BOM.")
        return report
    try:
        data = claims_path.read_bytes()
    except FileNotFoundError:
        report.problems.append(f"{claims_path}: is missing; `coursekit new-case` writes one.")
        return report
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        report.notes.append("claims.csv: removed the byte-order mark (BOM) at the start.")
    try:
        original = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        report.problems.append(f"claims.csv: is not valid UTF-8 ({exc.reason} at byte {exc.start}); "
                               "re-save it as UTF-8.")
        return report
    text = original
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        report.notes.append("claims.csv: converted Windows (CRLF) line endings to LF.")
    try:
        records = _records(text)
    except csv.Error as exc:
        report.problems.append(f"claims.csv: cannot be read as CSV ({exc}); check for an "
                               "unclosed double quote.")
        return report
    if not records:
        report.problems.append("claims.csv: is empty; expected a header row.")
        return report
    header = [h.strip() for h in records[0][3]]
    missing = [c for c in ("claim_id", "start", "end", "quote") if c not in header]
    if missing:
        report.problems.append(f"claims.csv:1: the header lacks {', '.join(missing)}; expected "
                               + ",".join(CSV_COLUMNS["claims.csv"][0]) + ".")
        return report
    col = {name: header.index(name) for name in ("claim_id", "start", "end", "quote")}

    out: list[str] = [records[0][1] + records[0][2]]
    for line, body, terminator, values in records[1:]:
        if not values or all(not v.strip() for v in values):
            out.append(body + terminator)
            continue
        where = f"claims.csv:{line}"
        if len(values) != len(header):
            report.problems.append(f"{where}: has {len(values)} fields; expected {len(header)}. "
                                   "A field that contains a comma must be in double quotes.")
            out.append(body + terminator)
            continue
        claim_id = values[col["claim_id"]].strip() or "(no claim_id)"
        where += f" ({claim_id})"
        start_text, end_text, quote = (values[col["start"]], values[col["end"]],
                                       values[col["quote"]])
        start, end = _offset(start_text), _offset(end_text)
        for name, raw_value, number in (("start", start_text, start), ("end", end_text, end)):
            if raw_value.strip() and number is None:
                report.problems.append(f"{where}: column {name!r} is {raw_value!r}; expected a "
                                       "whole number or an empty cell to fill.")
        if (start_text.strip() and start is None) or (end_text.strip() and end is None):
            out.append(body + terminator)
            continue
        new: dict[str, str] = {}
        if start is not None and end is not None:
            if quote or not (0 <= start < end <= len(article)):
                out.append(body + terminator)  # complete, or for `validate` to explain
                continue
            new["quote"] = article[start:end]
            change = OffsetChange(line, claim_id, start, end, quote, new["quote"])
        else:
            if not quote.strip():
                report.problems.append(
                    f"{where}: the quote is empty, so there is nothing to find; expected the "
                    "words of the article this claim rests on, copied from article.txt.")
                out.append(body + terminator)
                continue
            exact = [m for m in locate(article, quote) if m.exact]
            matches = exact or locate(article, quote)
            if start is not None:
                matches = [m for m in matches if m.start == start]
            if end is not None:
                matches = [m for m in matches if m.end == end]
            if not matches:
                given = "" if start is None and end is None else (
                    f" at the given {'start=' + str(start) if start is not None else 'end=' + str(end)}")
                report.problems.append(
                    f"{where}: the quote {quote!r} was not found in article.txt{given}; "
                    "expected a piece of the article. Copy it from article.txt, or try a shorter "
                    'phrase with `coursekit locate CASE "phrase"`.')
                out.append(body + terminator)
                continue
            if len(matches) > 1:
                report.problems.append(
                    f"{where}: the quote {quote!r} occurs {len(matches)} times in article.txt "
                    f"(starts {', '.join(str(m.start) for m in matches)}); expected one. Make the "
                    "quote longer, or fill in start with the one you mean.")
                out.append(body + terminator)
                continue
            match = matches[0]
            new["start"], new["end"] = str(match.start), str(match.end)
            if match.text != quote:
                new["quote"] = match.text
            change = OffsetChange(line, claim_id, match.start, match.end,
                                  quote if "quote" in new else None, new.get("quote"))
        spans = _field_spans(body)
        if len(spans) != len(values):  # cannot splice safely: rewrite the whole row
            values = [new.get(h, v) for h, v in zip(header, values, strict=True)]
            out.append(",".join(_csv_field(v) for v in values) + terminator)
        else:
            pieces, last = [], 0
            for name, (a, b) in zip(header, spans, strict=True):
                if name in new:
                    pieces += [body[last:a], _csv_field(new[name])]
                    last = b
            out.append("".join(pieces) + body[last:] + terminator)
        report.changes.append(change)

    result = "".join(out)
    if report.problems:
        return report
    if result != original or data != claims_path.read_bytes():
        write_text_atomic(claims_path, result)
        report.written = True
    return report


def write_text_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text through a temporary file renamed into place, keeping permissions."""
    write_atomic(path, text)


# --- a new case folder ------------------------------------------------------

ARTICLE_PLACEHOLDER = (
    "PASTE THE ARTICLE HERE: replace this line with the source text, verbatim "
    "(UTF-8, LF line endings), then never edit it again; every offset in claims.csv "
    "counts characters of this file.\n"
)

_OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")

_CASE_TOML = '''\
# Case metadata. Every key must hold a value: `coursekit validate {case_path}`
# lists the empty ones. What each file and column means: docs/authoring-a-case.md.
id = "{case_id}"           # must match the folder name: lower-case letters, digits, - or _
title = ""                  # the article's headline, as published
author = ""                 # who wrote the article (a person or "Staff")
publisher = ""              # where it appeared (newspaper, ministry, think tank)
published = ""              # ISO 8601 date string: "2013-02-18", or "2013-02" if no day is given
url = ""                    # where a reader can find the original
language = "en"             # language code of article.txt (en, fr, de, ru, …)
# Two to four plain sentences for students: who meets or speaks, about what,
# and what the article concludes. A long text can use """ … """ over several lines.
summary = ""

# One [[sides]] table per side, in the order the notebooks show them. Any
# number of sides: add a table for each party, and one for the author if the
# author comments (an analyst is a side of their own), and one for a joint
# body if it acts in its own name. Colours: "#RRGGBB"; these are from the
# colour-blind-safe Okabe-Ito palette ({more_colours} are unused).
[[sides]]
name = ""
colour = "{c0}"

[[sides]]
name = ""
colour = "{c1}"
'''

_README = '''\
# Case `{case_id}`

Created with `coursekit new-case {case_id}`. Replace this paragraph with where the
article comes from (publisher, URL, date retrieved) and who coded the claims.

## Files

| file | what to put in it |
|---|---|
| `article.txt` | the source text, verbatim (UTF-8, LF line endings). Never edit it after claims point into it. |
| `case.toml` | title, author, publisher, date, URL, language, summary, and the sides with colours. |
| `actors.csv` | everyone whose position appears: people, organisations, states, groups. |
| `topics.csv` | what positions are taken on, each with a proposition to support or oppose. |
| `claims.csv` | one row per position-bearing statement, tied to its words in the article. |
| `timeline.csv` | dated events before and after the article (optional rows). |
| `glossary.csv` | terms students need (optional rows). |

CSV files cannot hold comments, so here is a worked example row for each (from
the NATO-Russia case shipped with the kit). Edit the files in a spreadsheet or
a text editor; save as CSV, UTF-8, with a comma as the separator.

`actors.csv` (`side` is a side name from case.toml; `kind` is one of person,
organisation, state, group; `role` and `organisation` may be empty):

```
actor_id,name,role,organisation,side,kind
lavrov,Sergey Lavrov,Minister of Foreign Affairs of the Russian Federation,Russian Federation,Russia,person
```

`topics.csv` (the proposition is a sentence a claim supports or opposes):

```
topic_id,label,proposition,description
arms_cuts,Deeper strategic arms cuts,Russia is ready to accept deeper cuts in strategic nuclear arms.,Further reductions beyond the New START treaty of 2010.
```

`claims.csv` (`mode` is direct_quote, paraphrase, reported_fact or
author_comment; `stance` is support, oppose or neutral toward the topic's
proposition; the last three columns may be empty). Leave `start` and `end`
empty and let `coursekit fill-offsets` count them:

```
claim_id,actor_id,topic_id,start,end,quote,mode,stance,summary,condition,target_id,relayed_via
lavrov-cuts-space,lavrov,arms_cuts,,,Russia will not accept deeper strategic arms cuts unless the US drops plans to deploy weapons in space,paraphrase,oppose,Reported speech: Lavrov says Russia will not accept deeper strategic arms cuts unless the US gives up plans to put weapons in space.,unless the US drops plans to deploy weapons in space,united_states,told Russian journalists
```

`timeline.csv`:

```
date,event,source
2010-04-08,The United States and Russia sign the New START treaty in Prague.,"US Department of State, New START treaty page"
```

`glossary.csv`:

```
term,definition,source
New START,"A US-Russian treaty signed in Prague on 8 April 2010, limiting deployed strategic warheads.","US Department of State, New START treaty page"
```

A cell that contains a comma must be in double quotes; a double quote inside
it is written twice (`""`). A spreadsheet does this for you.

## The loop

1. Paste the article into `article.txt` (or create the case with `--article FILE`).
2. Fill in `case.toml`, then `actors.csv` and `topics.csv`.
3. Add claims with the quote copied from the article and `start`/`end` empty.
   To see where a phrase is: `coursekit locate {case_path} "a phrase"`.
4. `coursekit fill-offsets {case_path}` fills `start` and `end` (and fixes
   straight quotes or plain spaces in a quote to the article's exact characters).
5. `coursekit validate {case_path}` lists every remaining problem with its file,
   line and column. Fix, and run it again until it says `valid`.
6. `coursekit render --case {case_path} --out rendered/{case_id}` runs the
   case-generic notebooks on the case and writes HTML you can open in a browser.

The full guide, with how to choose claims, modes and stances:
`docs/authoring-a-case.md` in the coursekit repository.
'''


def _header(name: str) -> str:
    required, optional = CSV_COLUMNS[name]
    return ",".join((*required, *optional)) + "\n"


def new_case(root: Path | str, case_id: str, article: Path | str | None = None) -> Path:
    """Create ``root/case_id/`` holding every file of the case data contract.

    ``article`` is copied byte for byte into article.txt; without it,
    article.txt holds one line asking for the text.  The CSV files hold
    their header row; case.toml every key, with comments; README.md a
    worked example row for each file and the authoring loop.  The folder
    appears complete or not at all.

    Raises ``ValueError`` for an id that is not ``[a-z0-9_-]+``,
    ``FileExistsError`` if the folder exists and ``FileNotFoundError`` if
    ``article`` does not.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     folder = new_case(root, "water-talks-2024")
    ...     names = sorted(p.name for p in folder.iterdir())
    >>> names  # doctest: +NORMALIZE_WHITESPACE
    ['README.md', 'actors.csv', 'article.txt', 'case.toml', 'claims.csv', 'glossary.csv',
     'timeline.csv', 'topics.csv']
    """
    if not ID_PATTERN.match(case_id):
        raise ValueError(f"case id {case_id!r} is not valid; expected lower-case letters, "
                         "digits, '-' or '_' only (e.g. us-china-2024).")
    root = Path(root)
    folder = root / case_id
    if folder.exists() or folder.is_symlink():
        raise FileExistsError(f"{folder} already exists; nothing was changed. Choose another "
                              "id, or edit the case that is there.")
    if article is not None and not Path(article).is_file():
        raise FileNotFoundError(f"article file {article} does not exist (or is not a file).")
    root.mkdir(parents=True, exist_ok=True)
    case_path = folder.as_posix()
    texts = {
        "case.toml": _CASE_TOML.format(
            case_id=case_id, case_path=case_path, c0=_OKABE_ITO[0], c1=_OKABE_ITO[1],
            more_colours=", ".join(_OKABE_ITO[2:]),
        ),
        "README.md": _README.format(case_id=case_id, case_path=case_path),
        **{name: _header(name) for name in CSV_COLUMNS},
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{case_id}.", dir=root))
    try:
        if article is None:
            (staging / "article.txt").write_text(ARTICLE_PLACEHOLDER, encoding="utf-8",
                                                 newline="\n")
        else:
            shutil.copyfile(article, staging / "article.txt")
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8", newline="\n")
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private
        assert all((staging / name).is_file() for name in CASE_FILES)
        if folder.exists():  # created meanwhile by someone else: do not replace it
            raise FileExistsError(f"{folder} already exists; nothing was changed.")
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
