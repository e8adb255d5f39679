"""The grading loop: marks counted, one student regraded, late work, export (through grade_class)."""
# The fixtures `sets` and `blanks` come from test_grade (the key read independently of coursekit):
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_grade import KEYS, S1, blanks, expected_points, filled, fmt, sets, solutions, write  # noqa: F401

from coursekit import grading
from coursekit.cli import main
from coursekit.grading.marking import read_to_mark
from coursekit.grading.marks import Mark, answer_digest, write_marks

TEXT_QID = next(q for q, spec in KEYS[S1].items() if spec["kind"] == "text")
TEXT_POINTS = KEYS[S1][TEXT_QID]["points"]
AUTO = sum(spec["points"] for spec in KEYS[S1].values() if spec["kind"] != "text")


def rows(path: Path) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return {r["student"]: r for r in reader}


@pytest.fixture
def klass(tmp_path, blanks):
    sub = tmp_path / "sub"
    answers = {
        "alice": {**solutions(S1), TEXT_QID: "Lavrov speaks; the author reports."},
        "bob": {**solutions(S1), "q1": "rasmussen", TEXT_QID: "Bob's view."},
        "carol": {**solutions(S1), TEXT_QID: "Carol's answer."},
    }
    for name, given in answers.items():
        write(sub / f"{name}.ipynb", filled(blanks[S1], given))
    return sub, answers


def test_marks_count_in_total_show_on_the_page_and_a_changed_answer_is_flagged(klass, sets, tmp_path, blanks):
    sub, answers = klass
    out = tmp_path / "out"
    grading.grade_class(sub, sets, out)
    book = rows(out / "gradebook.csv")
    assert [book[n]["to_mark"] for n in ("alice", "bob", "carol")] == ["1", "1", "1"]
    (question,) = [q for q in read_to_mark(out) if q.qid == TEXT_QID]
    assert {a.student: a.answer for a in question.answers} == {n: a[TEXT_QID] for n, a in answers.items()}

    # alice marked in the view (with the answer's fingerprint); bob typed by hand (no fingerprint).
    write_marks(out / "marks.csv", [
        Mark(S1, TEXT_QID, "alice", 2, "Clear <and> sourced.", answer_digest(answers["alice"][TEXT_QID])),
        Mark(S1, TEXT_QID, "bob", 1, "", ""),
    ])
    report = grading.grade_class(sub, sets, out)
    book = rows(out / "gradebook.csv")
    assert book["alice"][f"{S1}:{TEXT_QID}"] == "2" and book["alice"]["to_mark"] == "0"
    assert book["alice"]["total"] == fmt(AUTO + 2)
    bob_auto = AUTO - KEYS[S1]["q1"]["points"] + expected_points(S1, "q1", "rasmussen")
    assert book["bob"]["total"] == fmt(bob_auto + 1)
    assert book["carol"]["to_mark"] == "1" and book["carol"][f"{S1}:{TEXT_QID}"] == ""
    page = (out / "feedback" / "alice.html").read_text(encoding="utf-8")
    assert "Marked by your instructor: 2 of" in page
    assert "Clear &lt;and&gt; sourced." in page  # escaped
    assert "2 written answer(s) marked (marks.csv) and counted" in report.summary()
    assert (out / "marks.csv").exists()  # the instructor's file is read, never replaced

    # alice hands in a changed answer: her mark is not used and she is to be marked again.
    write(sub / "alice.ipynb", filled(blanks[S1], {**answers["alice"], TEXT_QID: "A new answer."}))
    grading.grade_class(sub, sets, out)
    book = rows(out / "gradebook.csv")
    assert book["alice"]["to_mark"] == "1" and book["alice"]["total"] == fmt(AUTO)
    assert "the answer changed after it was marked (the mark 2 is not used); mark it again" in book["alice"]["problems"]
    assert book["alice"]["status"] == "partial"


def test_a_bad_mark_is_a_notice_not_a_crash(klass, sets, tmp_path):
    sub, _ = klass
    out = tmp_path / "out"
    out.mkdir()
    (out / "marks.csv").write_text(f"set,question,student,mark,comment,answer_sha256\n"
                                   f"{S1},{TEXT_QID},alice,99,,\n", encoding="utf-8")
    report = grading.grade_class(sub, sets, out)
    assert f"marks.csv:2: column 'mark': is 99; expected 0 to {fmt(TEXT_POINTS)}" in report.summary()
    assert rows(out / "gradebook.csv")["alice"]["to_mark"] == "1"


def test_regrading_one_student_gives_the_rows_of_a_full_run(klass, sets, tmp_path, blanks):
    sub, answers = klass
    out, full = tmp_path / "out", tmp_path / "full"
    grading.grade_class(sub, sets, out)
    write_marks(out / "marks.csv", [Mark(S1, TEXT_QID, "carol", 1, "ok", "")])
    # bob hands in again, better; carol's file changes too but is NOT regraded with --student bob.
    write(sub / "bob.ipynb", filled(blanks[S1], {**answers["bob"], "q1": solutions(S1)["q1"]}))
    report = grading.grade_class(sub, sets, out, student="bob")
    assert [s.name for s in report.students] == ["alice", "bob", "carol"]
    full.mkdir()
    (full / "marks.csv").write_bytes((out / "marks.csv").read_bytes())
    grading.grade_class(sub, sets, full)
    for name in ("gradebook.csv", "responses.csv", "item_analysis.csv", "to_mark.json"):
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    assert (out / "feedback" / "bob.html").read_bytes() == (full / "feedback" / "bob.html").read_bytes()
    assert rows(out / "gradebook.csv")["carol"][f"{S1}:{TEXT_QID}"] == "1"  # marks applied to kept rows


def test_regrading_one_student_refuses_without_a_base_or_with_changed_sources(klass, sets, tmp_path):
    sub, _ = klass
    out = tmp_path / "out"
    with pytest.raises(grading.GradingError, match="no earlier results .* grade the whole class once"):
        grading.grade_class(sub, sets, out, student="bob")
    grading.grade_class(sub, sets, out)
    with pytest.raises(grading.GradingError, match="no notebook for the student 'zoe'"):
        grading.grade_class(sub, sets, out, student="zoe")
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    saved["questions"] = "0" * 16
    (out / "results.json").write_text(json.dumps(saved), encoding="utf-8")
    with pytest.raises(grading.GradingError, match="the exercise sources changed since the last full run"):
        grading.grade_class(sub, sets, out, student="bob")


def test_late_work_by_the_times_file(klass, sets, tmp_path):
    sub, _ = klass
    config = tmp_path / "grading.toml"
    config.write_text('[late]\ndue = "2026-12-08T17:00:00+00:00"\npolicy = "percent-per-day"\n'
                      'percent = 10\ntimes = "submitted.csv"\n', encoding="utf-8")
    (tmp_path / "submitted.csv").write_text(
        "student,submitted\nalice,2026-12-08T16:59:00Z\nbob,2026-12-10T09:00:00Z\n", encoding="utf-8")
    out = tmp_path / "out"
    report = grading.grade_class(sub, sets, out, late_config=config)
    book = rows(out / "gradebook.csv")
    bob_before = AUTO - KEYS[S1]["q1"]["points"] + expected_points(S1, "q1", "rasmussen")
    assert (book["alice"]["late_days"], book["alice"]["penalty"], book["alice"]["total"]) == ("0", "", fmt(AUTO))
    assert book["bob"]["late_days"] == "2"
    assert book["bob"]["penalty"] == fmt(bob_before * 0.2)
    assert book["bob"]["total"] == fmt(bob_before * 0.8)
    assert book["carol"]["late_days"] == ""  # no time for her: not checked, and said so
    summary = report.summary()
    assert "no submission time in submitted.csv for 1 student(s), not checked: carol" in summary
    assert "1 student(s) late" in summary
    page = (out / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "Handed in 2 days late" in page


def test_late_work_by_file_times_warns_that_they_are_unreliable(klass, sets, tmp_path):
    sub, _ = klass
    config = tmp_path / "grading.toml"
    config.write_text('[late]\ndue = "2026-12-08T17:00:00+00:00"\npolicy = "zero"\n', encoding="utf-8")
    on_time = datetime(2026, 12, 8, 16, 0, tzinfo=UTC).timestamp()
    for name in ("alice", "carol"):
        os.utime(sub / f"{name}.ipynb", (on_time, on_time))
    os.utime(sub / "bob.ipynb", (on_time + 7200, on_time + 7200))
    report = grading.grade_class(sub, sets, tmp_path / "out", late_config=config)
    book = rows(tmp_path / "out" / "gradebook.csv")
    assert book["bob"]["late_days"] == "1" and book["bob"]["total"] == "0"
    assert book["alice"]["late_days"] == "0"
    assert "modification times, which copying or unzipping changes" in report.summary()


def test_cli_grade_student_and_export(klass, tmp_path, capsys):
    sub, _ = klass
    out = tmp_path / "out"
    exercises = str(Path(__file__).resolve().parents[1] / "exercises")
    assert main(["grade", str(sub), "--exercises", exercises, "--out", str(out), "-q"]) == 0
    assert main(["grade", str(sub), "--exercises", exercises, "--out", str(out), "-q",
                 "--student", "bob"]) == 0
    # Everyone has a written answer still to mark: nothing is a finished grade yet.
    assert main(["export", str(out), "--to", "csv"]) == 1
    assert "3 student(s) without a finished grade" in capsys.readouterr().out
    write_marks(out / "marks.csv", [Mark(S1, TEXT_QID, n, 1, "", "") for n in ("alice", "bob", "carol")])
    assert main(["grade", str(sub), "--exercises", exercises, "--out", str(out), "-q"]) == 0
    assert main(["export", str(out), "--to", "csv"]) == 0
    exported = (out / "export-csv.csv").read_text(encoding="utf-8").splitlines()
    assert exported[0] == "student,coursekit,max,status" and len(exported) == 4
    assert main(["export", str(out), "--to", "canvas"]) == 2
    assert "Export Entire Gradebook" in capsys.readouterr().err
