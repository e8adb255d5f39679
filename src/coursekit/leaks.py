"""The release's leak scan: no key, explanation or marking guide in anything a student copy holds.

A student copy is read as a student's tools would read it: every cell's
source, every output (each text-like MIME type), every attachment (decoded),
every cell's metadata and the notebook's metadata (widget state included).
Text is compared folded (case, quote style, spacing and punctuation ignored,
so ``["b", "d"]``, ``b, d`` and ``B → D`` are one form), and:

* a **key** is looked for in the forms that give it away: a closed answer of
  more than one word (``"cancelled its last phase …"``), a multiple-select or
  ordering list in order, a matching's pairs, a number assigned to or named
  beside its question, a span question's target claim id, and every solution
  written as an assignment (``q2 = "<the solution>"``).  Where the copy must
  show the options (question cells, answer cells, the set-up's check data),
  the quoted options are masked first, so listing them is no leak, and a
  single choice's key is not looked for there (a prompt may gloss each
  option in its own words);
* an **explanation** or **rubric** sentence leaks when any run of
  ``SHINGLE`` words from it appears that is not public anyway (the article,
  the case's timeline and glossary, the prompts, options, hints and guides);
* a closing **Key points** cell states the set's conclusions: it must be
  tagged ``instructor``.

Each finding names the notebook, the cell (number and id) and the part.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .cells import cell_source, cell_tags
from .quiz import TAG_ANSWER, TAG_QUESTION, TAG_SETUP, ExerciseSet, Question, text_key

__all__ = ["SHINGLE", "Part", "leaks_in", "notebook_parts", "public_text", "tokens"]

SHINGLE = 6  # words in a row from an explanation or a rubric that count as quoting it

_TEXTLIKE = ("text/", "application/json", "application/javascript", "image/svg+xml")


@dataclass(frozen=True)
class Part:
    """One readable piece of a copy: where it is, whether it lists options, and its text."""

    where: str
    text: str
    lists_options: bool = False


def tokens(text: str) -> list[str]:
    """The words of a text, folded: what the scan compares.

    >>> tokens('q7 = ["B", "d"]  # “Lavrov’s”')
    ['q7', 'b', 'd', 'lavrov', 's']
    """
    return re.findall(r"\w+", text_key(text))


def _joined(words: Iterable[str]) -> str:
    return " " + " ".join(words) + " "


def _cell_label(name: str, index: int, cell: Any) -> str:
    cid = cell.get("id")
    return f"{name} cell {index + 1} ({cell.get('cell_type')}{', id ' + cid if cid else ''})"


def _output_texts(output: Any) -> Iterator[str]:
    if "text" in output:
        yield "".join(output["text"]) if isinstance(output["text"], list) else str(output["text"])
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith(_TEXTLIKE) or not isinstance(value, str):
            yield value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        else:  # base64 images and the like: decoded, in case text was hidden there
            yield _decoded(value)
    for key in ("ename", "evalue"):
        if key in output:
            yield str(output[key])
    if output.get("traceback"):
        yield "\n".join(output["traceback"])
    if output.get("metadata"):
        yield json.dumps(output["metadata"], ensure_ascii=False)


def _decoded(value: Any) -> str:
    text = "".join(value) if isinstance(value, list) else str(value)
    try:
        return base64.b64decode(text, validate=False).decode("utf-8", errors="ignore")
    except (ValueError, TypeError):
        return text


def notebook_parts(nb: Any, name: str) -> list[Part]:
    """Every readable piece of a notebook, each labelled with where it is."""
    parts = [Part(f"{name} notebook metadata (widget state included)",
                  json.dumps(nb.get("metadata", {}), ensure_ascii=False))]
    for i, cell in enumerate(nb.get("cells", [])):
        label = _cell_label(name, i, cell)
        tags = cell_tags(cell)
        listing = any(t.startswith((TAG_QUESTION, TAG_ANSWER)) for t in tags) or TAG_SETUP in tags
        parts.append(Part(f"{label}: source", cell_source(cell), listing))
        for n, output in enumerate(cell.get("outputs", []) or []):
            for text in _output_texts(output):
                parts.append(Part(f"{label}: output {n + 1}", text))
        for fname, bundle in (cell.get("attachments") or {}).items():
            for value in bundle.values():
                parts.append(Part(f"{label}: attachment {fname}", _decoded(value)))
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k != "tags"}
        if meta:
            parts.append(Part(f"{label}: metadata", json.dumps(meta, ensure_ascii=False)))
    return parts


def public_text(ex: ExerciseSet, case: Any) -> str:
    """What a copy may show anyway, folded: article, timeline, glossary, prompts, options, hints, guides."""
    pieces = [case.article]
    for table in ("timeline", "glossary"):
        frame = getattr(case, table, None)
        if frame is not None:
            pieces += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for q in ex.questions:
        pieces += [q.prompt, q.hint, q.guide, *q.options, *q.items]
    return _joined(tokens("\n".join(pieces)))


def _sentences(text: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?;:])\s+|\(\d+\)\s*", text)
    return [p.strip() for p in pieces if len(tokens(p)) >= SHINGLE]


def _secret_shingles(sentence: str, public: str) -> list[str]:
    words = tokens(sentence)
    grams = (_joined(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return [g for g in grams if g not in public]


def _mask_options(text: str, ex: ExerciseSet) -> str:
    folded = text_key(text)
    for option in sorted({text_key(o) for q in ex.questions for o in q.options}, key=len, reverse=True):
        for quote in ('"', "'", "`"):
            folded = folded.replace(f"{quote}{option}{quote}", " ")
    return folded


def _number_forms(value: float) -> list[str]:
    if float(value).is_integer():
        n = int(value)
        return sorted({str(n), f"{n:,}"})
    return [repr(float(value))]


def _key_patterns(q: Question, solution: Any) -> list[tuple[str, str]]:
    """(what, folded word sequence or raw regex marked 're:') that gives this question's key away."""
    found: list[tuple[str, str]] = []
    if solution is not None:
        literal = solution if isinstance(solution, str) else json.dumps(solution, ensure_ascii=False)
        found.append(("the solution written as an answer", "re:" + re.escape(q.qid) + r"\s*[=:]\W*"
                      + r"\W*".join(re.escape(w) for w in tokens(literal)[:12])))
    key = q.key
    if q.kind == "single" and isinstance(key, str) and len(tokens(key)) > 1:
        found.append(("the key", "opt:" + _joined(tokens(key))))
    elif q.kind in ("multiple", "ordering") and isinstance(key, list) and len(key) > 1:
        found.append(("the key", _joined(tokens(" ".join(key)))))
    elif q.kind == "matching" and isinstance(key, dict):
        found.append(("the key", _joined(tokens(" ".join(f"{k} {v}" for k, v in sorted(key.items()))))))
    elif q.kind == "numeric" and key is not None:
        for form in _number_forms(key):
            found.append(("the key", "re:" + re.escape(q.qid) + r"\W{1,6}" + re.escape(form) + r"(?![\d,])"))
    elif q.kind == "span" and isinstance(key, str):
        found.append(("the target claim id", "re:" + re.escape(key)))
    return found


def _found(pattern: str, part: Part, raw: str, words: str) -> bool:
    """A regex (``re:``) is matched against the folded text, a word sequence against its masked words.

    A single choice's key (``opt:``) is one of the options, which question
    cells list and gloss in their own words: it is looked for everywhere else.
    """
    if pattern.startswith("re:"):
        return re.search(pattern[3:], raw) is not None
    if pattern.startswith("opt:"):
        return not part.lists_options and pattern[4:] in words
    return pattern in words


def leaks_in(nb: Any, name: str, ex: ExerciseSet, case: Any) -> list[str]:
    """Every key, explanation or rubric of ``ex`` found in the student copy ``nb``, each with its place."""
    public = public_text(ex, case)
    parts = notebook_parts(nb, name)
    problems: list[str] = []
    for i, cell in enumerate(nb.get("cells", [])):
        first = (cell_source(cell).strip().splitlines() or [""])[0]
        if cell.get("cell_type") == "markdown" and re.match(r"#+\s*key points\b", first, re.IGNORECASE):
            problems.append(f"{_cell_label(name, i, cell)}: a 'Key points' cell states the set's conclusions; "
                            "tag it 'instructor' in the source so it stays out of the student copy")
    prepared = []
    for part in parts:
        raw = text_key(part.text)
        masked = _mask_options(part.text, ex) if part.lists_options else raw
        prepared.append((part, raw, _joined(re.findall(r"\w+", masked))))
    for q in ex.questions:
        checks: list[tuple[str, str]] = list(_key_patterns(q, ex.solutions.get(q.qid)))
        for label, text in (("explanation", q.explanation), ("rubric", q.rubric)):
            for sentence in _sentences(text):
                shown = sentence if len(sentence) <= 70 else sentence[:67] + "…"
                for gram in _secret_shingles(sentence, public):
                    checks.append((f"a sentence of its {label} ({shown!r})", gram))
        reported: set[tuple[str, str]] = set()
        for what, pattern in checks:
            for part, raw, words in prepared:
                if (part.where, what) in reported or not _found(pattern, part, raw, words):
                    continue
                reported.add((part.where, what))
                problems.append(f"{part.where}: {what} of {ex.set_id} {q.qid} appears; "
                                "remove it from the source or tag that cell 'instructor'")
    return problems
