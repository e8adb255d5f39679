"""Reliability: nothing lost, one student never stops the class, results whole, links not followed,
text never interpreted.  Each test reproduces a failure found by a hostile review (issue 12)."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import nbformat
import pytest
from test_grade import KEYS, S1, S2, SOURCES, answer_cell, filled, fmt, solutions, write

from coursekit import grading
from coursekit.cli import main
from coursekit.release import student_notebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sets():
    return grading.load_exercise_sets(SOURCES)


@pytest.fixture(scope="module")
def blanks(sets) -> dict[str, dict]:
    """Each set's student copy, not executed, as plain JSON (as in test_grade)."""
    return {ex.set_id: json.loads(nbformat.writes(student_notebook(
        ex, nbformat.read(SOURCES / f"{ex.set_id}.ipynb", as_version=4)))) for ex in sets}


def read_rows(path: Path) -> dict[str, dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    return {r["student"]: r for r in rows}


# --- one student never stops the class ------------------------------------------------------

def hostile_class(root: Path, blanks: dict) -> Path:
    """Good students beside every hostile input the review found."""
    sub = root / "submissions"
    blank = blanks[S1]
    write(sub / "alice.ipynb", filled(blank, solutions(S1)))
    write(sub / "zoe.ipynb", filled(blank, solutions(S1)))
    # A lone surrogate, as a JSON escape (in the cell's text) and as a Python escape (in the value).
    sur = filled(blank, solutions(S1), raw={"q11": '"\\ud800 a lone surrogate"'})
    write(sub / "surrogate_py.ipynb", sur)
    sur_json = filled(blank, solutions(S1))
    answer_cell(sur_json, "q11")["source"] = 'q11 = "\ud800 in the JSON"'
    (sub / "surrogate_json.ipynb").write_text(json.dumps(sur_json), encoding="ascii")
    write(sub / "hexdigits.ipynb", filled(blank, solutions(S1), raw={"q1": "0x" + "1" * 5000}))
    bignum = json.dumps(filled(blank, solutions(S1)))
    (sub / "bignumber.ipynb").write_text(bignum.replace('"metadata": {', '"metadata": {"n": ' + "7" * 5000 + ", ", 1),
                                         encoding="utf-8")
    latin = os.fsencode(sub) + b"/ren\xe9.ipynb"
    with open(latin, "w", encoding="utf-8") as fh:
        json.dump(filled(blank, solutions(S1)), fh)
    os.symlink("loop.ipynb", sub / "loop.ipynb")
    write(sub / ("n" * 240 + ".ipynb"), filled(blank, solutions(S1)))
    other = filled(blank, solutions(S1))
    other["metadata"]["coursekit"] = {"set_id": S2}  # the set-up cell says S1
    write(sub / "other_set.ipynb", other)
    write(sub / "escape\x1b[2J.ipynb", filled(blank, solutions(S1)))
    return sub


def test_a_class_with_every_hostile_input_is_graded(blanks, sets, tmp_path, capsys):
    sub = hostile_class(tmp_path, blanks)
    out = tmp_path / "results"
    code = main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out)])
    stdout, stderr = capsys.readouterr()
    assert code == 1
    rows = read_rows(out / "gradebook.csv")
    for good in ("alice", "zoe"):
        assert rows[good]["status"] == "graded", rows[good]
    assert rows["surrogate_py"]["status"] in ("graded", "partial")
    assert rows["surrogate_json"]["status"] in ("graded", "partial")
    assert rows["hexdigits"]["status"] == "partial"
    assert "q1:" in rows["hexdigits"]["problems"]
    assert rows["bignumber"]["status"] == "failed"
    assert "digits" in rows["bignumber"]["problems"]
    assert rows["ren\\xe9"]["status"] == "graded"
    assert rows["n" * 240]["status"] == "graded"
    assert rows["other_set"]["status"] == "failed"
    # One notebook naming another set changes nobody else's maximum.
    assert rows["alice"]["max"] == fmt(sum(q["points"] for q in KEYS[S1].values()))
    assert "loop.ipynb" in stdout  # reported as skipped, not followed
    assert "loop" not in rows
    assert "\x1b" not in stdout + stderr
    assert "\x1b" not in (out / "gradebook.csv").read_text(encoding="utf-8")
    assert len(list((out / "feedback").iterdir())) == len(rows)


def test_an_exercise_source_that_is_not_a_notebook_is_a_plain_error(tmp_path, capsys):
    (tmp_path / "ex").mkdir()
    (tmp_path / "ex" / "01_bad.ipynb").write_text('{"cells": 5}', encoding="utf-8")
    write(tmp_path / "sub" / "a.ipynb", {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})
    code = main(["grade", str(tmp_path / "sub"), "--exercises", str(tmp_path / "ex"),
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "01_bad.ipynb" in err and "Traceback" not in err


# --- results are a transaction ----------------------------------------------------------------

def small_class(root: Path, blanks: dict, answers: dict, n: int = 6) -> Path:
    sub = root / "sub"
    for i in range(n):
        write(sub / f"s{i:02d}.ipynb", filled(blanks[S1], answers))
    return sub


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def killed_run(sub: Path, sets, out: Path, target: str, after: int) -> int:
    """Grade in a forked child that dies like ``kill -9`` at the ``after``-th call of ``target``."""
    import multiprocessing

    def child() -> None:
        import shutil

        import coursekit._io as cio

        calls = {"n": 0}
        real = {"rename": os.rename, "rmtree": shutil.rmtree, "write_atomic": cio.write_atomic}[target]

        def dying(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] >= after:
                os._exit(9)  # no clean-up runs, as with kill -9
            return real(*args, **kwargs)

        if target == "rename":
            os.rename = dying
        elif target == "rmtree":
            shutil.rmtree = dying
        else:
            cio.write_atomic = dying
        grading.grade_class(sub, sets, out)
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(120)
    return process.exitcode


# Killed while writing the new files, before the first rename, between the two, after both.
@pytest.mark.parametrize("target, after", [("write_atomic", 3), ("rename", 1), ("rename", 2), ("rmtree", 1)])
def test_a_killed_regrade_leaves_whole_results_and_the_next_run_recovers(blanks, sets, tmp_path, target, after):
    sub = small_class(tmp_path, blanks, solutions(S1))
    out = tmp_path / "results"
    grading.grade_class(sub, sets, out)
    before = snapshot(out)
    for nb in sub.iterdir():  # the class changed: every page and row of the next run differs
        write(nb, blanks[S1])
    assert killed_run(sub, sets, out, target, after) == 9
    if target == "rmtree":  # died after the swap: the new results are whole
        assert snapshot(out) != before and (out / "gradebook.csv").is_file()
    elif out.exists():  # died before the swap: the previous results, untouched
        assert snapshot(out) == before
    else:  # died between the renames: the old results are aside, whole, and come back next run
        assert snapshot(tmp_path / ".results.coursekit-old") == before
    grading.grade_class(sub, sets, out)
    fresh = tmp_path / "fresh"
    grading.grade_class(sub, sets, fresh)
    assert snapshot(out) == snapshot(fresh)
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert leftovers == [".fresh.coursekit-lock", ".results.coursekit-lock"]
    assert not [p for p in out.rglob("*.tmp")]


def test_a_full_disk_leaves_the_previous_results_whole(blanks, sets, tmp_path, monkeypatch):
    sub = small_class(tmp_path, blanks, solutions(S1))
    out = tmp_path / "results"
    grading.grade_class(sub, sets, out)
    before = snapshot(out)
    for nb in sub.iterdir():
        write(nb, blanks[S1])
    import coursekit._io as cio

    real, calls = cio.write_atomic, []

    def full_disk(path, data, **kwargs):
        calls.append(path)
        if len(calls) > 3:
            raise OSError(28, "No space left on device")
        return real(path, data, **kwargs)

    monkeypatch.setattr(cio, "write_atomic", full_disk)
    code = main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out), "-q"])
    assert code == 2
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".results.coursekit-lock", "results", "sub"]


def test_a_second_run_on_the_same_out_is_refused_while_the_first_writes(blanks, sets, tmp_path, capsys):
    from coursekit._io import output_lock

    sub = small_class(tmp_path, blanks, solutions(S1), n=2)
    out = tmp_path / "results"
    with output_lock(out.resolve(), "grade"):  # the first run, still writing
        code = main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out), "-q"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"another run (process {os.getpid()}) is writing {out}" in err
    assert "this run stopped without writing" in err
    assert not out.exists()
    assert main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out), "-q"]) == 0


# --- nothing lost: one rule for every folder a command writes ---------------------------------

def fake_clone(tmp_path: Path) -> Path:
    """What matters of a clone for the rule: .git, sources, lessons (a real release is not needed)."""
    clone = tmp_path / "clone"
    for name in (".git/HEAD", "exercises/01_a.ipynb", "notebooks/01_lesson.ipynb", "README.md"):
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        (clone / name).write_text(name, encoding="utf-8")
    return clone


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("out, says", [
    (".", "is the repository"),
    ("exercises", "is the input"),
    ("notebooks", "is the input"),
    ("..", "holds the repository"),
])
def test_student_kit_never_replaces_the_repository_or_its_sources(tmp_path, monkeypatch, capsys, out, says):
    clone = fake_clone(tmp_path)
    before = tree(clone)
    monkeypatch.chdir(clone)
    assert main(["student-kit", "--out", out, "--force"]) == 1
    err = capsys.readouterr().err
    assert says in err and f"will not write {out}" in err
    assert tree(clone) == before


def test_force_replaces_only_a_folder_the_kit_made(tmp_path, monkeypatch, capsys):
    from coursekit._io import MARKER, OutputError, claim_output

    mine = tmp_path / "notes"
    (mine / "draft.txt").parent.mkdir()
    (mine / "draft.txt").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(fake_clone(tmp_path))
    assert main(["student-kit", "--out", str(mine), "--force"]) == 1
    assert "holds files coursekit did not write (draft.txt)" in capsys.readouterr().err
    assert (mine / "draft.txt").read_text(encoding="utf-8") == "mine"
    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / MARKER).write_text("written by coursekit student-kit\n", encoding="utf-8")
    (kit / "README.md").write_text("old kit", encoding="utf-8")
    with pytest.raises(OutputError, match="exists; choose another folder or pass --force"):
        claim_output(kit, command="student-kit", force=False)
    assert claim_output(kit, command="student-kit", force=True) == kit.resolve()


def test_release_and_render_never_write_over_their_inputs(tmp_path, capsys):
    sources = tmp_path / "exercises"
    sources.mkdir()
    for nb in SOURCES.glob("*.ipynb"):
        (sources / nb.name).write_bytes(nb.read_bytes())
    before = tree(sources)
    assert main(["release", str(sources), "--out", str(sources)]) == 1
    assert f"will not write {sources}: it is the input" in capsys.readouterr().err
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "04_comparing_claims.ipynb").write_bytes((ROOT / "notebooks" / "04_comparing_claims.ipynb").read_bytes())
    lesson_bytes = tree(lessons)
    assert main(["render", "--case", str(ROOT / "tests/fixtures/cases/river-accord-demo"),
                 "--notebooks", str(lessons), "--notebook", "04_comparing_claims.ipynb",
                 "--out", str(lessons)]) == 1
    assert f"will not write {lessons}: it is the input" in capsys.readouterr().err
    assert tree(sources) == before and tree(lessons) == lesson_bytes


@pytest.mark.parametrize("where", ["submissions", "submissions/alice", "."])
def test_grade_never_writes_into_the_submissions_or_above_them(blanks, tmp_path, monkeypatch, capsys, where):
    sub = tmp_path / "submissions"
    write(sub / "alice" / f"{S1}.ipynb", filled(blanks[S1], solutions(S1)))
    write(sub / "bob" / f"{S1}.ipynb", filled(blanks[S1], solutions(S1)))
    before = tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["grade", "submissions", "--exercises", str(SOURCES), "--out", where]) == 2
    err = capsys.readouterr().err
    assert f"will not write {where}" in err and "Traceback" not in err
    assert tree(tmp_path) == before


@pytest.mark.parametrize("char", ["\u2028", "\u0085", "\x0c", "\x1e"])
def test_fill_offsets_counts_records_as_the_csv_reader_does(tmp_path, char):
    import re
    import shutil

    from coursekit.authoring import fill_offsets

    case = Path(shutil.copytree(ROOT / "tests/fixtures/cases/river-accord-demo", tmp_path / "case"))
    claims = case / "claims.csv"
    original = claims.read_text(encoding="utf-8")
    text = re.sub(r"^([^,\n]*,[^,\n]*,[^,\n]*,)\d+,\d+,", r"\1,,", original, flags=re.M)
    # A summary (not the quote) holding the character, in the first claim.
    text = text.replace("The author reports that", f"The author{char} reports that", 1)
    with open(claims, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    assert fill_offsets(case).ok
    expected = original.replace("The author reports that", f"The author{char} reports that", 1)
    with open(claims, encoding="utf-8", newline="") as fh:
        assert fh.read() == expected


# --- hostile files and names ------------------------------------------------------------------

def test_links_in_the_submissions_are_reported_as_skipped_never_followed(blanks, tmp_path, capsys):
    sub = tmp_path / "submissions"
    write(sub / "alice.ipynb", filled(blanks[S1], solutions(S1)))
    os.symlink(SOURCES, sub / "mallory")  # a "student folder" that is the instructor's sources
    os.symlink("/etc/passwd", sub / "eve.ipynb")
    (sub / "trudy").mkdir()
    os.symlink(SOURCES / f"{S1}.ipynb", sub / "trudy" / f"{S1}.ipynb")
    out = tmp_path / "out"
    assert main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    for link in ("mallory", "eve.ipynb", f"trudy/{S1}.ipynb"):
        assert f"{link} (a link; links are not followed)" in printed
    rows = read_rows(out / "gradebook.csv")
    assert sorted(rows) == ["alice", "trudy"] and rows["trudy"]["status"] == "failed"
    pages = " ".join(p.read_text(encoding="utf-8") for p in (out / "feedback").iterdir())
    assert "root:" not in pages and "mallory" not in pages


def test_terminal_escapes_in_names_and_case_text_are_shown_not_sent(tmp_path, capsys):
    import shutil

    evil = "case\x1b]52;c;SGVsbG8=\x07\x1b[2J"
    case = Path(shutil.copytree(ROOT / "tests/fixtures/cases/river-accord-demo", tmp_path / evil))
    claims = case / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(",paraphrase,", ",\x1b[31mparaphrase,", 1),
                      encoding="utf-8")
    assert main(["validate", str(case)]) == 1
    printed = "".join(capsys.readouterr())
    assert "\x1b" not in printed and "\x07" not in printed
    assert "\\x1b]52;c;SGVsbG8=\\x07\\x1b[2J" in printed


def test_a_flood_of_problems_is_capped_for_spreadsheets(blanks, sets, tmp_path):
    nb = filled(blanks[S1], solutions(S1))
    for i in range(3000):
        nb["cells"].append({"cell_type": "code", "metadata": {"tags": [f"answer:stray{i}"]}, "source": "x = 1",
                            "execution_count": None, "outputs": []})
    write(tmp_path / "sub" / "alice.ipynb", nb)
    grading.grade_class(tmp_path / "sub", sets, tmp_path / "out")
    row = read_rows(tmp_path / "out" / "gradebook.csv")["alice"]
    assert len(row["problems"]) <= 32_767
    assert row["problems"].endswith("more problems not shown (3000 in all)")


# --- validation: hostile case data --------------------------------------------------------------

FIXTURE = ROOT / "tests/fixtures/cases/river-accord-demo"


def case_copy(tmp_path: Path, name: str = "river-accord-demo") -> Path:
    import shutil

    return Path(shutil.copytree(FIXTURE, tmp_path / name))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(case: Path) -> str:
    from coursekit.validation import read_case_folder

    return "\n".join(str(p) for p in read_case_folder(case).problems)


def test_validation_reports_hostile_values_without_a_traceback(tmp_path, capsys):
    case = case_copy(tmp_path)
    edit(case / "claims.csv", ",155,227,", "," + "9" * 5000 + ",227,")
    assert main(["validate", str(case)]) == 1
    err = capsys.readouterr().err
    assert "expected a whole number" in err and "Traceback" not in err


@pytest.mark.parametrize("name, old, new, says", [
    ("claims.csv", "The author reports", "The author\x00 reports", "NUL byte"),
    ("article.txt", "Zürich", "Zür\x00ich", "NUL byte"),
    ("case.toml", 'id = "river-accord-demo"', 'id = "river-accord-other"', "the folder is named"),
    ("timeline.csv", "2029-08,", "0000-08,", "expected an ISO 8601 date"),
    ("timeline.csv", "2029-08,", "9999-12,", "expected an ISO 8601 date"),
])
def test_validation_refuses_what_it_once_accepted(tmp_path, name, old, new, says):
    case = case_copy(tmp_path)
    edit(case / name, old, new)
    assert says in problems_of(case)


def test_names_that_differ_only_invisibly_are_reported(tmp_path):
    case = case_copy(tmp_path)
    text = (case / "glossary.csv").read_text(encoding="utf-8")
    term = text.splitlines()[1].split(",")[0]
    (case / "glossary.csv").write_text(text + f"{term.upper()},a second definition,test\n"
                                       + f"{term}\u200b,a third,test\n", encoding="utf-8")
    toml = (case / "case.toml").read_text(encoding="utf-8")
    first_side = toml.split('name = "', 1)[1].split('"', 1)[0]
    (case / "case.toml").write_text(toml + f'\n[[sides]]\nname = "{first_side.upper()}"\ncolour = "#000000"\n',
                                    encoding="utf-8")
    problems = problems_of(case)
    assert problems.count("only by case, Unicode form or an invisible character") == 3, problems


def test_a_span_may_not_end_inside_a_combining_sequence(tmp_path):
    case = case_copy(tmp_path)
    article = (case / "article.txt").read_text(encoding="utf-8")
    at = article.index("Zürich") + 2  # "Zu" + U+0308 + "rich": split after the u, before its mark
    (case / "article.txt").write_text(article.replace("Zürich", "Zu\u0308rich"), encoding="utf-8")
    claims = (case / "claims.csv").read_text(encoding="utf-8")
    claims = claims.replace("Zürich", "Zu\u0308rich")
    (case / "claims.csv").write_text(claims, encoding="utf-8")
    from coursekit.validation import read_case_folder

    raw = read_case_folder(case)
    assert unicodedata_combining(raw.article[at])
    edit(case / "claims.csv", ",155,227,", f",{at - 20},{at},")
    assert "inside a combining sequence" in problems_of(case)


def unicodedata_combining(char: str) -> bool:
    import unicodedata

    return bool(unicodedata.combining(char))


@pytest.mark.parametrize("label", ["($10bn vs $30bn)", "$x^{$", "a $\\frac{1}{0}$ b"])
def test_data_text_is_never_mathtext(tmp_path, label):
    from coursekit import plots
    from coursekit.cases import load_case

    case = case_copy(tmp_path)
    edit(case / "topics.csv", "Summer release quota", label)
    edit(case / "timeline.csv", "The dry season is expected to begin.", label.replace(",", ""))
    loaded = load_case(case)
    for figure in (plots.claims_heatmap(loaded), plots.timeline_figure(loaded)):
        assert plots.png_bytes(figure).startswith(b"\x89PNG")
        from matplotlib.text import Text

        drawn = [t._preprocess_math(t.get_text()) for t in figure.findobj(Text) if "\\$" in t.get_text()]
        assert drawn and all(not math for _, math in drawn)  # shown as written, never as mathtext
        assert label.replace(",", "") in [text for text, _ in drawn]


def test_new_case_refuses_an_id_with_a_trailing_newline(tmp_path, capsys):
    assert main(["new-case", "abc\n", "--root", str(tmp_path)]) == 1
    assert not any(tmp_path.iterdir())


def test_a_regrade_keeps_the_instructors_marks_and_exports(blanks, sets, tmp_path):
    sub = small_class(tmp_path, blanks, solutions(S1), n=2)
    out = tmp_path / "results"
    grading.grade_class(sub, sets, out)
    marks = "set,question,student,mark,comment,answer_sha256\n"
    (out / "marks.csv").write_text(marks, encoding="utf-8")
    (out / "export-canvas.csv").write_text("an export", encoding="utf-8")
    grading.grade_class(sub, sets, out)
    assert (out / "marks.csv").read_text(encoding="utf-8") == marks
    assert (out / "export-canvas.csv").read_text(encoding="utf-8") == "an export"
