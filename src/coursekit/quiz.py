"""Quiz exercises: questions, checking rules, answer reading, student self-check.

An exercise set is one instructor source notebook under ``exercises/``.  Each
question there is four cells, found by their tags (see
``docs/authoring-exercises.md``):

* a markdown cell tagged ``question:q1`` — the question as students read it;
* a raw cell tagged ``instructor`` and ``spec:q1`` — the question's spec in
  TOML (kind, points, options, where the key comes from, hint, explanation);
* a code cell tagged ``answer:q1`` — ``q1 = <literal>``: in the source the
  literal *is* the solution, in the student copy it is ``None``;
* a code cell tagged ``check:q1`` — ``quiz.check("q1", q1)``.

Keys are derived from the case data where the spec says so
(``key_from = {claim = "lavrov-no-change", field = "actor_id"}``), so a
corrected claim corrects the key.  The student copy never holds a key: it
gets a :class:`SelfCheck`, which compares salted SHA-256 digests of the
normalised answer and decrypts the explanation only with a correct answer.

>>> text_key("  ‘Lavrov’ ") == text_key("'lavrov'")
True
"""

from __future__ import annotations

import ast
import hashlib
import json
import math
import re
import secrets
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

__all__ = [
    "KINDS",
    "Answer",
    "ArticleIndex",
    "ExerciseError",
    "ExerciseSet",
    "Feedback",
    "Question",
    "SelfCheck",
    "load_exercise_set",
    "read_answers",
    "text_key",
]

KINDS = ("single", "multiple", "matching", "ordering", "numeric", "span", "text")
STATUSES = ("correct", "incorrect", "unanswered", "manual")
ANSWER_STATUSES = ("ok", "missing", "duplicate", "invalid")

# Question ids are Python names, since the answer cell assigns to them.
QID = re.compile(r"^[a-z][a-z0-9_]*$")
TAG_QUESTION, TAG_SPEC, TAG_ANSWER, TAG_CHECK = "question:", "spec:", "answer:", "check:"
TAG_INSTRUCTOR, TAG_SETUP = "instructor", "setup"

UNANSWERED = "Not answered yet: replace None with your answer, then run this cell again."
PARTLY_INSIDE = (
    "Not correct yet: your phrase overlaps the right passage only partly. "
    "Keep to the words of that passage: shorten the phrase so it starts and ends inside it."
)


class ExerciseError(ValueError):
    """An exercise source that cannot be used, with every problem found."""

    def __init__(self, source: str | Path, problems: list[str]):
        self.source = str(source)
        self.problems = problems
        super().__init__(f"{source}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))


# --- normalisation ----------------------------------------------------------

_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "`": "'"}
_DASHES = {"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"}


def _normalise_mapped(text: str) -> tuple[str, list[int], list[int]]:
    """Normalise text and keep, for each output character, its source [start, end).

    Curly quotes become straight, the article's doubled ``''`` becomes ``"``,
    dashes become ``-``, every run of whitespace (non-breaking spaces
    included) becomes one space, and letters are case-folded.
    """
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            if out and out[-1] != " ":
                out.append(" ")
                starts.append(i)
                ends.append(j)
            i = j
            continue
        if text.startswith("''", i) or text.startswith("\u2019\u2019", i):
            pieces, width = '"', 2
        else:
            c = _QUOTES.get(ch, _DASHES.get(ch, ch))
            pieces, width = unicodedata.normalize("NFKC", c).casefold(), 1
        for p in pieces:
            out.append(p)
            starts.append(i)
            ends.append(i + width)
        i += width
    while out and out[-1] == " ":
        out.pop()
        starts.pop()
        ends.pop()
    return "".join(out), starts, ends


def text_key(value: str) -> str:
    """The form text answers are compared in: case, spacing and quote style ignored.

    >>> text_key("  Direct_Quote ")
    'direct_quote'
    """
    return _normalise_mapped(value)[0]


_EDGE_PUNCT = " .,;:!?\"'()"


def _phrase_key(value: str) -> str:
    """A copied phrase, normalised, without punctuation or quote marks at its ends."""
    return text_key(value).strip(_EDGE_PUNCT)


# --- feedback and answers ----------------------------------------------------

@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer.

    ``status`` is one of ``correct``, ``incorrect``, ``unanswered``, ``manual``
    (free text, marked by the instructor); ``points`` is what the answer
    earns (partial credit for multiple select and matching); ``message`` is
    the plain text a student sees.
    """

    status: str
    points: float
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Answer:
    """One answer as read from a notebook, never executed.

    ``status`` is ``ok`` (``value`` holds the literal; ``None`` means not
    answered yet), ``missing`` (no cell tagged ``answer:<qid>``),
    ``duplicate`` (more than one such cell) or ``invalid`` (the cell is not
    a single ``<qid> = <literal>``); ``message`` says what was wrong.
    """

    qid: str
    value: Any
    status: str
    message: str = ""


# --- the article index used by span questions ---------------------------------

class ArticleIndex:
    """Finds a copied phrase in the article and the claims whose spans hold it."""

    def __init__(self, article: str, spans: Iterable[tuple[str, int, int]]):
        self.article = article
        self.spans = [(str(c), int(s), int(e)) for c, s, e in spans]
        self._norm, self._starts, self._ends = _normalise_mapped(article)

    @classmethod
    def from_case(cls, case: Any) -> ArticleIndex:
        return cls(case.article, zip(case.claims["claim_id"], case.claims["start"],
                                     case.claims["end"], strict=True))

    def locate(self, phrase: str) -> list[tuple[int, int]]:
        """Every place (source offsets, end exclusive) where the normalised phrase occurs."""
        key = _phrase_key(phrase)
        found: list[tuple[int, int]] = []
        if not key:
            return found
        at = self._norm.find(key)
        while at != -1:
            found.append((self._starts[at], self._ends[at + len(key) - 1]))
            at = self._norm.find(key, at + 1)
        return found

    def inside(self, start: int, end: int) -> list[str]:
        """Claims whose span contains [start, end) entirely."""
        return [c for c, s, e in self.spans if s <= start and end <= e]

    def overlapping(self, start: int, end: int) -> list[str]:
        """Claims whose span shares at least one character with [start, end)."""
        return [c for c, s, e in self.spans if s < end and start < e]


# --- per-kind rules: shape checks and canonical forms ---------------------------
#
# Each rule turns a student's value into a canonical string, or returns a
# hint saying what form was expected.  The instructor side compares canonical
# forms with the key's; the student side compares their salted digests.  Both
# therefore accept exactly the same answers and give the same messages.

@dataclass(frozen=True)
class _Shape:
    kind: str
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    tolerance: float = 0.0
    min_words: int = 3


def _listing(values: Iterable[str]) -> str:
    return ", ".join(f'"{v}"' for v in values)


def _canonical(shape: _Shape, value: Any) -> tuple[str | None, str]:
    """(canonical form, "") for a well-formed answer, or (None, hint about the form)."""
    opts = {text_key(o): o for o in shape.options}
    items = {text_key(i): i for i in shape.items}
    if shape.kind == "single":
        if not isinstance(value, str):
            return None, f"Write one of the options as a string in quotes: {_listing(shape.options)}."
        if text_key(value) not in opts:
            return None, f"{value!r} is not one of the options: {_listing(shape.options)}."
        return text_key(value), ""
    if shape.kind == "multiple":
        if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
            return None, 'Write a list of options in square brackets, e.g. ["a", "c"].'
        unknown = [v for v in value if text_key(v) not in opts]
        if unknown:
            return None, f"Not among the options: {_listing(unknown)}. Choose from {_listing(shape.options)}."
        return json.dumps(sorted({text_key(v) for v in value})), ""
    if shape.kind == "matching":
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            return None, 'Write a dict in curly brackets, e.g. {"a": "...", "b": "..."}.'
        pairs = {text_key(k): text_key(v) for k, v in value.items()}
        if set(pairs) != set(items) or len(pairs) != len(value):
            return None, f"Match each item exactly once; the items are {_listing(shape.items)}."
        bad = [v for v in value.values() if text_key(v) not in opts]
        if bad:
            return None, f"Not among the choices: {_listing(bad)}. Choose from {_listing(shape.options)}."
        return json.dumps(sorted(pairs.items())), ""
    if shape.kind == "ordering":
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return None, 'Write a list in square brackets, e.g. ["c", "a", "b"].'
        keys = [text_key(v) for v in value]
        if sorted(keys) != sorted(items):
            return None, f"Use each item exactly once: {_listing(shape.items)}."
        return json.dumps(keys), ""
    if shape.kind == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return None, "Write a number without quotes, e.g. 12 or 3.5."
        return _numeric_key(float(value), shape.tolerance), ""
    raise ValueError(f"no canonical form for kind {shape.kind!r}")


def _numeric_key(value: float, tolerance: float) -> str:
    """Numbers are compared on a grid: rounded to the nearest multiple of the tolerance."""
    if tolerance > 0:
        return str(math.floor(value / tolerance + 0.5))
    return repr(float(value))


def _is_unanswered(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _span_feedback(index: ArticleIndex, value: Any, min_words: int,
                   is_target: Callable[[str], bool]) -> tuple[str, str]:
    """("correct" | "partial" | "incorrect", hint) for a copied phrase."""
    if not isinstance(value, str):
        return "incorrect", "Paste the phrase as a string in quotes."
    if len(_phrase_key(value).split()) < min_words:
        return "incorrect", f"Copy a longer phrase: at least {min_words} words from the article."
    places = index.locate(value)
    if not places:
        return "incorrect", ("This phrase is not in the article as written. Copy it from the "
                             "article rather than typing it.")
    if any(is_target(c) for s, e in places for c in index.inside(s, e)):
        return "correct", ""
    if any(is_target(c) for s, e in places for c in index.overlapping(s, e)):
        return "partial", PARTLY_INSIDE
    return "incorrect", ""


def _incorrect(hint: str, extra: str = "") -> str:
    parts = ["Not correct yet."]
    if extra:
        parts.append(extra)
    if hint:
        parts.append(f"Hint: {hint}")
    return " ".join(parts)


def _correct(explanation: str, paragraph: int | None) -> str:
    cite = f" (¶{paragraph})" if paragraph else ""
    return f"Correct. {explanation.strip()}{cite}".strip()


def _manual(rubric: str) -> str:
    return ("Your instructor marks written answers by hand, once you save this notebook and "
            f"hand it in. What they look for: {rubric.strip()}")


# --- questions -------------------------------------------------------------------

@dataclass
class Question:
    """One question of an exercise set, with its key resolved (instructor side).

    ``key`` is the canonical correct answer: a string (single), list
    (multiple, ordering), dict (matching), float (numeric), claim id
    (span); ``None`` for free text.
    """

    qid: str
    kind: str
    points: float
    prompt: str
    explanation: str
    paragraph: int | None
    hint: str = ""
    options: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    rubric: str = ""
    tolerance: float = 0.0
    min_words: int = 3
    key: Any = None
    _index: ArticleIndex | None = field(default=None, repr=False)

    @property
    def shape(self) -> _Shape:
        return _Shape(self.kind, self.options, self.items, self.tolerance, self.min_words)

    def check(self, value: Any) -> Feedback:
        """Check an answer against the key.

        Multiple select earns (right choices - wrong choices) / number of
        right options, never below 0; matching earns the share of items
        matched right; every other auto-checked kind is all or nothing.
        """
        if _is_unanswered(value):
            return Feedback("unanswered", 0.0, UNANSWERED)
        if self.kind == "text":
            if not isinstance(value, str):
                return Feedback("incorrect", 0.0, _incorrect("", "Write your answer as text in quotes."))
            return Feedback("manual", 0.0, _manual(self.rubric))
        if self.kind == "span":
            assert self._index is not None
            verdict, hint = _span_feedback(self._index, value, self.min_words, lambda c: c == self.key)
            if verdict == "correct":
                return Feedback("correct", float(self.points), _correct(self.explanation, self.paragraph))
            if verdict == "partial":
                return Feedback("incorrect", 0.0, hint)
            return Feedback("incorrect", 0.0, _incorrect(hint or self.hint))
        canon, form_hint = _canonical(self.shape, value)
        if canon is None:
            return Feedback("incorrect", 0.0, _incorrect("", form_hint))
        if canon == self.key_canonical:
            return Feedback("correct", float(self.points), _correct(self.explanation, self.paragraph))
        return Feedback("incorrect", self._partial(value), _incorrect(self.hint))

    @cached_property
    def key_canonical(self) -> str | None:
        if self.kind in ("text", "span"):
            return self.key
        canon, hint = _canonical(self.shape, self.key)
        if canon is None:
            raise ValueError(f"{self.qid}: the key {self.key!r} does not fit the question: {hint}")
        return canon

    def _partial(self, value: Any) -> float:
        if self.kind == "multiple":
            right = {text_key(k) for k in self.key}
            chosen = {text_key(v) for v in value}
            score = (len(chosen & right) - len(chosen - right)) / len(right)
            return round(max(0.0, score) * self.points, 4)
        if self.kind == "matching":
            key = {text_key(k): text_key(v) for k, v in self.key.items()}
            hits = sum(key.get(text_key(k)) == text_key(v) for k, v in value.items())
            return round(hits / len(key) * self.points, 4)
        return 0.0

    # The student copy's check data: digests, never the key.
    def self_check_entry(self, salt: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"kind": self.kind, "hint": self.hint}
        if self.options:
            entry["options"] = list(self.options)
        if self.items:
            entry["items"] = list(self.items)
        if self.kind == "numeric":
            entry["tolerance"] = self.tolerance
        if self.kind == "span":
            entry["min_words"] = self.min_words
        if self.kind == "text":
            entry["rubric"] = self.rubric
            return entry
        canon = self.key_canonical
        assert canon is not None
        entry["digest"] = _digest(salt, self.qid, canon)
        entry["sealed"] = _seal(salt, self.qid, canon, _correct(self.explanation, self.paragraph))
        return entry


def _digest(salt: str, qid: str, canon: str) -> str:
    return hashlib.sha256(f"check\0{salt}\0{qid}\0{canon}".encode()).hexdigest()


def _keystream(salt: str, qid: str, canon: str, length: int) -> bytes:
    seed = f"explain\0{salt}\0{qid}\0{canon}".encode()
    blocks = (hashlib.sha256(seed + i.to_bytes(4, "big")).digest() for i in range(length // 32 + 1))
    return b"".join(blocks)[:length]


def _seal(salt: str, qid: str, canon: str, text: str) -> str:
    """The explanation, readable only with the correct answer (XOR with a SHA-256 keystream)."""
    data = text.encode()
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, qid, canon, len(data)), strict=True)).hex()


def _unseal(salt: str, qid: str, canon: str, sealed: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _keystream(salt, qid, canon, len(data)), strict=True)).decode()


# --- exercise sets ----------------------------------------------------------------

@dataclass
class ExerciseSet:
    """An instructor source: questions with keys, and the solutions written in it."""

    set_id: str
    title: str
    case_id: str
    questions: list[Question]
    path: Path | None = None
    solutions: dict[str, Any] = field(default_factory=dict)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.qid == qid:
                return q
        raise KeyError(f"no question {qid!r} in exercise set {self.set_id!r}")

    def check(self, qid: str, value: Any) -> None:
        """Print the feedback for one answer (the notebook's check cells call this)."""
        _say(self.question(qid).check(value).message)

    @property
    def total_points(self) -> float:
        return float(sum(q.points for q in self.questions))

    def self_check_data(self, salt: str | None = None) -> dict[str, Any]:
        """What the student copy's :class:`SelfCheck` needs: no key in plain form."""
        salt = salt or secrets.token_hex(16)
        return {
            "format": 1, "set_id": self.set_id, "case": self.case_id, "salt": salt,
            "questions": {q.qid: q.self_check_entry(salt) for q in self.questions},
        }


def _say(message: str) -> None:
    # One write, not print's two: a kernel under load may otherwise send the text and
    # its newline as two stream outputs, and the stored output would vary.
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def _tags(cell: Mapping[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _read_notebook(nb_or_path: Any) -> Any:
    """A notebook as a dict-like; a path is read as plain JSON (nbformat is slow to import)."""
    if isinstance(nb_or_path, str | Path):
        with open(nb_or_path, encoding="utf-8") as fh:
            nb = json.load(fh)
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError("not a notebook: no list of cells")
        return nb
    return nb_or_path


def _tagged(cells: list[Any], prefix: str) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        for tag in _tags(cell):
            if tag.startswith(prefix):
                found.setdefault(tag[len(prefix):], []).append(i)
    return found


def _parameter(cells: list[Any], name: str) -> Any:
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in _tags(cell):
            try:
                tree = ast.parse(_source(cell))
            except SyntaxError:
                return None
            for node in tree.body:
                if (isinstance(node, ast.Assign) and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name) and node.targets[0].id == name):
                    try:
                        return ast.literal_eval(node.value)
                    except ValueError:
                        return None
    return None


def load_exercise_set(path: str | Path, case: Any = None) -> ExerciseSet:
    """Read an instructor source notebook and resolve every key against the case.

    ``case`` is a loaded :class:`~coursekit.Case`, a case id or a case folder;
    by default the notebook's ``parameters`` cell ``CASE``.  Raises
    :class:`ExerciseError` listing every problem found.
    """
    from .cases import Case, load_case

    path = Path(path)
    try:
        nb = _read_notebook(path)
    except Exception as exc:
        raise ExerciseError(path, [f"cannot be read as a notebook: {exc}"]) from None
    cells = list(nb["cells"])
    problems: list[str] = []

    title = next((re.sub(r"^#\s*", "", _source(c).strip().splitlines()[0])
                  for c in cells if c.get("cell_type") == "markdown" and _source(c).strip().startswith("# ")),
                 path.stem)
    if case is None:
        case = _parameter(cells, "CASE")
        if case is None:
            problems.append("no cell tagged 'parameters' assigning CASE = \"<case id>\"")
            raise ExerciseError(path, problems)
    loaded = case if isinstance(case, Case) else load_case(case)
    index = ArticleIndex.from_case(loaded)

    prompts, specs = _tagged(cells, TAG_QUESTION), _tagged(cells, TAG_SPEC)
    answer_cells, checks = _tagged(cells, TAG_ANSWER), _tagged(cells, TAG_CHECK)
    order = sorted(specs, key=lambda q: specs[q][0])
    questions: list[Question] = []
    for qid in order:
        where = f"question {qid!r}"
        if not QID.match(qid):
            problems.append(f"{where}: the id must be a lower-case Python name like q1")
            continue
        for label, found in (("question:", prompts), ("spec:", specs), ("answer:", answer_cells),
                             ("check:", checks)):
            n = len(found.get(qid, []))
            if n != 1:
                problems.append(f"{where}: expected one cell tagged '{label}{qid}', found {n}")
        if any(len(found.get(qid, [])) != 1 for found in (prompts, specs)):
            continue
        spec_cell = cells[specs[qid][0]]
        if spec_cell.get("cell_type") != "raw" or TAG_INSTRUCTOR not in _tags(spec_cell):
            problems.append(f"{where}: the spec cell must be a raw cell also tagged 'instructor'")
        try:
            spec = tomllib.loads(_source(spec_cell))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{where}: the spec is not valid TOML: {exc}")
            continue
        try:
            q = _build_question(qid, spec, _source(cells[prompts[qid][0]]).strip(), loaded, index)
            q.key_canonical  # noqa: B018 - validates the key against the options
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"{where}: {exc.args[0] if exc.args else exc}")
            continue
        questions.append(q)
    for qid in set(answer_cells) - set(specs):
        problems.append(f"a cell is tagged 'answer:{qid}' but no cell is tagged 'spec:{qid}'")
    if not order:
        problems.append("no question found: no raw cell tagged 'spec:<qid>'")
    if problems:
        raise ExerciseError(path, problems)

    ex = ExerciseSet(path.stem, title, loaded.id, questions, path)
    answers = read_answers(nb, ex)
    ex.solutions = {qid: a.value for qid, a in answers.items()}
    return ex


_SPEC_FIELDS = {"kind", "points", "options", "items", "key", "key_from", "hint", "explanation",
                "paragraph", "rubric", "tolerance", "min_words"}


def _build_question(qid: str, spec: dict[str, Any], prompt: str, case: Any,
                    index: ArticleIndex) -> Question:
    unknown = set(spec) - _SPEC_FIELDS
    if unknown:
        raise ValueError(f"unknown spec field(s): {', '.join(sorted(unknown))}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; found {kind!r}")
    if not prompt:
        raise ValueError("the question cell is empty")
    items_spec = spec.get("items", {})
    if not isinstance(items_spec, dict):
        raise ValueError("items must be a table: label = reference")
    if ("key" in spec) == ("key_from" in spec) and kind != "text":
        raise ValueError("give exactly one of key (a literal) or key_from (derived from the case)")
    if kind == "text" and not spec.get("rubric"):
        raise ValueError("a free-text question needs a rubric")
    options = tuple(map(str, spec.get("options", ())))
    if kind == "multiple" and not options:
        options = tuple(items_spec)  # the item labels are what students pick from
    if kind in ("single", "multiple", "matching") and not options:
        raise ValueError(f"a {kind} question needs options")
    if kind in ("matching", "ordering") and not items_spec:
        raise ValueError(f"a {kind} question needs items")
    key, paragraph = spec.get("key"), spec.get("paragraph")
    if "key_from" in spec:
        key, derived_paragraph = _derive_key(kind, spec["key_from"], items_spec, case)
        paragraph = paragraph if paragraph is not None else derived_paragraph
    points = spec.get("points", 1)
    if not isinstance(points, int | float) or points <= 0:
        raise ValueError("points must be a positive number")
    if kind != "text" and not spec.get("explanation"):
        raise ValueError("an auto-checked question needs an explanation")
    return Question(
        qid=qid, kind=kind, points=float(points), prompt=prompt,
        explanation=str(spec.get("explanation", "")),
        paragraph=int(paragraph) if paragraph is not None else None,
        hint=str(spec.get("hint", "")), options=options,
        items=tuple(items_spec) if kind in ("matching", "ordering") else (), rubric=str(spec.get("rubric", "")),
        tolerance=float(spec.get("tolerance", 0)), min_words=int(spec.get("min_words", 3)),
        key=float(key) if kind == "numeric" and key is not None else key,
        _index=index if kind == "span" else None,
    )


def _claim_value(case: Any, claim_id: str, column: str) -> Any:
    claim = case.claim(claim_id)
    if column not in claim.index:
        raise KeyError(f"claims have no field {column!r}")
    value = claim[column]
    return value.item() if hasattr(value, "item") else value


def _matches(case: Any, claim_id: str, where: Mapping[str, str]) -> bool:
    """A claim matches when each field equals the value; "*" means any non-empty value."""
    for column, wanted in where.items():
        value = str(_claim_value(case, claim_id, column))
        if (wanted == "*" and not value) or (wanted != "*" and value != wanted):
            return False
    return True


def _timeline_row(case: Any, needle: str) -> Any:
    rows = case.timeline[case.timeline["event"].str.contains(needle, regex=False)]
    if len(rows) != 1:
        raise ValueError(f"timeline text {needle!r} matches {len(rows)} events; it must match one")
    return rows.iloc[0]


def _derive_key(kind: str, rule: Mapping[str, Any], items: Mapping[str, str],
                case: Any) -> tuple[Any, int | None]:
    """Read a key from the case data; return it with the paragraph to cite, if one."""
    if not isinstance(rule, dict):
        raise ValueError("key_from must be a table")
    for claim_id in ([rule["claim"]] if "claim" in rule else []) + (
            list(items.values()) if "timeline_order" not in rule else []):
        case.claim(claim_id)  # raises KeyError naming an unknown claim
    if "claim" in rule:
        claim_id = rule["claim"]
        paragraph = int(_claim_value(case, claim_id, "paragraph"))
        if kind == "span":
            return claim_id, paragraph
        value = _claim_value(case, claim_id, rule.get("field", ""))
        return (float(value) if kind == "numeric" else str(value)), paragraph
    if "items_where" in rule:
        chosen = [label for label, cid in items.items() if _matches(case, cid, rule["items_where"])]
        return chosen, None
    if "items_field" in rule:
        return {label: str(_claim_value(case, cid, rule["items_field"])) for label, cid in items.items()}, None
    if "count_where" in rule:
        return float(sum(_matches(case, cid, rule["count_where"]) for cid in case.claims["claim_id"])), None
    if "timeline_order" in rule:
        dated = sorted(items, key=lambda label: str(_timeline_row(case, items[label])["date"]))
        return dated, None
    if "timeline_year" in rule:
        return float(str(_timeline_row(case, rule["timeline_year"])["date"])[:4]), None
    raise ValueError("key_from needs one of: claim, items_where, items_field, count_where, "
                     "timeline_order, timeline_year")


# --- reading answers ----------------------------------------------------------------

def _parse_answer(qid: str, source: str) -> Answer:
    """``<qid> = <literal>`` and nothing else (comments aside), read without executing."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return Answer(qid, None, "invalid", f"the answer cell is not valid Python: {exc.msg} (line {exc.lineno})")
    except (MemoryError, RecursionError):
        # e.g. 200,000 nested brackets or unary minus signs: too deep to parse.
        return Answer(qid, None, "invalid", "the answer cell is nested too deeply to read; expected a plain value")
    stmts = tree.body
    if len(stmts) != 1 or not isinstance(stmts[0], ast.Assign):
        return Answer(qid, None, "invalid", f"the answer cell must hold one line: {qid} = <your answer>")
    node = stmts[0]
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != qid:
        return Answer(qid, None, "invalid", f"the answer cell must assign to {qid}")
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Answer(qid, None, "invalid",
                      "the answer must be a plain value (text in quotes, a number, a list, a dict or None), "
                      "not code")
    return Answer(qid, value, "ok")


def read_answers(nb_or_path: Any, exercise_set: ExerciseSet) -> dict[str, Answer]:
    """Read every question's answer from a notebook by its ``answer:<qid>`` tag.

    Values are read with :func:`ast.literal_eval` only; nothing is executed.
    Every question of the set gets an entry, in question order; problems are
    reported in the entry's ``status`` and ``message``, never raised.
    """
    nb = _read_notebook(nb_or_path)
    cells = list(nb["cells"])
    tagged = _tagged(cells, TAG_ANSWER)
    answers: dict[str, Answer] = {}
    for q in exercise_set.questions:
        found = [cells[i] for i in tagged.get(q.qid, []) if cells[i].get("cell_type") == "code"]
        if not found:
            answers[q.qid] = Answer(q.qid, None, "missing", f"no code cell tagged 'answer:{q.qid}'")
        elif len(found) > 1:
            answers[q.qid] = Answer(q.qid, None, "duplicate",
                                    f"{len(found)} cells are tagged 'answer:{q.qid}'; expected one")
        else:
            answers[q.qid] = _parse_answer(q.qid, _source(found[0]))
    return answers


# --- the student copy's self-check ------------------------------------------------------

class SelfCheck:
    """Checks answers in a student copy from salted digests; holds no key.

    Built by the release from :meth:`ExerciseSet.self_check_data`.  A correct
    answer reproduces the digest and unlocks the explanation; anything else
    gets the same hints the instructor's check gives.  (Closed questions have
    few possible answers, so the digests keep keys out of sight rather than
    secret: grades come from the instructor's key.)
    """

    def __init__(self, data: Mapping[str, Any]):
        self.data = dict(data)
        self.salt = str(data["salt"])
        self.questions: dict[str, dict[str, Any]] = dict(data["questions"])
        self._index: ArticleIndex | None = None

    @classmethod
    def from_json(cls, text: str) -> SelfCheck:
        return cls(json.loads(text))

    def _article(self) -> ArticleIndex:
        if self._index is None:
            from .cases import load_case

            self._index = ArticleIndex.from_case(load_case(self.data["case"]))
        return self._index

    def feedback(self, qid: str, value: Any) -> Feedback:
        q = self.questions[qid]
        kind, hint = q["kind"], q.get("hint", "")
        if _is_unanswered(value):
            return Feedback("unanswered", 0.0, UNANSWERED)
        if kind == "text":
            if not isinstance(value, str):
                return Feedback("incorrect", 0.0, _incorrect("", "Write your answer as text in quotes."))
            return Feedback("manual", 0.0, _manual(q["rubric"]))
        if kind == "span":
            index = self._article()
            verdict, span_hint = _span_feedback(
                index, value, int(q["min_words"]), lambda c: _digest(self.salt, qid, c) == q["digest"])
            if verdict == "correct":
                target = next(c for s, e in index.locate(value) for c in index.inside(s, e)
                              if _digest(self.salt, qid, c) == q["digest"])
                return Feedback("correct", 1.0, _unseal(self.salt, qid, target, q["sealed"]))
            if verdict == "partial":
                return Feedback("incorrect", 0.0, span_hint)
            return Feedback("incorrect", 0.0, _incorrect(span_hint or hint))
        shape = _Shape(kind, tuple(q.get("options", ())), tuple(q.get("items", ())),
                       float(q.get("tolerance", 0)))
        canon, form_hint = _canonical(shape, value)
        if canon is None:
            return Feedback("incorrect", 0.0, _incorrect("", form_hint))
        if _digest(self.salt, qid, canon) == q["digest"]:
            return Feedback("correct", 1.0, _unseal(self.salt, qid, canon, q["sealed"]))
        return Feedback("incorrect", 0.0, _incorrect(hint))

    def check(self, qid: str, value: Any) -> None:
        """Print the feedback for one answer."""
        _say(self.feedback(qid, value).message)
