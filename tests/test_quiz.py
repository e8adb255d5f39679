"""Tests for coursekit.quiz: checking rules per kind, reading answers, keys from case data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from coursekit import load_case
from coursekit.quiz import (
    KINDS,
    UNANSWERED,
    ArticleIndex,
    ExerciseError,
    Question,
    SelfCheck,
    load_exercise_set,
    read_answers,
    text_key,
)
from coursekit.quiz.feedback import TOO_SHORT
from coursekit.quiz.judge import content_words, covers
from coursekit.release import check_solutions

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
CASE_DIR = ROOT / "data" / "cases" / "nato-russia-2013"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE_DIR)


@pytest.fixture(scope="module")
def index(case):
    return ArticleIndex.from_case(case)


def question(kind: str, key, **kw) -> Question:
    kw.setdefault("explanation", "Because the article says so.")
    kw.setdefault("hint", "Read it again.")
    return Question(qid="q1", kind=kind, points=kw.pop("points", 2.0), prompt="?",
                    paragraph=kw.pop("paragraph", 4), key=key, **kw)


# --- normalisation ---------------------------------------------------------------

def test_text_key_ignores_case_spacing_and_quote_style():
    assert text_key("  Lavrov\u00a0 said ") == "lavrov said"
    assert text_key("Russia\u2019s") == text_key("Russia's")
    assert text_key("\u201cyes\u201d") == text_key('"yes"') == text_key("''yes''")
    assert text_key("North\u2013East") == "north-east"


# --- single choice ----------------------------------------------------------------

SINGLE = dict(options=("rasmussen", "lavrov", "chamberlain"))


@pytest.mark.parametrize("answer", ["lavrov", "  LAVROV ", "Lavrov\n"])
def test_single_accepts_case_and_whitespace_variants(answer):
    fb = question("single", "lavrov", **SINGLE).check(answer)
    assert (fb.status, fb.points) == ("correct", 2.0)
    assert fb.message == "Correct. Because the article says so. (¶4)"


def test_single_wrong_option_gets_the_hint():
    fb = question("single", "lavrov", **SINGLE).check("rasmussen")
    assert (fb.status, fb.points) == ("incorrect", 0.0)
    assert fb.message == "Not correct yet. Hint: Read it again."


def test_single_answer_outside_the_options_lists_them():
    fb = question("single", "lavrov", **SINGLE).check("putin")
    assert fb.status == "incorrect"
    assert "'putin' is not one of the options" in fb.message and '"chamberlain"' in fb.message
    assert "Hint" not in fb.message  # a form problem, not a wrong answer: no content hint


@pytest.mark.parametrize("answer", [None, "", "   "])
def test_unanswered(answer):
    for kind in KINDS:
        fb = question(kind, None, rubric="r").check(answer)
        assert (fb.status, fb.points, fb.message) == ("unanswered", 0.0, UNANSWERED)
        assert "Not answered yet" in fb.message


def test_single_non_string_is_a_form_problem():
    fb = question("single", "lavrov", **SINGLE).check(3)
    assert fb.status == "incorrect" and "string in quotes" in fb.message


# --- multiple select ----------------------------------------------------------------

MULTI = dict(options=("a", "b", "c", "d", "e"))


@pytest.mark.parametrize("answer", [["b", "d"], ["d", "b"], ("D", " b"), {"b", "d"}, ["b", "d", "b"]])
def test_multiple_is_order_and_case_insensitive(answer):
    assert question("multiple", ["b", "d"], **MULTI).check(answer).status == "correct"


@pytest.mark.parametrize(("answer", "points"), [
    (["b"], 1.0),             # one of two right: half
    (["b", "a"], 0.0),        # one right, one wrong: cancel out
    (["b", "d", "a"], 1.0),   # both right, one wrong
    (["a", "c", "e"], 0.0),   # never below zero
    ([], 0.0),
])
def test_multiple_partial_credit(answer, points):
    fb = question("multiple", ["b", "d"], **MULTI).check(answer)
    assert fb.status == "incorrect"
    assert fb.points == points


def test_multiple_rejects_unknown_options_and_non_lists():
    q = question("multiple", ["b", "d"], **MULTI)
    assert "Not among the options" in q.check(["b", "z"]).message
    assert "list of options" in q.check("b").message


# --- matching ----------------------------------------------------------------------------

MATCH = dict(options=("rasmussen", "lavrov", "chamberlain"), items=("a", "b", "c"))
MATCH_KEY = {"a": "rasmussen", "b": "lavrov", "c": "chamberlain"}


def test_matching_is_a_dict_compared_case_insensitively():
    q = question("matching", MATCH_KEY, **MATCH)
    assert q.check({"C": "Chamberlain", "a": "rasmussen", "b": " lavrov"}).status == "correct"


def test_matching_partial_credit_is_the_share_matched():
    fb = question("matching", MATCH_KEY, points=3, **MATCH).check(
        {"a": "rasmussen", "b": "chamberlain", "c": "lavrov"})
    assert (fb.status, fb.points) == ("incorrect", 1.0)


def test_matching_needs_every_item_once():
    q = question("matching", MATCH_KEY, **MATCH)
    assert "Match each item exactly once" in q.check({"a": "rasmussen"}).message
    assert "Write a dict" in q.check(["rasmussen"]).message
    assert "Not among the choices" in q.check({"a": "x", "b": "lavrov", "c": "lavrov"}).message


# --- ordering ---------------------------------------------------------------------------

def test_ordering_is_a_list_in_order():
    q = question("ordering", ["b", "a", "c"], items=("a", "b", "c"))
    assert q.check(["B", "a", "c"]).status == "correct"
    fb = q.check(["a", "b", "c"])
    assert (fb.status, fb.points) == ("incorrect", 0.0)
    assert "each item exactly once" in q.check(["b", "a"]).message
    assert "each item exactly once" in q.check(["b", "a", "a"]).message


# --- numeric ------------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "status"), [
    (13000, "correct"), (12600, "correct"), (13499.9, "correct"), (12500, "correct"),
    (13500, "incorrect"), (12400, "incorrect"), (6000, "incorrect"),
])
def test_numeric_tolerance_rounds_to_the_grid(answer, status):
    assert question("numeric", 13000.0, tolerance=1000).check(answer).status == status


def test_numeric_without_tolerance_is_exact():
    q = question("numeric", 2.0)
    assert q.check(2).status == q.check(2.0).status == "correct"
    assert q.check(2.1).status == "incorrect"
    assert "without quotes" in q.check("2").message
    assert "without quotes" in q.check(True).message
    assert "without quotes" in q.check(float("nan")).message


# --- span -----------------------------------------------------------------------------------

def span_q(index, target="lavrov-cuts-guarantees"):
    return question("span", target, _index=index)


WHOLE_SPAN = ("extends binding guarantees that no American missile defence installation on European soil "
              "will compromise Russia\u2019s deterrence capability")


@pytest.mark.parametrize("phrase", [
    WHOLE_SPAN,
    "  EXTENDS binding guarantees that no american   missile defence installation\non European soil "
    "will compromise Russia's deterrence capability.",                       # case, spacing, apostrophe, stop
    "\u201cbinding guarantees that no American missile defence installation on European soil will "
    "compromise Russia\u2019s deterrence\u201d",                              # curly quotes, most of it
])
def test_span_covering_the_target_is_correct(index, phrase):
    fb = span_q(index).check(phrase)
    assert fb.status == "correct", fb.message
    assert fb.message.endswith("(¶4)")


@pytest.mark.parametrize(("target", "phrase"), [
    ("lavrov-not-alone", "as it turns"),
    ("author-no-details", "the NATO website"),
    ("lavrov-cuts-guarantees", "on European soil"),
    ("lavrov-cuts-guarantees", "no American missile defence installation on European soil"),
    ("lavrov-cuts-guarantees", "will compromise Russia's deterrence capability"),
    ("lavrov-cuts-guarantees", "drops plans to deploy weapons in space"),  # a few words of another claim
])
def test_span_fragments_are_too_short_to_tell(index, target, phrase):
    """The issue's three fragments were marked correct under the old any-three-words rule."""
    fb = span_q(index, target).check(phrase)
    assert (fb.status, fb.message) == ("incorrect", TOO_SHORT)


def test_span_rule_counts_content_words():
    assert content_words("as it turns") == {"turns"}
    assert covers("binding guarantees deterrence", "binding guarantees of deterrence", 0.5)
    assert not covers("the NATO website", "No further details of these discussions were provided on the "
                      "NATO website", 0.5)


def test_span_overlapping_only_partly_says_so(index):
    fb = span_q(index).check("and extends binding guarantees")
    assert fb.status == "incorrect"
    assert "only partly" in fb.message
    fb = span_q(index).check("deterrence capability. The Foreign Secretary added")
    assert "only partly" in fb.message


def test_span_in_another_claim_gets_the_hint(index):
    whole = "Russia will not accept deeper strategic arms cuts unless the US drops plans to deploy weapons in space"
    fb = span_q(index).check(whole)
    assert fb.message == "Not correct yet. Hint: Read it again."


def test_span_not_in_the_article_or_too_short(index):
    assert "not in the article as written" in span_q(index).check("binding legal guarantees").message
    assert "at least 3 words" in span_q(index).check("guarantees").message
    assert "as a string" in span_q(index).check(["guarantees"]).message


def test_span_matches_the_articles_doubled_quote_marks(index):
    q = span_q(index, "rasmussen-implement")
    assert q.check("Now we need to focus on implementing it").status == "correct"
    # The article writes the closing quote as '' : a straight " copied with it still matches,
    # but it runs past the claim, whose span stops before the quote marks.
    assert "only partly" in q.check('focus on implementing it". In 2012').message


def test_locate_maps_back_to_article_offsets(case, index):
    claim = case.claim("lavrov-cuts-guarantees")
    [(start, end)] = index.locate("  EXTENDS binding guarantees ")
    assert (start, end) == (claim.start, claim.start + len("extends binding guarantees"))


# --- free text ----------------------------------------------------------------------------

def test_free_text_is_manual_with_the_neutral_guide_never_the_rubric():
    q = question("text", None, rubric="Names Voice of Russia.", guide="who relayed the words, and how.")
    fb = q.check("Voice of Russia relayed it.")
    assert (fb.status, fb.points) == ("manual", 0.0)
    assert fb.message.endswith("A good answer here covers: who relayed the words, and how.")
    assert "Voice of Russia" not in fb.message
    entry = q.self_check_entry("salt", iterations=1)
    assert "Names Voice" not in str(entry) and entry["guide"] == "who relayed the words, and how."
    assert question("text", None, rubric="r").check(42).status == "incorrect"


# --- the exercise sets --------------------------------------------------------------------

@pytest.fixture(scope="module")
def sets():
    return [load_exercise_set(p) for p in EXERCISES]


def test_the_three_sets_load_with_enough_auto_checked_questions(sets):
    assert [s.set_id for s in sets] == ["01_attribution", "02_stances_and_conditions",
                                       "03_context_and_analysis", "04_coding"]
    coding, sets = sets[-1], sets[:-1]
    assert [q.kind for q in coding.questions] == ["coding"] * len(coding.questions)
    assert len(coding.questions) >= 2
    kinds = {"coding"}
    for s in sets:
        assert s.title.startswith("Exercises ")
        auto = [q for q in s.questions if q.kind != "text"]
        assert len(auto) >= 8, s.set_id
        assert any(q.kind == "text" for q in s.questions)
        kinds |= {q.kind for q in s.questions}
        for q in s.questions:
            assert q.prompt.startswith(f"**{q.qid}.**")
            assert q.points > 0
    assert kinds == set(KINDS)


def test_every_source_solution_checks(sets):
    for s in sets:
        assert check_solutions(s) == []
        for q in s.questions:
            fb = q.check(s.solutions[q.qid])
            if q.kind == "coding":  # the key is the case's claims; the source's answer stays None
                assert s.solutions[q.qid] is None and fb.status == "unanswered"
            elif q.kind != "text":
                assert fb.points == q.points
                # Questions on the article cite a paragraph; a few in set 03 are about later events.
                if q.paragraph or s.set_id != "03_context_and_analysis":
                    assert "¶" in fb.message, (s.set_id, q.qid)


def test_stance_keys_are_never_neutral(sets):
    for s in sets:
        for q in s.questions:
            if q.options == ("support", "oppose", "neutral"):
                assert q.key != "neutral"


WRONG_ANSWERS = [None, "lavrov", "support", "a", ["a"], ["b", "d", "f"], {"a": "lavrov"},
                 2, 2002, 13000, 12000, "unless the US reconsiders",
                 "No further details of these discussions", "deterrence capability. The Foreign",
                 "not a phrase of the article", "an inference", ["b", "f", "d", "g", "a", "c", "e"]]


def test_self_check_gives_the_same_feedback_without_the_key(sets):
    for s in sets:
        data = s.self_check_data(salt="fixed")
        check = SelfCheck(data)
        text = str(data)
        for q in s.questions:
            if q.kind in ("multiple", "matching", "ordering"):
                assert repr(q.key) not in text and str(q.key_canonical) not in text
            if q.kind == "coding":  # the student copy records a coding; only the grader scores it
                assert check.feedback(q.qid, None).status == q.check(None).status == "unanswered"
                assert check.feedback(q.qid, [{"start": 1625, "end": 1727}]).status == "manual"
                assert not any(cid in text for cid in q.key) and q.explanation not in text
                continue
            for value in [s.solutions[q.qid], *WRONG_ANSWERS]:
                mine, theirs = q.check(value), check.feedback(q.qid, value)
                assert (mine.status, mine.message) == (theirs.status, theirs.message), (s.set_id, q.qid, value)
            if q.kind != "text":
                assert q.explanation not in text


def test_self_check_salt_changes_the_digests(sets):
    a, b = sets[0].self_check_data(), sets[0].self_check_data()
    assert a["salt"] != b["salt"]
    assert a["questions"]["q1"]["digest"] != b["questions"]["q1"]["digest"]


# --- a corrected claim corrects the key ------------------------------------------------

def edit_claims(folder: Path, changes: dict[str, dict[str, str]]) -> None:
    path = folder / "claims.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        fields = list(rows[0])
    for row in rows:
        row.update(changes.get(row["claim_id"], {}))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_a_corrected_claim_corrects_the_key(tmp_path):
    folder = tmp_path / "nato-russia-2013"
    shutil.copytree(CASE_DIR, folder)
    edit_claims(folder, {"lavrov-cold-war": {"actor_id": "chamberlain"},
                         "rasmussen-progress": {"mode": "paraphrase"},
                         "lavrov-ready-dialogue": {"mode": "paraphrase"}})
    source = ROOT / "exercises" / "01_attribution.ipynb"
    before, after = load_exercise_set(source), load_exercise_set(source, case=folder)
    assert (before.question("q6").key, after.question("q6").key) == ("lavrov", "chamberlain")
    assert (before.question("q2").key, after.question("q2").key) == ("direct_quote", "paraphrase")
    assert (before.question("q7").key, after.question("q7").key) == (["b", "d", "f"], ["b", "f"])
    assert after.question("q6").check("chamberlain").status == "correct"
    # The source's own solutions now disagree with the data: release refuses it.
    problems = check_solutions(after)
    assert [p.split(": ")[1] for p in problems] == ["q2", "q6", "q7"]
    assert "did the case data change?" in problems[0]


# --- reading answers --------------------------------------------------------------------------

def tiny_source(tmp_path: Path, answer_cells: list[tuple[str, str]]) -> Path:
    """A minimal exercise source with two questions and the given answer cells."""
    cells = [
        new_markdown_cell("# Exercises 0: tiny"),
        new_code_cell('CASE = "nato-russia-2013"', metadata={"tags": ["parameters"]}),
        new_code_cell("quiz = None", metadata={"tags": ["setup"]}),
    ]
    for qid, key in (("q1", 'key_from = { claim = "lavrov-no-change", field = "actor_id" }'),
                     ("q2", "key = 2")):
        kind = "single" if qid == "q1" else "numeric"
        cells += [
            new_markdown_cell(f"**{qid}.** ?", metadata={"tags": [f"question:{qid}"]}),
            new_raw_cell(f'kind = "{kind}"\noptions = ["lavrov", "rasmussen"]\n{key}\nexplanation = "e"\n'
                         if kind == "single" else f'kind = "{kind}"\n{key}\nexplanation = "e"\n',
                         metadata={"tags": ["instructor", f"spec:{qid}"]}),
            new_code_cell(f'quiz.check("{qid}", {qid})', metadata={"tags": [f"check:{qid}"]}),
        ]
    for tag, source in answer_cells:
        cells.append(new_code_cell(source, metadata={"tags": [tag]}))
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(new_notebook(cells=cells), path)
    return path


@pytest.fixture
def tiny(tmp_path):
    return load_exercise_set(tiny_source(tmp_path, [("answer:q1", 'q1 = "lavrov"'), ("answer:q2", "q2 = 2")]))


def notebook_with(*cells: tuple[str, str]):
    return new_notebook(cells=[new_code_cell(src, metadata={"tags": [tag]}) for tag, src in cells])


def test_read_answers_reads_literals(tiny):
    answers = read_answers(notebook_with(("answer:q1", '# one of ...\nq1 = "Lavrov"  # mine'),
                                         ("answer:q2", "q2 = None")), tiny)
    assert [(a.qid, a.value, a.status) for a in answers.values()] == [("q1", "Lavrov", "ok"), ("q2", None, "ok")]
    assert tiny.question("q1").check(answers["q1"].value).status == "correct"


def test_read_answers_reports_missing_and_duplicate_cells(tiny):
    answers = read_answers(notebook_with(("answer:q1", 'q1 = "a"'), ("answer:q1", 'q1 = "b"')), tiny)
    assert answers["q1"].status == "duplicate" and "2 cells" in answers["q1"].message
    assert answers["q2"].status == "missing" and answers["q2"].value is None


def test_read_answers_never_executes_code(tiny, tmp_path):
    marker = tmp_path / "executed"
    attack = f'q1 = __import__("pathlib").Path({str(marker)!r}).write_text("x")'
    answers = read_answers(notebook_with(("answer:q1", attack), ("answer:q2", '__import__("os").system("echo hi")')), tiny)
    assert not marker.exists()
    assert answers["q1"].status == answers["q2"].status == "invalid"
    assert "not code" in answers["q1"].message
    assert "one line" in answers["q2"].message


def test_read_answers_reports_answers_too_deep_to_parse(tiny):
    """A parser overflow is the student's problem to fix, never the grader's crash."""
    answers = read_answers(notebook_with(("answer:q1", "q1 = " + "-" * 200_000 + "1")), tiny)
    assert answers["q1"].status == "invalid"
    assert "nested too deeply" in answers["q1"].message


@pytest.mark.parametrize(("source", "message"), [
    ("q2 = 1 + 1", "not code"),
    ("q3 = 2", "must assign to q2"),
    ("q2 = 2\nprint(q2)", "one line"),
    ("q2 = q1 = 2", "must assign to q2"),
    ("q2 = (", "not valid Python"),
    ("%time q2 = 2", "not valid Python"),
    ("", "one line"),
])
def test_read_answers_reports_anything_but_one_literal_assignment(tiny, source, message):
    answer = read_answers(notebook_with(("answer:q2", source)), tiny)["q2"]
    assert answer.status == "invalid" and message in answer.message, answer


def test_read_answers_takes_a_path_or_plain_json(tiny, tmp_path):
    path = tmp_path / "student.ipynb"
    nbformat.write(notebook_with(("answer:q2", "q2 = 2.5")), path)
    assert read_answers(path, tiny)["q2"].value == 2.5
    raw = {"cells": [{"cell_type": "code", "source": ["q2 = ", "[1, 2]"], "metadata": {"tags": ["answer:q2"]}}]}
    assert read_answers(raw, tiny)["q2"].value == [1, 2]


def test_load_exercise_set_reports_every_problem(tmp_path):
    path = tiny_source(tmp_path, [("answer:q1", 'q1 = "lavrov"')])
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "spec:q1" in tags:
            cell.source = cell.source.replace("lavrov-no-change", "no-such-claim")
        if "spec:q2" in tags:
            cell.source = cell.source.replace("key = 2", "")
    nbformat.write(nb, path)
    with pytest.raises(ExerciseError) as err:
        load_exercise_set(path)
    text = str(err.value)
    assert "question 'q1': no claim 'no-such-claim'" in text
    assert "question 'q2': give exactly one of key" in text
    assert "expected one cell tagged 'answer:q2', found 0" in text


def test_the_stretching_works_without_openssl_as_in_pyodide(monkeypatch):
    """Pyodide's hashlib has no pbkdf2_hmac: the pure-Python PBKDF2 gives the same bytes."""
    import hashlib

    from coursekit.quiz import selfcheck

    for password, salt, rounds in ((b"q1\0lavrov", b"coursekit\0s", 1), (b"x" * 100, b"", 7),
                                   ("q2\0é".encode(), b"coursekit\0salt", 1000)):
        assert selfcheck.pbkdf2_sha256(password, salt, rounds) == hashlib.pbkdf2_hmac(
            "sha256", password, salt, rounds)
    with_openssl = selfcheck.stretch("salt", "q1", "lavrov", 500)
    monkeypatch.setattr(selfcheck, "_PBKDF2", None)
    assert selfcheck.stretch("salt", "q1", "lavrov", 500) == with_openssl
