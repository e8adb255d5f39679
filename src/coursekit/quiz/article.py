"""Text answers in the form they are compared in, and the article index span questions use."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..textfold import ANSWERS, fold

__all__ = ["ArticleIndex", "phrase_key", "text_key"]

_EDGE_PUNCT = " .,;:!?\"'()"


def text_key(value: str) -> str:
    """The form text answers are compared in: case, spacing and quote style ignored.

    >>> text_key("  Direct_Quote ")
    'direct_quote'
    """
    return fold(value, ANSWERS)[0]


def phrase_key(value: str) -> str:
    """A copied phrase, normalised, without punctuation or quote marks at its ends."""
    return text_key(value).strip(_EDGE_PUNCT)


class ArticleIndex:
    """Finds a copied phrase in the article and the claims whose spans hold it."""

    def __init__(self, article: str, spans: Iterable[tuple[str, int, int]]):
        self.article = article
        self.spans = [(str(c), int(s), int(e)) for c, s, e in spans]
        self._norm, self._starts, self._ends = fold(article, ANSWERS)

    @classmethod
    def from_case(cls, case: Any) -> ArticleIndex:
        return cls(case.article, zip(case.claims["claim_id"], case.claims["start"],
                                     case.claims["end"], strict=True))

    def locate(self, phrase: str) -> list[tuple[int, int]]:
        """Every place (source offsets, end exclusive) where the normalised phrase occurs."""
        key = phrase_key(phrase)
        found: list[tuple[int, int]] = []
        if not key:
            return found
        at = self._norm.find(key)
        while at != -1:
            found.append((self._starts[at], self._ends[at + len(key) - 1]))
            at = self._norm.find(key, at + 1)
        return found

    def text_of(self, claim_id: str) -> str:
        """The article text of one claim's span."""
        for c, s, e in self.spans:
            if c == claim_id:
                return self.article[s:e]
        raise KeyError(claim_id)

    def inside(self, start: int, end: int) -> list[str]:
        """Claims whose span contains [start, end) entirely."""
        return [c for c, s, e in self.spans if s <= start and end <= e]

    def overlapping(self, start: int, end: int) -> list[str]:
        """Claims whose span shares at least one character with [start, end)."""
        return [c for c, s, e in self.spans if s < end and start < e]
