"""The ``coding`` question kind: its spec, and the verdict the quiz's judge gives for a coding.

A coding question's spec (TOML, ``docs/authoring-exercises.md``)::

    kind = "coding"
    points = 4
    key_from = { paragraphs = [6] }        # optionally: claims = ["lavrov-no-change", ...]
    attributes = ["speaker", "mode", "topic", "stance"]
    threshold = 0.5

The instructor's side scores a coding against the case's claims
(:func:`coding_verdict`); the student copy holds no key and only says what
it has recorded (:func:`recorded_verdict`).  Both return plain
``(status, points, message)`` triples for the quiz's judge to wrap.

>>> from coursekit import load_case
>>> spec = spec_from_toml({"kind": "coding", "key_from": {"paragraphs": [7]}}, load_case("nato-russia-2013"))
>>> spec.claim_ids()
['lavrov-cuts-space', 'lavrov-cuts-guarantees']
>>> coding_verdict(None, spec, 2)[0], recorded_verdict([{"start": 1625, "end": 1727}], spec.case)[0]
('unanswered', 'manual')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .coding import (
    ATTRIBUTES,
    DEFAULT_THRESHOLD,
    CodingResult,
    KeyClaim,
    coding_feedback,
    key_claims,
    parse_coding,
    score_coding,
)

__all__ = ["DEFAULT_ATTRIBUTES", "CodingSpec", "coding_verdict", "recorded_verdict", "spec_from_toml"]

DEFAULT_ATTRIBUTES: tuple[str, ...] = ATTRIBUTES[:4]


@dataclass(frozen=True)
class CodingSpec:
    """What a coding question codes (the passage) and how it is scored."""

    case: Any
    paragraphs: tuple[int, ...]
    claims: tuple[str, ...] = ()
    attributes: tuple[str, ...] = DEFAULT_ATTRIBUTES
    threshold: float = DEFAULT_THRESHOLD

    def key(self) -> list[KeyClaim]:
        return key_claims(self.case, self.paragraphs, self.claims)

    def claim_ids(self) -> list[str]:
        return [k.claim_id for k in self.key()]

    def passage(self) -> list[tuple[int, int]]:
        """The article ranges of the paragraphs students code."""
        rows = self.case.paragraphs
        return [(int(r.start), int(r.end)) for r in rows[rows["number"].isin(list(self.paragraphs))].itertuples()]

    def score(self, value: Any, points: float) -> tuple[CodingResult, list[str]]:
        parsed = parse_coding(value, self.case)
        result = score_coding(self.case, self.key(), parsed.spans, points=points,
                              attributes=self.attributes, threshold=self.threshold)
        return result, parsed.problems

    def self_check_entry(self) -> dict[str, Any]:
        """What the student copy needs to show the annotator: the passage, never the key."""
        return {"paragraphs": list(self.paragraphs), "attributes": list(self.attributes),
                "threshold": self.threshold}


def spec_from_toml(spec: Mapping[str, Any], case: Any) -> CodingSpec:
    """Read and check a coding question's spec; ValueError with a sentence for anything wrong."""
    rule = spec.get("key_from")
    if not isinstance(rule, Mapping) or "paragraphs" not in rule:
        raise ValueError("a coding question needs key_from = { paragraphs = [N, ...] } (the passage to code)")
    unknown = set(rule) - {"paragraphs", "claims"}
    if unknown:
        raise ValueError(f"key_from of a coding question takes paragraphs and claims; not {', '.join(sorted(unknown))}")
    paragraphs = rule["paragraphs"]
    known = set(int(n) for n in case.paragraphs["number"])
    if (not isinstance(paragraphs, list) or not paragraphs
            or not all(isinstance(p, int) and not isinstance(p, bool) for p in paragraphs)):
        raise ValueError("key_from.paragraphs must be a list of paragraph numbers, e.g. [6]")
    missing = [p for p in paragraphs if p not in known]
    if missing:
        raise ValueError(f"paragraph(s) {missing} are not in the article (¶1–¶{max(known)})")
    claims = rule.get("claims", [])
    if not isinstance(claims, list) or not all(isinstance(c, str) for c in claims):
        raise ValueError("key_from.claims must be a list of claim ids")
    attributes = spec.get("attributes", list(DEFAULT_ATTRIBUTES))
    if (not isinstance(attributes, list) or not attributes
            or any(a not in ATTRIBUTES for a in attributes) or len(set(attributes)) != len(attributes)):
        raise ValueError(f"attributes must list some of: {', '.join(ATTRIBUTES)}")
    threshold = spec.get("threshold", DEFAULT_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 < threshold <= 1:
        raise ValueError("threshold must be a number above 0 and at most 1 (token F1), e.g. 0.5")
    result = CodingSpec(case, tuple(paragraphs), tuple(claims), tuple(attributes), float(threshold))
    key = result.key()  # KeyError naming an unknown claim
    if not key:
        raise ValueError(f"no claim of the case starts in ¶{', ¶'.join(map(str, paragraphs))}: nothing to code")
    outside = [k.claim_id for k in key if k.paragraph not in paragraphs]
    if outside:
        raise ValueError(f"claims {outside} are not in the paragraphs students code ({paragraphs})")
    return result


def _unanswered(value: Any) -> bool:
    return value is None or value == [] or value == ()


def coding_verdict(value: Any, spec: CodingSpec, points: float) -> tuple[str, float, str]:
    """(status, points, message) for a coding scored against the key (the instructor's side)."""
    if _unanswered(value):
        return "unanswered", 0.0, "No coding yet: code the passage in the annotator, then save the notebook."
    result, problems = spec.score(value, points)
    message = coding_feedback(spec.case, result)
    if problems:
        message += "\nNot read: " + "; ".join(problems[:5]) + (" …" if len(problems) > 5 else "") + "."
    full = result.points >= points - 1e-9
    return ("correct" if full else "incorrect"), result.points, message


def recorded_verdict(value: Any, case: Any = None) -> tuple[str, float, str]:
    """(status, 0, message) in the student copy: what is recorded, no key and no score.

    With ``case`` the spans are checked against its article and lists too.
    """
    if _unanswered(value):
        return "unanswered", 0.0, "No coding yet: code the passage in the annotator, then save the notebook."
    if case is None:
        count = sum(isinstance(v, Mapping) for v in value) if isinstance(value, list | tuple) else 0
        problems = [] if count else ["a coding is a list of coded spans (dicts)"]
    else:
        parsed = parse_coding(value, case)
        count, problems = len(parsed.spans), parsed.problems
    message = (f"Your coding has {count} coded span(s). It is marked when you save the "
               "notebook and hand it in.")
    if problems:
        message += " Not read: " + "; ".join(problems[:3]) + "."
    return "manual", 0.0, message
