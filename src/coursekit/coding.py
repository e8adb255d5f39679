"""Coding a passage: who speaks, how, on what topic, for or against — scored against the key.

A *coding* is what a student (or the instructor) marks in a passage of the
article: a list of coded spans, each a plain dict of article offsets and
attributes, exactly what the annotator widget saves and what an answer cell
may hold as a literal::

    {"start": 1625, "end": 1727, "speaker": "lavrov", "mode": "paraphrase",
     "topic": "arms_cuts", "stance": "oppose", "condition": "unless the US drops plans ..."}

The key is the case's own claims in the passage (``claims.csv``), so a
corrected claim corrects the key.  Scoring rule (``docs/authoring-exercises.md``):

* spans are compared as sets of word tokens (``\\w+`` runs of the article);
  a key claim counts as **found** when some coded span overlaps it with a
  token F1 of at least the threshold (0.5 unless the spec says otherwise).
  Each coded span finds at most one claim: pairs are taken best F1 first;
* a found claim earns one share for the span and one share per marked
  attribute the coding agrees on (speaker, mode, topic, stance and, where
  the spec marks it, condition); a missed claim earns nothing;
* every key claim is worth the same: ``points / number of key claims``.
  Spans that find no claim cost nothing; the feedback names them.

>>> from coursekit import load_case
>>> case = load_case("nato-russia-2013")
>>> key = key_claims(case, [7])
>>> [k.claim_id for k in key]
['lavrov-cuts-space', 'lavrov-cuts-guarantees']
>>> coding = [{"start": 1612, "end": 1727, "speaker": "lavrov", "mode": "paraphrase",
...            "topic": "arms_cuts", "stance": "oppose"}]
>>> result = score_coding(case, key, parse_coding(coding, case).spans, points=2,
...                       attributes=("speaker", "mode", "topic", "stance"))
>>> result.points, [c.found for c in result.claims]
(1.0, [True, False])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._html import MODE_EXPLANATIONS, MODE_LABELS, STANCE_LABELS, shorten

__all__ = [
    "ATTRIBUTES",
    "CLAIM_COLUMNS",
    "DEFAULT_THRESHOLD",
    "ClaimResult",
    "CodedSpan",
    "CodingResult",
    "KeyClaim",
    "ParsedCoding",
    "TokenIndex",
    "coding_feedback",
    "key_claims",
    "match_spans",
    "parse_coding",
    "score_coding",
    "token_f1",
    "value_label",
]

ATTRIBUTES: tuple[str, ...] = ("speaker", "mode", "topic", "stance", "condition")
# The claims.csv column each attribute is read from for the key.
CLAIM_COLUMNS: dict[str, str] = {"speaker": "actor_id", "mode": "mode", "topic": "topic_id",
                                 "stance": "stance", "condition": "condition"}
DEFAULT_THRESHOLD = 0.5
MAX_SPANS = 200  # a coding with more spans than this is not read (no passage has that many claims)

_WORD = re.compile(r"\w+")


# --- tokens and overlap ---------------------------------------------------------

class TokenIndex:
    """The word tokens of a text, to turn character spans into token sets.

    >>> index = TokenIndex("Russia will not accept deeper cuts.")
    >>> index.ids(0, 11), index.ids(7, 9)
    (range(0, 2), range(1, 2))
    """

    def __init__(self, text: str):
        self.text = text
        self.spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        self._starts = [s for s, _ in self.spans]
        self._ends = [e for _, e in self.spans]

    def ids(self, start: int, end: int) -> range:
        """Indices of the tokens that share at least one character with [start, end)."""
        import bisect

        first = bisect.bisect_right(self._ends, start)  # first token ending after start
        last = bisect.bisect_left(self._starts, end)  # first token starting at or after end
        return range(first, max(first, last))


def token_f1(a: range, b: range) -> float:
    """F1 of two token ranges: 2·|a∩b| / (|a| + |b|); 0 when either is empty.

    >>> token_f1(range(0, 10), range(5, 10))
    0.6666666666666666
    """
    if not len(a) or not len(b):
        return 0.0
    common = max(0, min(a.stop, b.stop) - max(a.start, b.start))
    return 2 * common / (len(a) + len(b))


def _word_f1(a: str, b: str) -> float:
    """F1 of two texts' word multisets (case-folded), for conditions typed by hand."""
    from collections import Counter

    wa = Counter(w.casefold() for w in _WORD.findall(a))
    wb = Counter(w.casefold() for w in _WORD.findall(b))
    total = sum(wa.values()) + sum(wb.values())
    return 2 * sum((wa & wb).values()) / total if total else 0.0


# --- the student's coding ----------------------------------------------------------

@dataclass(frozen=True)
class CodedSpan:
    """One span of a coding, its offsets checked against the article."""

    start: int
    end: int
    speaker: str = ""
    mode: str = ""
    topic: str = ""
    stance: str = ""
    condition: str = ""

    def attribute(self, name: str) -> str:
        return str(getattr(self, name))

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "speaker": self.speaker, "mode": self.mode,
                "topic": self.topic, "stance": self.stance, "condition": self.condition}


@dataclass
class ParsedCoding:
    """The spans that could be read, and a sentence for each entry that could not."""

    spans: list[CodedSpan] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_coding(value: Any, case: Any) -> ParsedCoding:
    """Read a coding (a list of dicts) without trusting it; report what is wrong, never raise.

    >>> from coursekit import load_case
    >>> parse_coding([{"start": 5, "end": 2}], load_case("nato-russia-2013")).problems
    ['span 1: start 5 and end 2 are not a span of the article (0 <= start < end <= 3481)']
    """
    parsed = ParsedCoding()
    if not isinstance(value, list | tuple):
        parsed.problems.append("a coding is a list of coded spans (dicts); found "
                               f"{type(value).__name__}")
        return parsed
    if len(value) > MAX_SPANS:
        parsed.problems.append(f"the coding has {len(value)} spans; more than {MAX_SPANS} are not read")
        return parsed
    known = {"speaker": set(case.actors["actor_id"]), "topic": set(case.topics["topic_id"]),
             "mode": set(MODE_LABELS), "stance": set(STANCE_LABELS)}
    n = len(case.article)
    for number, entry in enumerate(value, 1):
        where = f"span {number}"
        if not isinstance(entry, Mapping):
            parsed.problems.append(f"{where}: expected a dict, found {type(entry).__name__}")
            continue
        start, end = entry.get("start"), entry.get("end")
        if (isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int)
                or not isinstance(end, int) or not 0 <= start < end <= n):
            parsed.problems.append(f"{where}: start {start!r} and end {end!r} are not a span of the "
                                   f"article (0 <= start < end <= {n})")
            continue
        attrs: dict[str, str] = {}
        for name in ATTRIBUTES:
            raw = entry.get(name, "")
            raw = "" if raw is None else raw
            if not isinstance(raw, str):
                parsed.problems.append(f"{where}: {name} should be text; found {type(raw).__name__}")
                raw = ""
            if raw and name in known and raw not in known[name]:
                parsed.problems.append(f"{where}: {name} {shorten(raw, 40)!r} is not one of the case's "
                                       f"{name}s; it counts as not given")
                raw = ""
            attrs[name] = raw[:2000]
        parsed.spans.append(CodedSpan(start, end, **attrs))
    return parsed


# --- the key ---------------------------------------------------------------------------

@dataclass(frozen=True)
class KeyClaim:
    """One claim of the case, as the key of a coding question."""

    claim_id: str
    start: int
    end: int
    paragraph: int
    quote: str
    summary: str
    values: dict[str, str]  # attribute -> the claim's value


def key_claims(case: Any, paragraphs: Iterable[int], claim_ids: Sequence[str] = ()) -> list[KeyClaim]:
    """The claims whose span starts in one of the paragraphs (or exactly ``claim_ids``), in text order."""
    wanted = set(int(p) for p in paragraphs)
    rows = case.claims
    if claim_ids:
        for claim_id in claim_ids:
            case.claim(claim_id)  # KeyError naming an unknown claim
        rows = rows[rows["claim_id"].isin(list(claim_ids))]
    else:
        rows = rows[rows["paragraph"].isin(sorted(wanted))]
    return [KeyClaim(str(r.claim_id), int(r.start), int(r.end), int(r.paragraph), str(r.quote),
                     str(r.summary), {a: str(getattr(r, CLAIM_COLUMNS[a])) for a in ATTRIBUTES})
            for r in rows.itertuples(index=False)]


# --- matching and scoring ------------------------------------------------------------------

def match_spans(index: TokenIndex, key: Sequence[KeyClaim], spans: Sequence[CodedSpan],
                threshold: float = DEFAULT_THRESHOLD) -> list[tuple[int | None, float]]:
    """For each key claim, (index of the coded span that finds it or None, that pair's F1).

    Pairs are taken best F1 first (ties: text order of the claim, then of the
    span); each span and each claim is used once; pairs under ``threshold`` never count.
    """
    key_ids = [index.ids(k.start, k.end) for k in key]
    span_ids = [index.ids(s.start, s.end) for s in spans]
    pairs = sorted(((token_f1(k, s), ki, si) for ki, k in enumerate(key_ids)
                    for si, s in enumerate(span_ids)), key=lambda p: (-p[0], p[1], p[2]))
    found: list[tuple[int | None, float]] = [(None, 0.0)] * len(key)
    used: set[int] = set()
    for f1, ki, si in pairs:
        if f1 < threshold or f1 <= 0:
            break
        if found[ki][0] is None and si not in used:
            found[ki] = (si, f1)
            used.add(si)
    for ki, k in enumerate(key_ids):  # report the best overlap of a missed claim
        if found[ki][0] is None and span_ids:
            found[ki] = (None, max(token_f1(k, s) for s in span_ids))
    return found


@dataclass
class ClaimResult:
    claim: KeyClaim
    span: CodedSpan | None
    f1: float  # the matched span's F1, or a missed claim's best overlap
    agreed: dict[str, bool]  # attribute -> agreed (found claims only)
    share: float  # of this claim's worth, 0..1

    @property
    def found(self) -> bool:
        return self.span is not None


@dataclass
class CodingResult:
    claims: list[ClaimResult]
    unmatched: list[CodedSpan]
    attributes: tuple[str, ...]
    threshold: float
    points: float
    max_points: float


def _agrees(attribute: str, given: str, wanted: str, threshold: float) -> bool:
    if attribute != "condition":
        return given == wanted
    if not wanted.strip() or not given.strip():
        return not wanted.strip() and not given.strip()
    return _word_f1(given, wanted) >= threshold


def score_coding(case: Any, key: Sequence[KeyClaim], spans: Sequence[CodedSpan], *, points: float,
                 attributes: Sequence[str] = ATTRIBUTES[:4],
                 threshold: float = DEFAULT_THRESHOLD) -> CodingResult:
    """Score a coding against the key claims (see the module docstring for the rule)."""
    index = TokenIndex(case.article)
    matches = match_spans(index, key, spans, threshold)
    per_claim = points / len(key) if key else 0.0
    results, total = [], 0.0
    for claim, (si, f1) in zip(key, matches, strict=True):
        if si is None:
            results.append(ClaimResult(claim, None, f1, {}, 0.0))
            continue
        span = spans[si]
        agreed = {a: _agrees(a, span.attribute(a), claim.values[a], threshold) for a in attributes}
        share = (1 + sum(agreed.values())) / (1 + len(attributes))
        total += share * per_claim
        results.append(ClaimResult(claim, span, f1, agreed, share))
    used = {id(r.span) for r in results if r.span is not None}
    unmatched = [s for s in spans if id(s) not in used]
    return CodingResult(results, unmatched, tuple(attributes), threshold, round(total, 6), float(points))


# --- feedback ------------------------------------------------------------------------------------

def value_label(case: Any, attribute: str, value: str) -> str:
    """How an attribute's value reads for students: a speaker's name, a topic's label, a mode's words."""
    if not value:
        return "nothing"
    if attribute == "speaker":
        known = case.actors["actor_id"] == value
        return str(case.actors.loc[known, "name"].iloc[0]) if known.any() else value
    if attribute == "topic":
        known = case.topics["topic_id"] == value
        return str(case.topics.loc[known, "label"].iloc[0]) if known.any() else value
    if attribute == "mode":
        return MODE_LABELS.get(value, value)
    if attribute == "stance":
        return STANCE_LABELS.get(value, value)
    return f"“{shorten(value, 80)}”"


def _quote(case: Any, start: int, end: int, width: int = 70) -> str:
    return f"“{shorten(case.article[start:end], width)}”"


def coding_feedback(case: Any, result: CodingResult) -> str:
    """Plain-text feedback: what was found, what was missed, what was mis-attributed and why."""
    found = sum(r.found for r in result.claims)
    paragraphs = sorted({r.claim.paragraph for r in result.claims})
    where = ", ".join(f"¶{p}" for p in paragraphs)
    lines = [f"You found {found} of {len(result.claims)} claim(s) of the key in {where} "
             f"(a span counts as found when its words overlap the claim's with F1 of at least "
             f"{result.threshold:g})."]
    for r in result.claims:
        claim = r.claim
        who = value_label(case, "speaker", claim.values["speaker"])
        if not r.found:
            near = f" (your closest span overlapped it with F1 {r.f1:.2f})" if r.f1 > 0 else ""
            lines.append(f"- Missed: {_quote(case, claim.start, claim.end)} — {who}, "
                         f"{MODE_LABELS.get(claim.values['mode'], claim.values['mode'])}{near}. "
                         f"{claim.summary}")
            continue
        wrong = [a for a in result.attributes if not r.agreed[a]]
        right = [a for a in result.attributes if r.agreed[a]]
        line = f"- Found {_quote(case, claim.start, claim.end)} (F1 {r.f1:.2f})."
        if right:
            line += f" Agreed: {', '.join(right)}."
        for attribute in wrong:
            assert r.span is not None
            given = value_label(case, attribute, r.span.attribute(attribute))
            wanted = value_label(case, attribute, claim.values[attribute])
            line += f" {attribute.capitalize()}: you gave {given}; the key says {wanted}"
            if attribute == "mode":
                line += f" ({MODE_EXPLANATIONS.get(claim.values['mode'], '')})"
            line += "."
        if wrong:
            line += f" Why: {claim.summary}"
        lines.append(line)
    if result.unmatched:
        shown = "; ".join(_quote(case, s.start, s.end, 50) for s in result.unmatched[:5])
        lines.append(f"{len(result.unmatched)} of your span(s) match no claim of the key (no points "
                     f"lost): {shown}.")
    return "\n".join(lines)
