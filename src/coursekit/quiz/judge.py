"""One judging function per question kind, for the instructor's check and the student copy's alike.

A judge knows what both sides know about a question (its :class:`Rules`:
kind, accepted forms, hint) and asks the side (a :class:`Side`) only what
the side alone knows: whether a canonical answer is the key (the instructor
compares with the key, the student copy compares salted digests), the
message for a correct answer, and the points.  So both sides accept
exactly the same answers and give the same messages.

>>> rules = Rules("q1", "single", options=("Lavrov", "Rasmussen"), hint="Who spoke?")
>>> canonical(rules, " lavrov ")
('lavrov', '')
>>> print(canonical(rules, "Putin")[1])
'Putin' is not one of the options: "Lavrov", "Rasmussen".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from .answers import parse_answer, unreadable_message
from .article import ArticleIndex, phrase_key, text_key
from .feedback import PARTLY_INSIDE, TOO_SHORT, UNANSWERED, Feedback

__all__ = ["GENERIC_GUIDE", "JUDGES", "QuizCheck", "Rules", "Side", "canonical", "content_words",
           "correct_message", "covers", "is_unanswered", "judge", "judge_coding", "manual_message",
           "partial_message"]


@dataclass(frozen=True)
class Rules:
    """What both sides know about a question; never its key."""

    qid: str
    kind: str
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    tolerance: float = 0.0
    min_words: int = 3
    hint: str = ""
    guide: str = ""  # free text: what a good answer covers, in general terms (never the rubric)
    min_share: float = 0.5  # span: share of the passage's content words a phrase must cover


class Side(Protocol):
    """What one side knows about the correct answer."""

    def matches(self, canon: str) -> bool:
        """Whether this canonical answer (a claim id for span questions) is the key."""

    def explanation_for(self, canon: str) -> str:
        """The message for a correct answer (the student copy unseals it with the answer)."""

    def points_for(self, value: Any, correct: bool) -> float:
        """What the answer earns."""

    def article(self) -> ArticleIndex:
        """The article and claim spans, for span questions."""

    def coding_spec(self) -> Any:
        """A coding question's :class:`~coursekit.coding_judge.CodingSpec` with its key, or None
        where the side holds no key (the student copy)."""

    def count_right(self, value: Any) -> tuple[int, int]:
        """Multiple select and matching: (parts answered right, parts), for a well-formed answer."""


@runtime_checkable
class QuizCheck(Protocol):
    """What ``quiz`` offers in a notebook: the instructor source's set and the student copy's check."""

    def feedback(self, qid: str, value: Any, source: str | None = None) -> Feedback:
        """The feedback for one answer; ``source`` is the answer cell's source, when known."""

    def check(self, qid: str, value: Any) -> Any:
        """Print the feedback for one answer, judging the answer cell found in the input history
        (a coding question's check returns the annotator to show instead)."""


# --- messages -------------------------------------------------------------------

def incorrect_message(hint: str, extra: str = "") -> str:
    parts = ["Not correct yet."]
    if extra:
        parts.append(extra)
    if hint:
        parts.append(f"Hint: {hint}")
    return " ".join(parts)


def correct_message(explanation: str, paragraph: int | None) -> str:
    cite = f" (¶{paragraph})" if paragraph else ""
    return f"Correct. {explanation.strip()}{cite}".strip()


GENERIC_GUIDE = ("a clear position, backed by the passages of the article that support it, "
                 "with who said what kept apart from what the author concludes")


def manual_message(guide: str) -> str:
    return ("Your instructor marks written answers by hand, once you save this notebook and "
            f"hand it in. A good answer here covers: {(guide or GENERIC_GUIDE).strip()}")


def partial_message(kind: str, right: int, parts: int) -> str:
    """How much of a partly right multiple-select or matching answer is right."""
    if kind == "multiple":
        return (f"{right} of the {parts} options are chosen or left out as they should be; "
                "look again at the others.")
    return f"{right} of the {parts} items are matched right; look again at the others."


def is_unanswered(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- canonical forms of closed questions ---------------------------------------------

def _listing(values: Iterable[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


Form = tuple[str | None, str]  # (canonical form, "") or (None, hint about the expected form)


def _single(rules: Rules, value: Any) -> Form:
    if not isinstance(value, str):
        return None, f"Write one of the options as a string in quotes: {_listing(rules.options)}."
    if text_key(value) not in {text_key(o) for o in rules.options}:
        return None, f"{value!r} is not one of the options: {_listing(rules.options)}."
    return text_key(value), ""


def _multiple(rules: Rules, value: Any) -> Form:
    if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
        return None, 'Write a list of options in square brackets, e.g. ["a", "c"].'
    opts = {text_key(o) for o in rules.options}
    unknown = [v for v in value if text_key(v) not in opts]
    if unknown:
        return None, f"Not among the options: {_listing(unknown)}. Choose from {_listing(rules.options)}."
    return json.dumps(sorted({text_key(v) for v in value})), ""


def _matching(rules: Rules, value: Any) -> Form:
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None, 'Write a dict in curly brackets, e.g. {"a": "...", "b": "..."}.'
    pairs = {text_key(k): text_key(v) for k, v in value.items()}
    if set(pairs) != {text_key(i) for i in rules.items} or len(pairs) != len(value):
        return None, f"Match each item exactly once; the items are {_listing(rules.items)}."
    opts = {text_key(o) for o in rules.options}
    bad = [v for v in value.values() if text_key(v) not in opts]
    if bad:
        return None, f"Not among the choices: {_listing(bad)}. Choose from {_listing(rules.options)}."
    return json.dumps(sorted(pairs.items())), ""


def _ordering(rules: Rules, value: Any) -> Form:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        return None, 'Write a list in square brackets, e.g. ["c", "a", "b"].'
    keys = [text_key(v) for v in value]
    if sorted(keys) != sorted(text_key(i) for i in rules.items):
        return None, f"Use each item exactly once: {_listing(rules.items)}."
    return json.dumps(keys), ""


def _numeric(rules: Rules, value: Any) -> Form:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None, "Write a number without quotes, e.g. 12 or 3.5."
    # Numbers are compared on a grid: rounded to the nearest multiple of the tolerance.
    if rules.tolerance > 0:
        return str(math.floor(float(value) / rules.tolerance + 0.5)), ""
    return repr(float(value)), ""


_FORMS: dict[str, Callable[[Rules, Any], Form]] = {
    "single": _single, "multiple": _multiple, "matching": _matching, "ordering": _ordering,
    "numeric": _numeric,
}


def canonical(rules: Rules, value: Any) -> Form:
    """(canonical form, "") for a well-formed answer to a closed question, or (None, hint about the form)."""
    if rules.kind not in _FORMS:
        raise ValueError(f"no canonical form for kind {rules.kind!r}")
    return _FORMS[rules.kind](rules, value)


# --- the judges -------------------------------------------------------------------------

def judge_closed(rules: Rules, value: Any, side: Side) -> Feedback:
    """Single, multiple, matching, ordering and numeric: a well-formed answer compared in canonical form."""
    canon, form_hint = canonical(rules, value)
    if canon is None:
        return Feedback("incorrect", 0.0, incorrect_message("", form_hint), form_hint)
    if side.matches(canon):
        return Feedback("correct", side.points_for(value, True), side.explanation_for(canon))
    note = ""
    if rules.kind in ("multiple", "matching"):
        right, parts = side.count_right(value)
        if right:
            note = partial_message(rules.kind, right, parts)
    return Feedback("incorrect", side.points_for(value, False), incorrect_message(rules.hint, note), note)


_STOP_WORDS = frozenset("""
a an the and or but nor if unless as at by for from in into of on onto to with without within
is are was were be been being am do does did has have had it its it's this that these those there
their they them he him his she her we our us you your i me my not no so than then too very can
will would shall should may might must also only just out up over about
""".split())


def content_words(text: str) -> set[str]:
    """The words of a passage that carry its content (folded; stop words left out).

    >>> sorted(content_words("as it turns out, the NATO website"))
    ['nato', 'turns', 'website']
    """
    words = set(re.findall(r"\w+", phrase_key(text)))
    return words - _STOP_WORDS


def covers(phrase: str, passage: str, share: float) -> bool:
    """Whether a phrase holds at least ``share`` of the passage's content words."""
    wanted = content_words(passage) or set(re.findall(r"\w+", phrase_key(passage)))
    return bool(wanted) and len(content_words(phrase) & wanted) >= share * len(wanted)


def judge_span(rules: Rules, value: Any, side: Side) -> Feedback:
    """A phrase copied from the article: right when it is the key passage's own words in substance.

    The phrase must lie inside the key claim's span and hold at least
    ``min_share`` of that span's content words.  A phrase that could belong
    to several passages, or holds too little of the one it is in, is "too
    short to tell which passage you mean" (said alike for right and wrong
    passages, so the message gives nothing away).
    """
    if not isinstance(value, str):
        return Feedback("incorrect", 0.0, incorrect_message("Paste the phrase as a string in quotes."))
    if len(phrase_key(value).split()) < rules.min_words:
        return Feedback("incorrect", 0.0, incorrect_message(
            f"Copy a longer phrase: at least {rules.min_words} words from the article."))
    index = side.article()
    places = index.locate(value)
    if not places:
        return Feedback("incorrect", 0.0, incorrect_message(
            "This phrase is not in the article as written. Copy it from the article rather than typing it."))
    holders = list(dict.fromkeys(c for s, e in places for c in index.inside(s, e)))
    full = [c for c in holders if covers(value, index.text_of(c), rules.min_share)]
    target = next((c for c in full if side.matches(c)), None)
    if target is not None:
        return Feedback("correct", side.points_for(value, True), side.explanation_for(target))
    if holders and (len(holders) > 1 or not full):
        return Feedback("incorrect", 0.0, TOO_SHORT)
    if not holders and any(side.matches(c) for s, e in places for c in index.overlapping(s, e)):
        return Feedback("incorrect", 0.0, PARTLY_INSIDE)
    return Feedback("incorrect", 0.0, incorrect_message(rules.hint))


def judge_text(rules: Rules, value: Any, side: Side) -> Feedback:
    """Free text: marked by hand; the check only says what the instructor looks for."""
    if not isinstance(value, str):
        return Feedback("incorrect", 0.0, incorrect_message("", "Write your answer as text in quotes."))
    return Feedback("manual", 0.0, manual_message(rules.guide))


def judge_coding(rules: Rules, value: Any, side: Side) -> Feedback:
    """A coding of a passage: scored per claim of the key; the student copy only says what it holds."""
    from ..coding_judge import coding_verdict, recorded_verdict

    spec = side.coding_spec()
    if spec is None:
        status, points, message = recorded_verdict(value, None)
    else:
        status, points, message = coding_verdict(value, spec, side.points_for(value, True))
    return Feedback(status, points, message)


JUDGES: dict[str, Callable[[Rules, Any, Side], Feedback]] = {
    "single": judge_closed, "multiple": judge_closed, "matching": judge_closed,
    "ordering": judge_closed, "numeric": judge_closed, "span": judge_span, "text": judge_text,
    "coding": judge_coding,
}


def judge(rules: Rules, value: Any, side: Side, source: str | None = None) -> Feedback:
    """The feedback for one answer, the same on either side.

    ``source`` is the answer cell as the grader will read it, when known: an
    answer cell the grader cannot read gets status ``invalid`` and the
    grader's own reason, whatever the value it computed; a readable one is
    judged by the literal in it, as the grader judges it.
    """
    if source is not None:
        read = parse_answer(rules.qid, source)
        if read.status != "ok":
            return Feedback("invalid", 0.0, unreadable_message(read.message))
        value = read.value  # what the grader will read, even if the check was handed something else
    if is_unanswered(value):
        return Feedback("unanswered", 0.0, UNANSWERED)
    return JUDGES[rules.kind](rules, value, side)
