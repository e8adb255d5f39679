"""The student copy's check: salted digests of the canonical answers, never the key.

Built by the release from :meth:`ExerciseSet.self_check_data`.  A correct
answer reproduces the digest and unlocks the explanation; anything else
gets the same hints the instructor's check gives (the same judge decides).
Closed questions have few possible answers, so the digests keep keys out of
sight rather than secret: anyone can try every answer offline, and grades
come from the instructor's key.  Each digest is key-stretched (PBKDF2-HMAC-
SHA256, ``ITERATIONS`` rounds, salted per release) so that trying every
answer takes minutes rather than a second, while one check stays well under
50 ms (``benchmarks/bench_selfcheck.py``).  Multiple select and matching also
carry one plain digest per option or item, so the copy can say how many are
right; those keys can be recovered option by option (documented in
``docs/authoring-exercises.md``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .answers import answer_source
from .article import ArticleIndex
from .display import install_answer_help, show
from .feedback import Feedback
from .judge import Rules, judge

__all__ = ["ITERATIONS", "SelfCheck", "StudentCheck", "digest", "item_digest", "parts_of", "pbkdf2_sha256", "seal",
           "stretch", "unseal"]


ITERATIONS = 40_000  # PBKDF2 rounds per digest: about 13 ms of CPU on this machine (benchmarks/bench_selfcheck.py)


def pbkdf2_sha256(password: bytes, salt: bytes, iterations: int) -> bytes:
    """PBKDF2-HMAC-SHA256 (RFC 8018, one 32-byte block) without OpenSSL.

    Pyodide's Python (the JupyterLite site) has no ``hashlib.pbkdf2_hmac``:
    CPython 3.12 dropped its pure-Python fallback, which this is.  Same bytes
    as ``hashlib.pbkdf2_hmac("sha256", …)``.

    >>> pbkdf2_sha256(b"pw", b"salt", 3) == hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 3)
    True
    """
    key = password if len(password) <= 64 else hashlib.sha256(password).digest()
    key = key.ljust(64, b"\0")
    inner, outer = hashlib.sha256(bytes(b ^ 0x36 for b in key)), hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def prf(message: bytes) -> bytes:
        i, o = inner.copy(), outer.copy()
        i.update(message)
        o.update(i.digest())
        return o.digest()

    block = prf(salt + b"\0\0\0\1")
    result = int.from_bytes(block, "big")
    for _ in range(iterations - 1):
        block = prf(block)
        result ^= int.from_bytes(block, "big")
    return result.to_bytes(32, "big")


_PBKDF2 = getattr(hashlib, "pbkdf2_hmac", None)


def stretch(salt: str, qid: str, canon: str, iterations: int = ITERATIONS) -> bytes:
    """The slow part: one key-stretched secret per (release, question, answer)."""
    password, salted = f"{qid}\0{canon}".encode(), f"coursekit\0{salt}".encode()
    if _PBKDF2 is not None:
        return _PBKDF2("sha256", password, salted, iterations)
    return pbkdf2_sha256(password, salted, iterations)


def digest(secret: bytes) -> str:
    return hashlib.sha256(b"check\0" + secret).hexdigest()


def item_digest(salt: str, qid: str, part: str) -> str:
    """A plain digest of one part of an answer (an option chosen or not, an item's match)."""
    return hashlib.sha256(f"part\0{salt}\0{qid}\0{part}".encode()).hexdigest()


def _keystream(secret: bytes, length: int) -> bytes:
    seed = b"explain\0" + secret
    blocks = (hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def seal(secret: bytes, text: str) -> str:
    """The explanation, readable only with the correct answer (XOR with a SHA-256 keystream)."""
    data = text.encode()
    return bytes(a ^ b for a, b in zip(data, _keystream(secret, len(data)), strict=True)).hex()


def unseal(secret: bytes, sealed: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(secret, len(data)), strict=True)).decode()


def parts_of(kind: str, options: tuple[str, ...], value: Any) -> list[str]:
    """The parts of a multiple-select or matching answer that get a digest each (folded text)."""
    from .article import text_key

    if kind == "multiple":
        chosen = {text_key(v) for v in value}
        return [f"{text_key(o)}\0{'in' if text_key(o) in chosen else 'out'}" for o in options]
    return sorted(f"{text_key(k)}\0{text_key(v)}" for k, v in value.items())


class _DigestSide:
    """The judge's questions answered from one question's digest (see :class:`~coursekit.quiz.judge.Side`)."""

    def __init__(self, check: StudentCheck, qid: str):
        self.check, self.qid = check, qid
        self.entry = check.questions[qid]

    def _secret(self, canon: str) -> bytes:
        return self.check.secret(self.qid, canon)

    def matches(self, canon: str) -> bool:
        return digest(self._secret(canon)) == self.entry.get("digest")

    def explanation_for(self, canon: str) -> str:
        return unseal(self._secret(canon), self.entry["sealed"])

    def count_right(self, value: Any) -> tuple[int, int]:
        wanted = self.entry.get("parts", [])
        mine = [item_digest(self.check.salt, self.qid, p)
                for p in parts_of(self.entry["kind"], tuple(self.entry.get("options", ())), value)]
        return len(set(mine) & set(wanted)), len(wanted)

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
        self.iterations = int(data.get("iterations", ITERATIONS))
        self._index: ArticleIndex | None = None
        self._secrets: dict[tuple[str, str], bytes] = {}

    def secret(self, qid: str, canon: str) -> bytes:
        """The stretched secret of one answer, computed once per answer."""
        if (qid, canon) not in self._secrets:
            self._secrets[qid, canon] = stretch(self.salt, qid, canon, self.iterations)
        return self._secrets[qid, canon]

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
                     q.get("guide", ""), float(q.get("min_share", 0.5)))

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
        show(self.feedback(qid, value, answer_source(qid)))
        return None

    def install_answer_help(self) -> bool:
        """A friendly sentence instead of a NameError traceback in answer cells (see :mod:`.display`)."""
        return install_answer_help()


SelfCheck = StudentCheck  # the name released notebooks import
