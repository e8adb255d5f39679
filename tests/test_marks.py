"""The instructor's marks file and the marking view's logic (coursekit/grading/marks.py, marking.py)."""

from __future__ import annotations

import pytest

from coursekit.grading.marking import (
    WrittenAnswer,
    WrittenQuestion,
    collect_marks,
    read_to_mark,
    to_mark_json,
)
from coursekit.grading.marks import Mark, MarksError, answer_digest, read_marks, write_marks

Q = WrittenQuestion("03_context", "q10", "Weigh the claim.", "Two conditions; a source.", 4,
                    [WrittenAnswer("bob", "Bob's answer"), WrittenAnswer("alice", "Alice's answer")])


def test_marks_round_trip_through_the_file(tmp_path):
    path = tmp_path / "marks.csv"
    marks = [Mark("03_context", "q10", "bob", 2.5, "Good, \"but\" no source", answer_digest("b")),
             Mark("03_context", "q10", "alice", 4, "", answer_digest("a"))]
    write_marks(path, marks)
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "set,question,student,mark,comment,answer_sha256",
        f"03_context,q10,alice,4,,{answer_digest('a')}"]
    back, problems = read_marks(path, {("03_context", "q10"): 4})
    assert problems == []
    assert back == {m.key: m for m in marks}


def test_bad_rows_are_reported_and_not_used(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text("set,question,student,mark,comment,answer_sha256\n"
                    "s,q1,alice,five,,x\n"
                    "s,q1,bob,7,,x\n"
                    "s,q9,carol,1,,x\n"
                    "s,q1,dave,,,x\n"
                    "s,q1,erin,1,,x\n"
                    "s,q1,erin,2,,y\n", encoding="utf-8")
    marks, problems = read_marks(path, {("s", "q1"): 4})
    assert problems == [
        "marks.csv:2: column 'mark': is 'five'; expected a number",
        "marks.csv:3: column 'mark': is 7; expected 0 to 4",
        "marks.csv:4: s:q9 is not a written question of this run; mark not used",
        "marks.csv:7: a second mark for erin, s:q1; the later row is used",
    ]
    assert list(marks) == [("erin", "s", "q1")] and marks[("erin", "s", "q1")].mark == 2


def test_a_marks_file_with_the_wrong_header_is_refused(tmp_path):
    path = tmp_path / "marks.csv"
    path.write_text("student,mark\nalice,1\n", encoding="utf-8")
    with pytest.raises(MarksError, match="no column set, question, comment, answer_sha256"):
        read_marks(path)
    assert read_marks(tmp_path / "none.csv") == ({}, [])


def test_collect_marks_merges_clears_and_checks_the_range():
    old = {("carol", "other", "q1"): Mark("other", "q1", "carol", 1, "", "z"),
           ("bob", "03_context", "q10"): Mark("03_context", "q10", "bob", 1, "", "z")}
    merged, problems = collect_marks(Q, {"alice": (" 3 ", " ok "), "bob": ("", "")}, old)
    assert problems == []
    assert set(merged) == {("carol", "other", "q1"), ("alice", "03_context", "q10")}
    assert merged[("alice", "03_context", "q10")] == Mark("03_context", "q10", "alice", 3, "ok",
                                                          answer_digest("Alice's answer"))
    _, problems = collect_marks(Q, {"alice": ("9", ""), "bob": ("x", "")}, {})
    assert problems == ["bob: the mark 'x' is not a number", "alice: the mark 9 is outside 0 to 4"]


def test_to_mark_json_round_trips(tmp_path):
    (tmp_path / "to_mark.json").write_text(to_mark_json([Q]), encoding="utf-8")
    (back,) = read_to_mark(tmp_path)
    assert [a.student for a in back.answers] == ["alice", "bob"]
    assert back.rubric == Q.rubric and back.points == 4
    with pytest.raises(FileNotFoundError, match="run `coursekit grade"):
        read_to_mark(tmp_path / "nowhere")


def test_marking_view_saves_what_was_typed(tmp_path):
    from coursekit.grading.marking import MarkingView

    (tmp_path / "to_mark.json").write_text(to_mark_json([Q]), encoding="utf-8")
    view = MarkingView(tmp_path)
    assert "Two conditions; a source." in view.header.value
    mark, comment = view._fields["alice"]
    mark.value, comment.value = "3", "Names both."
    assert view.save_marks().startswith("Saved: 1 mark(s) for q10")
    marks, _ = read_marks(tmp_path / "marks.csv")
    assert marks[("alice", "03_context", "q10")].comment == "Names both."
    # Reopened, the view shows the saved mark; a changed answer is flagged.
    changed = WrittenQuestion(Q.set_id, Q.qid, Q.prompt, Q.rubric, Q.points,
                              [WrittenAnswer("alice", "A new answer")])
    (tmp_path / "to_mark.json").write_text(to_mark_json([changed]), encoding="utf-8")
    again = MarkingView(tmp_path)
    assert again._fields["alice"][0].value == "3"
    assert "changed after it was marked" in again.rows.children[0].children[0].value
