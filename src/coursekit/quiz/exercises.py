"""Exercise sets: the instructor source read into questions, each with its key resolved from the case."""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from ..cells import cell_source, cell_tags, notebook_title, parameter, read_notebook, tagged
from .answers import answer_source, read_answers
from .article import ArticleIndex, text_key
from .display import show
from .feedback import (
    KINDS,
    QID,
    TAG_ANSWER,
    TAG_CHECK,
    TAG_INSTRUCTOR,
    TAG_QUESTION,
    TAG_SPEC,
    ExerciseError,
    Feedback,
)
from .judge import Rules, canonical, correct_message, judge
from .selfcheck import ITERATIONS, digest, item_digest, parts_of, seal, stretch

__all__ = ["ExerciseSet", "Question", "load_exercise_set"]


@dataclass
class Question:
    """One question of an exercise set, with its key resolved (instructor side).

    ``key`` is the canonical correct answer: a string (single), list
    (multiple, ordering), dict (matching), float (numeric), claim id
    (span); ``None`` for free text.  As a :class:`~coursekit.quiz.judge.Side`
    it answers the judge from the key.
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
    rubric: str = ""  # free text: the instructor's marking guide; never in a student copy
    guide: str = ""  # free text: what a good answer covers, in general terms (students see it)
    tolerance: float = 0.0
    min_words: int = 3
    min_share: float = 0.5
    key: Any = None
    _index: ArticleIndex | None = field(default=None, repr=False)
    coding: Any = field(default=None, repr=False)  # a coding question's CodingSpec (coding_judge)

    @property
    def rules(self) -> Rules:
        return Rules(self.qid, self.kind, self.options, self.items, self.tolerance, self.min_words,
                     self.hint, self.guide, self.min_share)

    def check(self, value: Any, source: str | None = None) -> Feedback:
        """Check an answer against the key (``source``: the answer cell, when known).

        Multiple select earns (right choices - wrong choices) / number of
        right options, never below 0; matching earns the share of items
        matched right; every other auto-checked kind is all or nothing.
        """
        return judge(self.rules, value, self, source)

    # --- the judge's questions to this side
    def matches(self, canon: str) -> bool:
        return canon == self.key_canonical

    def explanation_for(self, canon: str) -> str:
        return correct_message(self.explanation, self.paragraph)

    def points_for(self, value: Any, correct: bool) -> float:
        return float(self.points) if correct else self._partial(value)

    def count_right(self, value: Any) -> tuple[int, int]:
        wanted = set(parts_of(self.kind, self.options, self.key))
        return len(set(parts_of(self.kind, self.options, value)) & wanted), len(wanted)

    def article(self) -> ArticleIndex:
        if self._index is None:
            raise ValueError(f"{self.qid}: a span question needs the article")
        return self._index

    def coding_spec(self) -> Any:
        return self.coding

    @cached_property
    def key_canonical(self) -> str | None:
        if self.kind in ("text", "span", "coding"):
            return self.key if self.kind != "coding" else None
        canon, hint = canonical(self.rules, self.key)
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

    def self_check_entry(self, salt: str, iterations: int = ITERATIONS) -> dict[str, Any]:
        """The student copy's check data for this question: digests, never the key nor the rubric."""
        entry: dict[str, Any] = {"kind": self.kind, "hint": self.hint}
        if self.options:
            entry["options"] = list(self.options)
        if self.items:
            entry["items"] = list(self.items)
        if self.kind == "numeric":
            entry["tolerance"] = self.tolerance
        if self.kind == "span":
            entry["min_words"] = self.min_words
            entry["min_share"] = self.min_share
        if self.kind == "text":
            entry["guide"] = self.guide
            return entry
        if self.kind == "coding":  # the passage to show, never the key
            entry.update(self.coding.self_check_entry())
            return entry
        canon = self.key_canonical
        assert canon is not None
        secret = stretch(salt, self.qid, canon, iterations)
        entry["digest"] = digest(secret)
        entry["sealed"] = seal(secret, correct_message(self.explanation, self.paragraph))
        if self.kind in ("multiple", "matching"):
            entry["parts"] = sorted(item_digest(salt, self.qid, p) for p in parts_of(self.kind, self.options, self.key))
        return entry


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

    def feedback(self, qid: str, value: Any, source: str | None = None) -> Feedback:
        """The feedback for one answer against the key."""
        return self.question(qid).check(value, source)

    def check(self, qid: str, value: Any) -> Any:
        """Print the feedback for one answer (the notebook's check cells call this).

        A coding question's check shows the annotator for its passage instead.
        """
        q = self.question(qid)
        if q.kind == "coding":
            from ..annotator import exercise_annotator

            spec = q.coding
            return exercise_annotator(spec.case, qid, self.set_id, spec.paragraphs, spec.attributes, value)
        show(self.feedback(qid, value, answer_source(qid)))
        return None

    @property
    def total_points(self) -> float:
        return float(sum(q.points for q in self.questions))

    def self_check_data(self, salt: str | None = None, iterations: int = ITERATIONS) -> dict[str, Any]:
        """What the student copy's :class:`~coursekit.quiz.StudentCheck` needs: no key in plain form.

        ``salt`` is new for every release unless given; ``iterations`` (the
        key stretching) is lowered only by tests.
        """
        salt = salt or secrets.token_hex(16)
        return {
            "format": 2, "set_id": self.set_id, "case": self.case_id, "salt": salt, "iterations": iterations,
            "questions": {q.qid: q.self_check_entry(salt, iterations) for q in self.questions},
        }


def load_exercise_set(path: str | Path, case: Any = None) -> ExerciseSet:
    """Read an instructor source notebook and resolve every key against the case.

    ``case`` is a loaded :class:`~coursekit.Case`, a case id or a case folder;
    by default the notebook's ``parameters`` cell ``CASE``.  Raises
    :class:`ExerciseError` listing every problem found.
    """
    from ..cases import Case, load_case

    path = Path(path)
    try:
        nb = read_notebook(path)
    except Exception as exc:
        raise ExerciseError(path, [f"cannot be read as a notebook: {exc}"]) from None
    cells = list(nb["cells"])
    problems: list[str] = []

    title = notebook_title(cells, path.stem)
    if case is None:
        case = parameter(cells, "CASE")
        if case is None:
            problems.append("no cell tagged 'parameters' assigning CASE = \"<case id>\"")
            raise ExerciseError(path, problems)
    loaded = case if isinstance(case, Case) else load_case(case)
    index = ArticleIndex.from_case(loaded)

    prompts, specs = tagged(cells, TAG_QUESTION), tagged(cells, TAG_SPEC)
    answer_cells, checks = tagged(cells, TAG_ANSWER), tagged(cells, TAG_CHECK)
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
        if spec_cell.get("cell_type") != "raw" or TAG_INSTRUCTOR not in cell_tags(spec_cell):
            problems.append(f"{where}: the spec cell must be a raw cell also tagged 'instructor'")
        try:
            spec = tomllib.loads(cell_source(spec_cell))
        except tomllib.TOMLDecodeError as exc:
            problems.append(f"{where}: the spec is not valid TOML: {exc}")
            continue
        try:
            q = _build_question(qid, spec, cell_source(cells[prompts[qid][0]]).strip(), loaded, index)
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
                "paragraph", "rubric", "guide", "tolerance", "min_words", "min_share", "attributes",
                "threshold"}


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
    coding = _coding_spec(kind, spec, case)
    if coding is not None:
        key, paragraph = tuple(coding.claim_ids()), paragraph or coding.paragraphs[0]
    elif "key_from" in spec:
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
        guide=str(spec.get("guide", "")),
        tolerance=float(spec.get("tolerance", 0)), min_words=int(spec.get("min_words", 3)),
        min_share=float(spec.get("min_share", 0.5)),
        key=float(key) if kind == "numeric" and key is not None else key,
        _index=index if kind == "span" else None, coding=coding,
    )


def _coding_spec(kind: str, spec: dict[str, Any], case: Any) -> Any:
    """A coding question's CodingSpec (passage, key claims, attributes), or None for other kinds."""
    if kind != "coding":
        if set(spec) & {"attributes", "threshold"}:
            raise ValueError("attributes and threshold are fields of coding questions only")
        return None
    from ..coding_judge import spec_from_toml

    if "key" in spec:
        raise ValueError("a coding question's key is the case's claims: give key_from = { paragraphs = [...] }")
    return spec_from_toml(spec, case)


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
