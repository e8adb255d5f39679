"""Grades into Canvas, Moodle or a plain CSV (coursekit/grading/export.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coursekit.grading.export import ExportError, export_grades, match_students, read_roster

GRADEBOOK = (
    "student,01_attribution:q1,01_attribution:q2,02_stances:q1,total,max,to_mark,status,problems\n"
    "alice,1,0.5,2,3.5,5,0,graded,\n"
    "bob,1,1,,2,5,0,partial,02_stances: no notebook submitted\n"
    "carol,1,0,1,2,5,1,graded,\n"
    "dave,,,,,5,0,failed,dave.ipynb: the file is empty (0 bytes)\n"
    "erin,0,0,0,0,5,0,graded,\n"
)

# Canvas's gradebook export: header, a "Points Possible" row, one row per student.
CANVAS_ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (123)\n"
    "    Points Possible,,,,,10\n"
    '"Smith, Alice",1001,S1001,alice,Section A,\n'
    '"Jones, Bob",1002,S1002,BOB,Section A,\n'
    '"Brown, Carol",1003,S1003,carol,Section B,\n'
    '"Stone, Erin",1005,S1005,erin,Section B,\n'
    '"Late, Frank",1006,S1006,frank,Section B,\n'
)

MOODLE_ROSTER = (
    "First name,Last name,ID number,Institution,Department,Email address,Assignment 1 (Real)\n"
    "Alice,Smith,A1,Uni,Politics,alice@uni.example,-\n"
    "Bob,Jones,A2,Uni,Politics,bob@uni.example,-\n"
    "Erin,Stone,A5,Uni,Politics,erin@uni.example,-\n"
)


def _results(tmp_path: Path) -> Path:
    out = tmp_path / "results"
    out.mkdir()
    (out / "gradebook.csv").write_text(GRADEBOOK, encoding="utf-8")
    return out


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_canvas_export_has_canvas_columns_points_possible_and_only_finished_grades(tmp_path):
    results = _results(tmp_path)
    roster = tmp_path / "canvas.csv"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")
    report = export_grades(results, "canvas", roster=roster, assignment="Exercises")
    rows = _rows(report.out)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Exercises"]
    assert rows[1] == ["Points Possible", "", "", "", "", "5"]
    body = {r[3]: r for r in rows[2:]}
    # carol has a written answer to mark and dave failed: neither total is a grade yet.
    assert set(body) == {"alice", "BOB", "erin"}
    assert body["alice"] == ["Smith, Alice", "1001", "S1001", "alice", "Section A", "3.5"]
    assert body["erin"][-1] == "0"
    assert report.match.column == "SIS Login ID"
    assert report.match.not_in_roster == ["dave"]
    assert report.match.no_submission == ["Late, Frank"]
    assert sorted(report.unfinished) == ["carol", "dave"]
    text = "\n".join(report.lines())
    assert "1 graded but not in the roster (not exported): dave" in text
    assert "Late, Frank" in text


def test_canvas_needs_a_roster_and_a_real_canvas_export(tmp_path):
    results = _results(tmp_path)
    with pytest.raises(ExportError, match="Export Entire Gradebook"):
        export_grades(results, "canvas")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,grade\nalice,1\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a Canvas gradebook export"):
        export_grades(results, "canvas", roster=bad)


def test_moodle_export_keeps_identity_columns_and_matches_email_local_part(tmp_path):
    results = _results(tmp_path)
    roster = tmp_path / "moodle.csv"
    roster.write_text(MOODLE_ROSTER, encoding="utf-8")
    report = export_grades(results, "moodle", roster=roster, assignment="Exercises")
    rows = _rows(report.out)
    assert rows[0] == ["Email address", "ID number", "First name", "Last name", "Exercises"]
    assert rows[1:] == [["alice@uni.example", "A1", "Alice", "Smith", "3.5"],
                        ["bob@uni.example", "A2", "Bob", "Jones", "2"],
                        ["erin@uni.example", "A5", "Erin", "Stone", "0"]]
    assert report.match.column == "Email address"


def test_per_set_columns_add_up_each_sets_questions(tmp_path):
    results = _results(tmp_path)
    report = export_grades(results, "csv", per_set=True, assignment="")
    rows = _rows(report.out)
    assert rows[0] == ["student", "01_attribution", "02_stances", "max", "status"]
    by = {r[0]: r for r in rows[1:]}
    assert by["alice"][1:3] == ["1.5", "2"]
    assert by["bob"][1:3] == ["2", ""]  # no notebook for 02: no number, not 0


def test_ambiguous_roster_rows_are_reported_not_guessed(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("Email address,Username\nalice@a.example,\nalice@b.example,\n", encoding="utf-8")
    ros = read_roster(roster, "moodle")
    match = match_students(["alice"], ros, "moodle", column="Email address")
    assert match.ambiguous == ["alice"] and not match.found


def test_unknown_match_column_names_the_columns(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text(MOODLE_ROSTER, encoding="utf-8")
    with pytest.raises(ExportError, match="no column 'Login'; the columns are: First name"):
        export_grades(_results(tmp_path), "moodle", roster=roster, column="Login")


def test_not_a_gradebook_is_a_plain_sentence(tmp_path):
    (tmp_path / "gradebook.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ExportError, match="not a coursekit gradebook"):
        export_grades(tmp_path, "csv")
    with pytest.raises(ExportError, match="no such file"):
        export_grades(tmp_path / "nowhere", "csv")


def test_a_coding_with_none_saved_keeps_the_total_out_of_the_export(tmp_path):
    """Its 0 in the total is no grade: the student is unfinished until the coding is handed in."""
    out = tmp_path / "results"
    out.mkdir()
    (out / "gradebook.csv").write_text(
        "student,04_coding:q1,04_coding:q2,total,max,to_mark,status,problems\n"
        "alice,1,2,3,6,0,graded,\n"
        "bob,,2,2,6,0,partial,bob.ipynb: q1: no saved coding: the notebook holds no annotator state\n",
        encoding="utf-8")
    report = export_grades(out, "csv")
    assert report.unfinished == ["bob"]
    assert "or a coding with none saved" in "\n".join(report.lines())
    assert [r[0] for r in _rows(report.out)[1:]] == ["alice"]
