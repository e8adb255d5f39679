"""One tolerant text folder, keeping where each folded character came from.

Two jobs need the same thing: the quiz compares a student's copied phrase
with the article, and the authoring helpers find an author's typed quote in
it.  Both fold the text (curly quotes to straight, dashes to hyphens, runs
of whitespace to one space, …) and map every folded character back to the
source offsets it came from.  They differ only in how much they tolerate,
which a :class:`Folding` states:

* :data:`ANSWERS` (quiz answers): letter case is ignored and compatibility
  forms are folded (NFKC); leading and trailing spaces are dropped;
* :data:`LOCATING` (authoring): case matters; an ellipsis matches ``...``,
  invisible characters (soft hyphens, zero-width spaces) are ignored and a
  letter with combining marks matches its composed form.

>>> fold("  \\u2018Lavrov\\u2019  said ", ANSWERS)[0]
"'lavrov' said"
>>> fold("it''s \\u2026", LOCATING)[0]
'it"s ...'
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["ANSWERS", "LOCATING", "Folding", "fold", "fold_cached"]

_SINGLE = "\u2018\u2019\u201a\u201b\u2032"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033"
_DASHES = "\u2010\u2011\u2012\u2013\u2014"


@dataclass(frozen=True, eq=False)  # hashed by identity, for the cache
class Folding:
    """How tolerant a fold is.

    ``chars`` maps single characters to what they fold to; ``pairs`` are
    two-character sequences that fold to ``"`` (the article's doubled
    ``''``); ``form`` is the Unicode normal form applied to every other
    character (with its combining marks, if ``combine``); ``casefold``
    ignores letter case; ``trim`` drops leading and trailing whitespace.
    """

    chars: Mapping[str, str] = field(default_factory=dict)
    pairs: tuple[str, ...] = ("''",)
    form: str = "NFC"
    casefold: bool = False
    trim: bool = False
    combine: bool = False


ANSWERS = Folding(
    chars={**dict.fromkeys(_SINGLE + "`", "'"), **dict.fromkeys(_DOUBLE, '"'),
           **dict.fromkeys(_DASHES + "\u2212", "-")},
    pairs=("''", "\u2019\u2019"), form="NFKC", casefold=True, trim=True,
)

LOCATING = Folding(
    chars={
        **dict.fromkeys(_SINGLE + "\u02bc", "'"),
        **dict.fromkeys(_DOUBLE + "\u00ab\u00bb", '"'),
        **dict.fromkeys(_DASHES + "\u2015\u2212", "-"),
        "\u2026": "...",
        # invisible characters that a copy from a web page may or may not carry
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    },
    combine=True,
)


def fold(text: str, how: Folding) -> tuple[str, list[int], list[int]]:
    """The folded text and, per folded character, the [start, end) in ``text`` it came from."""
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
            if not how.trim or (out and out[-1] != " "):
                emit(" ", i, j)
            i = j
            continue
        if any(text.startswith(p, i) for p in how.pairs):
            emit('"', i, i + 2)
            i += 2
            continue
        if ch in how.chars:
            piece, j = how.chars[ch], i + 1
        else:
            j = i + 1
            while how.combine and j < n and unicodedata.combining(text[j]):
                j += 1
            piece = unicodedata.normalize(how.form, text[i:j])  # type: ignore[arg-type]
        emit(piece.casefold() if how.casefold else piece, i, j)
        i = j
    while how.trim and out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return "".join(out), starts, ends


@functools.lru_cache(maxsize=8)  # authoring looks up every quote in the same article
def fold_cached(text: str, how: Folding) -> tuple[str, list[int], list[int]]:
    """:func:`fold`, remembered for the last few texts (callers must not change the lists)."""
    return fold(text, how)
