"""The student copy's check: salted digests of the canonical answers, never the key.

Built by the release from :meth:`ExerciseSet.self_check_data`.  A correct
answer reproduces the digest and unlocks the explanation; anything else
gets the same hints the instructor's check gives (the same judge decides).
Closed questions have few possible answers, so the digests keep keys out of
sight rather than secret: grades come from the instructor's key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .answers import answer_source
from .article import ArticleIndex
from .feedback import Feedback, say
from .judge import Rules, judge

__all__ = ["SelfCheck", "StudentCheck", "digest", "seal", "unseal"]


def digest(salt: str, qid: str, canon: str) -> str:
    return hashlib.sha256(f"check\0{salt}\0{qid}\0{canon}".encode()).hexdigest()


def _keystream(salt: str, qid: str, canon: str, length: int) -> bytes:
    seed = f"explain\0{salt}\0{qid}\0{canon}".encode()
    blocks = (hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(salt: str, qid: str, canon: str, text: str) -> str:
    """The explanation, readable only with the correct answer (XOR with a SHA-256 keystream)."""
    data = text.encode()
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, qid, canon, len(data)), strict=True)).hex()


def unseal(salt: str, qid: str, canon: str, sealed: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, qid, canon, len(data)), strict=True)).decode()


class _DigestSide:
    """The judge's questions answered from one question's digest (see :class:`~coursekit.quiz.judge.Side`)."""

    def __init__(self, check: StudentCheck, qid: str):
        self.check, self.qid = check, qid
        self.entry = check.questions[qid]

    def matches(self, canon: str) -> bool:
        return digest(self.check.salt, self.qid, canon) == self.entry.get("digest")

    def explanation_for(self, canon: str) -> str:
        return unseal(self.check.salt, self.qid, canon, self.entry["sealed"])

    def points_for(self, value: Any, correct: bool) -> float:
        return 1.0 if correct else 0.0

    def article(self) -> ArticleIndex:
        return self.check.article()

    def coding_spec(self) -> Any:
        return None  # the student copy holds no key: a coding is recorded, not scored


class StudentCheck:
    """Checks answers in a student copy from salted digests; holds no key.

    Released notebooks create it as ``SelfCheck.from_json(...)``: the name
    :data:`SelfCheck` stays for them.
    """

    def __init__(self, data: Mapping[str, Any]):
        self.data = dict(data)
        self.salt = str(data["salt"])
        self.questions: dict[str, dict[str, Any]] = dict(data["questions"])
        self._index: ArticleIndex | None = None

    @classmethod
    def from_json(cls, text: str) -> StudentCheck:
        return cls(json.loads(text))

    def article(self) -> ArticleIndex:
        if self._index is None:
            from ..cases import load_case

            self._index = ArticleIndex.from_case(load_case(self.data["case"]))
        return self._index

    def rules(self, qid: str) -> Rules:
        q = self.questions[qid]
        return Rules(qid, q["kind"], tuple(q.get("options", ())), tuple(q.get("items", ())),
                     float(q.get("tolerance", 0)), int(q.get("min_words", 3)), q.get("hint", ""),
                     q.get("rubric", ""))

    def feedback(self, qid: str, value: Any, source: str | None = None) -> Feedback:
        """The feedback for one answer; ``source`` is the answer cell, when known."""
        return judge(self.rules(qid), value, _DigestSide(self, qid), source)

    def check(self, qid: str, value: Any) -> Any:
        """Print the feedback for one answer, judging the answer cell the grader will read.

        A coding question's check shows the annotator for its passage instead.
        """
        q = self.questions[qid]
        if q["kind"] == "coding":
            from ..annotator import exercise_annotator

            return exercise_annotator(self.data["case"], qid, str(self.data.get("set_id", "")),
                                      q["paragraphs"], q.get("attributes", ()), value)
        say(self.feedback(qid, value, answer_source(qid)).message)
        return None


SelfCheck = StudentCheck  # the name released notebooks import
