"""One judging path: the instructor's check, the student copy's check and the grader agree on every answer.

The same table of answer cells (right, wrong, wrongly formed, expressions,
None) goes through all three; a check run in a notebook judges the answer
cell it finds in IPython's input history, so it says what the grader will
say, in the grader's words, never "Correct." for an answer scored 0.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from coursekit.grading import Submission, grade_notebook
from coursekit.grading.scoring import Checker
from coursekit.quiz import (
    ExerciseSet,
    QuizCheck,
    SelfCheck,
    StudentCheck,
    answer_source,
    load_exercise_set,
)
from coursekit.quiz.answers import NOT_A_PLAIN_VALUE, unreadable_message

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.fixture(scope="module")
def sets() -> list[ExerciseSet]:
    return [load_exercise_set(p) for p in EXERCISES]


# Fragments the old span rule (any three words inside the span) marked correct: issue 13.
SPAN_FRAGMENTS = ["as it turns", "the NATO website", "on European soil"]


def answer_table(solution, key=None) -> list[tuple[str, object]]:
    """(what the answer cell holds after ``qN = ``, the value the kernel computes from it)."""
    rows: list[tuple[str, object]] = [(repr(f), f) for f in SPAN_FRAGMENTS]
    if isinstance(key, list) and len(key) > 1:          # partly right multiple select
        rows.append((repr(key[:-1]), key[:-1]))
    if isinstance(key, dict):                           # partly right matching: one item changed
        first = sorted(key)[0]
        other = {k: (v if k != first else "__other__") for k, v in key.items()}
        rows.append((repr(other), other))
    rows += [
        (repr(solution), solution),                      # right
        ("None", None),                                  # not answered
        ('""', ""),
        ('"lavrov"', "lavrov"),                          # wrong (or wrongly formed, by kind)
        ('["a", "b"]', ["a", "b"]),
        ('{"a": "lavrov"}', {"a": "lavrov"}),
        ("2", 2),
        ("13000", 13000),
        ('"deterrence capability. The Foreign"', "deterrence capability. The Foreign"),
        ('"not a phrase of the article at all"', "not a phrase of the article at all"),
        ("True", True),
    ]
    if isinstance(solution, str) and len(solution) > 1:  # the right value, written as code
        half = len(solution) // 2
        rows += [(f"{solution[:half]!r} + {solution[half:]!r}", solution),
                 (f"str({solution!r})", solution),
                 ("answer", solution)]                   # a name without quotes
    else:
        rows += [(f"list({solution!r})" if isinstance(solution, list) else f"int({solution!r})", solution),
                 ("answer", solution)]
    return rows


def test_instructor_student_and_grader_give_the_same_verdicts(sets):
    checker = Checker()
    kinds = set()
    fragments = partial = 0
    for ex in sets:
        student = StudentCheck(ex.self_check_data(salt="agreement", iterations=1000))
        for q in ex.questions:
            kinds.add(q.kind)
            for expression, value in answer_table(ex.solutions[q.qid], q.key):
                source = f"{q.qid} = {expression}"
                where = (ex.set_id, q.qid, source)
                mine = ex.feedback(q.qid, value, source)
                theirs = student.feedback(q.qid, value, source)
                cell = {"cell_type": "code", "metadata": {"tags": [f"answer:{q.qid}"]}, "source": source}
                graded = grade_notebook(Submission(Path("s.ipynb"), answer_cells=[cell]), ex, checker)
                item = next(i for i in graded.items if i.question.qid == q.qid)
                if q.kind == "coding":
                    check_coding_verdicts(mine, theirs, item, where)
                    continue
                assert (mine.status, mine.message, mine.note) == (theirs.status, theirs.message, theirs.note), where
                assert item.status == mine.status, where
                assert item.note == mine.note, where
                if q.kind == "span" and value in SPAN_FRAGMENTS:
                    assert mine.status == "incorrect", where
                    fragments += 1
                if mine.status == "incorrect" and 0 < mine.points < q.points:
                    assert " of the " in mine.note, where  # says how many are right
                    partial += 1
                assert item.points == mine.points, where
                if item.status == "invalid":
                    assert mine.message == unreadable_message(item.message), where
                    assert mine.points == theirs.points == 0.0, where
                else:
                    assert item.message == mine.message, where
                assert (theirs.status == "correct") == (item.status == "correct" and item.points == q.points), where
    assert kinds == {"single", "multiple", "matching", "ordering", "numeric", "span", "text", "coding"}
    assert fragments >= 3 * 4 and partial >= 3  # every span question saw the fragments; partial credit seen


def check_coding_verdicts(mine, theirs, item, where) -> None:
    """A coding: the grader scores what the instructor's check scores; the student copy holds no key,
    so it records (status manual) and never says Correct; none of the three reads an expression."""
    if mine.status == "invalid":
        assert theirs.status == item.status == "invalid" and mine.message == theirs.message, where
        return
    assert theirs.status in ("manual", "unanswered") and not theirs.message.startswith("Correct"), where
    assert theirs.points == 0.0, where
    if mine.status == "unanswered":  # no coding in the cell, and none saved by the widget either
        assert item.status == "no_coding" and item.points == 0.0, where
    else:
        assert (item.status, item.points, item.message) == (mine.status, mine.points, mine.message), where


def test_an_expression_that_computes_the_right_answer_is_not_correct(sets):
    ex = sets[0]
    q = next(q for q in ex.questions if q.kind == "single")
    solution = ex.solutions[q.qid]
    student = SelfCheck(ex.self_check_data(salt="s"))
    source = f"{q.qid} = {solution[:2]!r} + {solution[2:]!r}"
    for side in (ex, student):
        fb = side.feedback(q.qid, solution, source)
        assert fb.status == "invalid" and not fb.message.startswith("Correct")
        assert NOT_A_PLAIN_VALUE in fb.message and "score 0" in fb.message
    assert student.feedback(q.qid, solution, f"{q.qid} = {solution!r}").status == "correct"


def test_a_readable_answer_cell_is_judged_by_its_literal(sets):
    # The grader reads the cell, not whatever value the check cell was handed.
    ex = sets[0]
    q = next(q for q in ex.questions if q.kind == "single")
    student = StudentCheck(ex.self_check_data(salt="s"))
    for side in (ex, student):
        assert side.feedback(q.qid, ex.solutions[q.qid], f"{q.qid} = None").status == "unanswered"
        assert side.feedback(q.qid, None, f"{q.qid} = {ex.solutions[q.qid]!r}").status == "correct"


def test_both_sides_offer_the_same_protocol(sets):
    assert isinstance(sets[0], QuizCheck)
    assert isinstance(StudentCheck(sets[0].self_check_data()), QuizCheck)
    assert SelfCheck is StudentCheck  # the name released notebooks import


@pytest.fixture
def shell():
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    ip = InteractiveShell.instance(config=config)
    yield ip
    InteractiveShell.clear_instance()


def run(ip, source: str) -> str:
    import contextlib

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = ip.run_cell(source, store_history=True)
    assert result.error_in_exec is None and result.error_before_exec is None, source
    return out.getvalue()


@pytest.mark.parametrize("written", ["{a!r} + {b!r}", "str({a!r} + {b!r})", "answer"])
def test_the_check_in_a_notebook_reads_the_answer_cell_from_the_history(sets, shell, written):
    ex = sets[0]
    q = next(q for q in ex.questions if q.kind == "single")
    solution = ex.solutions[q.qid]
    shell.user_ns["quiz"] = StudentCheck(ex.self_check_data(salt="history"))
    shell.user_ns["answer"] = solution
    expression = written.format(a=solution[:2], b=solution[2:])
    run(shell, f"{q.qid} = {expression}")
    assert answer_source(q.qid) == f"{q.qid} = {expression}"
    said = run(shell, f'quiz.check("{q.qid}", {q.qid})')
    assert not said.startswith("Correct"), said
    assert said.startswith("This answer could not be read: ") and "would score 0" in said
    # Written as the grader reads it, the same value is correct; the instructor's check agrees.
    run(shell, f"{q.qid} = {solution!r}")
    assert run(shell, f'quiz.check("{q.qid}", {q.qid})').startswith("Correct.")
    shell.user_ns["quiz"] = ex
    assert run(shell, f'quiz.check("{q.qid}", {q.qid})').startswith("Correct.")
    run(shell, f"{q.qid} = {expression}")
    assert run(shell, f'quiz.check("{q.qid}", {q.qid})') == said  # same words on both sides


def test_outside_ipython_only_the_value_is_checked(sets, capsys):
    assert answer_source("q1") is None  # no shell: no history to read
    ex = sets[0]
    q = next(q for q in ex.questions if q.kind == "single")
    ex.check(q.qid, ex.solutions[q.qid])
    assert capsys.readouterr().out.startswith("Correct.")


def test_an_unquoted_answer_gets_the_friendly_message_not_a_traceback(sets, shell):
    from coursekit.quiz.display import install_answer_help

    assert install_answer_help(shell)
    shell.user_ns["quiz"] = StudentCheck(sets[0].self_check_data(salt="names", iterations=1000))
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        shell.run_cell("q4 = reported_fact", store_history=True)
        shell.run_cell('quiz.check("q4", q4)', store_history=True)
        shell.run_cell("undefined_thing + 1", store_history=True)  # not an answer slip: the usual traceback
    said = out.getvalue()
    assert 'Put text answers in quotes: q4 = "reported_fact"' in said
    assert "q4 has no answer yet: run its answer cell" in said
    friendly, usual = said.split("run its answer cell", 1)
    assert "NameError" not in friendly and "Traceback" not in friendly
    assert "NameError" in usual and "undefined_thing" in usual


def test_feedback_shows_as_an_html_block_with_words_and_icon():
    from coursekit.quiz import Feedback
    from coursekit.quiz.display import STATUS_LABELS, feedback_html

    for status, (icon, word, _) in STATUS_LABELS.items():
        block = feedback_html(Feedback(status, 0.0, f"{word}. Lavrov's words <b> introduces a quotation"))
        assert f"<strong>{word}.</strong>" in block and icon in block and 'aria-hidden="true"' in block
        assert 'role="status"' in block and "white-space:normal" in block and "<pre" not in block
        assert "&lt;b&gt;" in block and block.count(word) == 1  # escaped; the status is said once


def test_the_grader_explains_a_wrongly_formed_answer_and_never_shows_the_rubric(sets, tmp_path):
    from coursekit.grading import GradingReport, StudentResult
    from coursekit.grading.feedback import feedback_html
    from coursekit.grading.tables import response_rows

    ex = sets[0]
    multiple = next(q for q in ex.questions if q.kind == "multiple")
    text = next(q for q in ex.questions if q.kind == "text")
    cells = [{"cell_type": "code", "metadata": {"tags": [f"answer:{multiple.qid}"]}, "source": f'{multiple.qid} = "x"'},
             {"cell_type": "code", "metadata": {"tags": [f"answer:{text.qid}"]}, "source": f'{text.qid} = "My view."'}]
    result = grade_notebook(Submission(Path("s.ipynb"), answer_cells=cells), ex, Checker())
    notebook_says = ex.feedback(multiple.qid, "x", f'{multiple.qid} = "x"')
    assert notebook_says.note.startswith("Write a list of options")
    student = StudentResult("ana", sets={ex.set_id: result})
    page = feedback_html(student, [ex])
    assert notebook_says.note.replace('"', "&quot;") in page  # the same sentence, escaped
    assert "A good answer here covers: " + text.guide in page.replace("&#x27;", "'")
    assert text.rubric[:40].replace("'", "&#x27;") not in page
    rows = response_rows(GradingReport([student], [ex], [], tmp_path))
    [row] = [r for r in rows if r[2] == text.qid]
    assert row[-1].startswith("mark by the rubric: ") and text.rubric[:40] in row[-1]
