"""Finding a typed phrase in the article, with the tolerance of :data:`coursekit.textfold.LOCATING`.

>>> article = "He said: \\u201cRussia\\u2019s\\u00a0position is clear.\\u201d"
>>> [(m.start, m.end, m.exact) for m in locate(article, "Russia's position")]
[(10, 27, False)]
>>> locate(article, "Russia's position")[0].text == "Russia\\u2019s\\u00a0position"
True
>>> [(m.start, m.end, m.exact) for m in locate(article, "position")]
[(19, 27, True)]
>>> locate(article, "NATO")
[]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..textfold import LOCATING, fold_cached

__all__ = ["Match", "char_name", "describe_difference", "find_all", "locate"]


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


def find_all(haystack: str, needle: str) -> list[int]:
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
    for at in find_all(article, phrase):
        spans[(at, at + len(phrase))] = True
    folded_phrase, _, _ = fold_cached(phrase, LOCATING)
    if folded_phrase.strip():
        folded, starts, ends = fold_cached(article, LOCATING)
        for at in find_all(folded, folded_phrase):
            span = (starts[at], ends[at + len(folded_phrase) - 1])
            spans.setdefault(span, article[span[0] : span[1]] == phrase)
    return [
        Match(start, end, article[start:end], exact, article.count("\n", 0, start) + 1)
        for (start, end), exact in sorted(spans.items())
    ]


CONTROL_NAMES = {"\n": "a line break", "\t": "a tab", "\r": "a carriage return"}


def char_name(ch: str) -> str:
    """A character's Unicode name and code point, for messages."""
    if ch in CONTROL_NAMES:
        return CONTROL_NAMES[ch]
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
    typed_fold, typed_starts, typed_ends = fold_cached(typed, LOCATING)
    found_fold, found_starts, found_ends = fold_cached(found, LOCATING)
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    for k in range(min(len(typed_fold), len(found_fold))):
        a = typed[typed_starts[k] : typed_ends[k]]
        b = found[found_starts[k] : found_ends[k]]
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        if b.isspace() and a.isspace():
            what = " and ".join(char_name(c) for c in dict.fromkeys(b) if c != " ")
            typed_what = "a space" if a == " " else " and ".join(char_name(c) for c in dict.fromkeys(a))
            notes.append(f"the article has {what} where you typed {typed_what}")
        else:
            names = ", ".join(char_name(c) for c in b)
            notes.append(f"the article has {b} ({names}) where you typed {a}")
    return "; ".join(notes) or "the article's text differs only in invisible characters"
