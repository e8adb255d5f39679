"""coursekit grade: a generated class graded to an exactly expected gradebook, nothing executed.

The expected points are computed here from the chosen answers and the
solutions written in the instructor sources (read with json, ast and
tomllib), not with coursekit's own checking code.
"""

from __future__ import annotations

import ast
import copy
import csv
import hashlib
import io
import json
import os
import tomllib
from pathlib import Path

import nbformat
import pytest

from coursekit import grading
from coursekit.cli import main
from coursekit.release import student_notebook

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "exercises"
# The sets of closed and written questions; the coding set has its own test (test_grade_coding.py).
CODING_SETS = {"04_coding"}
SET_IDS = sorted(p.stem for p in SOURCES.glob("*.ipynb") if p.stem not in CODING_SETS)
S1, S2, S3 = SET_IDS
WRONG_SPAN = "By Nigel Chamberlain, NATO Watch"  # ¶2, the byline: inside no claim


# --- the key, read independently of coursekit.quiz -------------------------------------

def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def read_key(set_id: str) -> dict[str, dict]:
    """qid -> {kind, points, solution}, from the source notebook's spec and answer cells."""
    cells = json.loads((SOURCES / f"{set_id}.ipynb").read_text(encoding="utf-8"))["cells"]
    key: dict[str, dict] = {}
    for cell in cells:
        for tag in _tags(cell):
            if tag.startswith("spec:"):
                spec = tomllib.loads(_source(cell))
                key.setdefault(tag[5:], {}).update(kind=spec["kind"], points=float(spec.get("points", 1)))
            if tag.startswith("answer:"):
                tree = ast.parse(_source(cell))
                key.setdefault(tag[7:], {})["solution"] = ast.literal_eval(tree.body[0].value)
    return key


KEYS = {set_id: read_key(set_id) for set_id in SET_IDS}


def expected_points(set_id: str, qid: str, answer) -> float:
    """Points by the documented rules: all or nothing, except multiple select and matching."""
    spec = KEYS[set_id][qid]
    kind, points, solution = spec["kind"], spec["points"], spec["solution"]
    if answer is None or kind == "text":
        return 0.0
    if kind == "multiple":
        right, chosen = set(solution), set(answer)
        return round(max(0.0, (len(chosen & right) - len(chosen - right)) / len(right)) * points, 4)
    if kind == "matching":
        hits = sum(answer.get(k) == v for k, v in solution.items())
        return round(hits / len(solution) * points, 4)
    return points if answer == solution else 0.0


def fmt(x: float) -> str:
    x = round(x, 4)
    return str(int(x)) if x == int(x) else f"{x:.4f}".rstrip("0")


# --- building submissions ----------------------------------------------------------------

@pytest.fixture(scope="module")
def sets():
    return [ex for ex in grading.load_exercise_sets(SOURCES) if ex.set_id in SET_IDS]


@pytest.fixture(scope="module")
def blanks(sets) -> dict[str, dict]:
    """Each set's student copy (as `coursekit release` makes it, not executed), as plain JSON."""
    out = {}
    for ex in sets:
        nb = student_notebook(ex, nbformat.read(SOURCES / f"{ex.set_id}.ipynb", as_version=4))
        out[ex.set_id] = json.loads(nbformat.writes(nb))
    return out


def answer_cell(nb: dict, qid: str) -> dict:
    [cell] = [c for c in nb["cells"] if f"answer:{qid}" in _tags(c)]
    return cell


def filled(blank: dict, answers: dict[str, object], raw: dict[str, str] | None = None) -> dict:
    """A student copy with answers written as literals (``raw``: the exact source after ``q = ``)."""
    nb = copy.deepcopy(blank)
    for qid, value in answers.items():
        cell = answer_cell(nb, qid)
        comment = _source(cell).splitlines()[0]
        cell["source"] = f"{comment}\n{qid} = {value!r}"
    for qid, text in (raw or {}).items():
        cell = answer_cell(nb, qid)
        cell["source"] = f"{qid} = {text}"
    return nb


def solutions(set_id: str) -> dict[str, object]:
    return {qid: spec["solution"] for qid, spec in KEYS[set_id].items()}


def write(path: Path, nb: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")


def attack(sentinel: Path) -> str:
    return f'__import__("pathlib").Path({str(sentinel)!r}).write_text("ran")'


# --- class A: one notebook per student, set 01, every kind of bad input -------------------

BOB_01 = {**solutions(S1), "q1": "rasmussen", "q2": "paraphrase", "q7": ["b", "d", "a"],
          "q8": {"a": "rasmussen", "b": "lavrov", "c": "lavrov", "d": "rasmussen"},
          "q9": WRONG_SPAN, "q11": "<script>alert('x')</script> Lavrov spoke to Russian media."}


@pytest.fixture(scope="module")
def class_a(tmp_path_factory, blanks):
    root = tmp_path_factory.mktemp("class_a")
    sub = root / "submissions"
    sentinel = root / "SENTINEL"
    blank = blanks[S1]
    chosen: dict[str, dict] = {}

    chosen["alice"] = solutions(S1)
    write(sub / "alice.ipynb", filled(blank, chosen["alice"]))
    chosen["bob"] = BOB_01
    write(sub / "bob.ipynb", filled(blank, BOB_01))
    chosen["carol"] = {}  # the copy as released: every answer None
    write(sub / "carol.ipynb", blank)

    # dave tries to run code in an answer cell, in an ordinary cell and in a check cell.
    dave = filled(blank, {**solutions(S1), "q1": None}, raw={"q1": attack(sentinel),
                                                           "q2": "eval(\"'direct_quote'\")"})
    dave["cells"].insert(3, {"cell_type": "code", "metadata": {}, "execution_count": None,
                             "outputs": [], "source": attack(sentinel)})
    [check] = [c for c in dave["cells"] if "check:q3" in _tags(c)]
    check["source"] = attack(sentinel)
    write(sub / "dave.ipynb", dave)
    chosen["dave"] = {**solutions(S1), "q1": None, "q2": None}

    text = json.dumps(filled(blank, solutions(S1)), indent=1)
    lines = text.splitlines()
    lines[2] += " oops"  # erin: a stray edit breaks the JSON on line 3
    (sub / "erin.ipynb").write_text("\n".join(lines), encoding="utf-8")
    (sub / "frank.ipynb").write_text(text[: len(text) // 2], encoding="utf-8")  # cut off
    (sub / "gina.ipynb").write_bytes(b"")
    write(sub / "hank.ipynb", {"nbformat": 3, "nbformat_minor": 0, "metadata": {},
                               "worksheets": [{"cells": []}]})
    (sub / "ivan.ipynb").write_text("[1, 2, 3]", encoding="utf-8")

    # jane's tags were edited: q2's removed, q3's copied onto another cell, q4's renamed.
    jane = filled(blank, solutions(S1))
    answer_cell(jane, "q2")["metadata"]["tags"] = []
    [check3] = [c for c in jane["cells"] if "check:q3" in _tags(c)]
    check3["metadata"]["tags"].append("answer:q3")
    answer_cell(jane, "q4")["metadata"]["tags"] = ["answer:q40"]
    write(sub / "jane.ipynb", jane)
    chosen["jane"] = {**solutions(S1), "q2": None, "q3": None, "q4": None}

    # kim: an answer over 1 MB, one that breaks the parser (MemoryError), a spreadsheet formula
    kim = filled(blank, {**solutions(S1), "q11": None},
                 raw={"q11": repr("x" * 1_100_000), "q5": "-" * 200_000 + "1"})
    write(sub / "kim.ipynb", kim)
    chosen["kim"] = {**solutions(S1), "q11": None, "q5": None}
    chosen["liam"] = {**solutions(S1), "q11": "=HYPERLINK(\"http://example.org\")"}
    write(sub / "liam.ipynb", filled(blank, chosen["liam"]))

    lee = json.dumps(filled(blank, solutions(S1))).encode("utf-8")
    (sub / "lee.ipynb").write_bytes(lee.replace(b"Exercises 1", b"Exercises \xff1", 1))

    huge = filled(blank, solutions(S1))
    huge["cells"][0]["source"] = "x" * (21 * 1024 * 1024)
    write(sub / "max.ipynb", huge)

    (sub / "notes.txt").write_text("remember to grade", encoding="utf-8")
    (sub / ".DS_Store").write_bytes(b"\x00\x01binary")
    write(sub / ".ipynb_checkpoints" / "alice-checkpoint.ipynb", blank)
    return sub, sentinel, chosen


FAILED_A = {
    "erin": "erin.ipynb: not valid JSON: line 3 column",
    "frank": "frank.ipynb: not valid JSON: the file ends too early",
    "gina": "gina.ipynb: the file is empty (0 bytes)",
    "hank": "hank.ipynb: nbformat 3 notebook; only nbformat 4 can be graded",
    "ivan": "ivan.ipynb: not a notebook: the file holds a JSON list",
    "lee": "lee.ipynb: not UTF-8 text: byte 0xff",
    "max": "max.ipynb: the file is 21.0 MB; notebooks over 20 MB are not read",
}
PROBLEMS_A = {  # fragments of each problem, in order
    "dave": ["dave.ipynb: q1: the answer must be a plain value", "dave.ipynb: q2: the answer must be a plain value"],
    "jane": ["jane.ipynb: a cell is tagged 'answer:q40', which is not a question of",
             "jane.ipynb: q2: no code cell tagged 'answer:q2'",
             "jane.ipynb: q3: 2 cells are tagged 'answer:q3'",
             "jane.ipynb: q4: no code cell tagged 'answer:q4'"],
    # The copy handed in as released: flagged, so 0 is not taken for a real attempt.
    "carol": ["carol.ipynb: nothing answered: every answer is still None"],
    "kim": ["kim.ipynb: q5: ", f"kim.ipynb: q11: the answer cell holds {len('q11 = ') + 1_100_002:,} characters; "
            "answers over 1,000,000 are not read"],
}


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def expected_row(name: str, chosen: dict[str, dict[str, object]], set_ids: list[str],
                 status: str) -> list[str]:
    row, total = [name], 0.0
    for set_id in set_ids:
        for qid in KEYS[set_id]:
            if set_id not in chosen:
                row.append("")
                continue
            answer = chosen[set_id].get(qid)
            if KEYS[set_id][qid]["kind"] == "text" and answer is not None:
                row.append("")  # a written answer waits for the instructor's mark: no number yet
                continue
            points = expected_points(set_id, qid, answer)
            total += points
            row.append(fmt(points))
    to_mark = sum(1 for s in set_ids if s in chosen for q, spec in KEYS[s].items()
                  if spec["kind"] == "text" and chosen[s].get(q) is not None)
    max_points = sum(spec["points"] for s in set_ids for spec in KEYS[s].values())
    return [*row, "" if status == "failed" else fmt(total), fmt(max_points), str(to_mark), status]


def check_gradebook(path: Path, expected: dict[str, list[str]], problems: dict[str, list[str]],
                    set_ids: list[str]) -> None:
    rows = read_csv(path)
    header = ["student", *(f"{s}:{q}" for s in set_ids for q in KEYS[s]), "total", "max", "to_mark",
              "status", "problems"]
    assert rows[0] == header
    assert [r[0] for r in rows[1:]] == sorted(expected)
    for row in rows[1:]:
        name = row[0]
        assert row[:-1] == expected[name], name
        found = row[-1].split(" | ") if row[-1] else []
        wanted = problems.get(name, [])
        assert len(found) == len(wanted), (name, found)
        for got, fragment in zip(found, wanted, strict=True):
            assert got.startswith(fragment), (name, got, fragment)


def grade_a(class_a, sets, out: Path) -> grading.GradingReport:
    sub, _, _ = class_a
    return grading.grade_class(sub, sets, out)


@pytest.fixture(scope="module")
def graded_a(class_a, sets, tmp_path_factory) -> Path:
    """Class A graded once, for the tests that only read the outputs."""
    out = tmp_path_factory.mktemp("graded_a")
    grade_a(class_a, sets, out)
    return out


def test_class_a_gradebook_is_exactly_as_expected(class_a, sets, tmp_path):
    sub, sentinel, chosen = class_a
    report = grade_a(class_a, sets, tmp_path / "out")
    expected = {}
    for name, answers in chosen.items():
        status = "partial" if name in PROBLEMS_A else "graded"
        expected[name] = expected_row(name, {S1: answers}, [S1], status)
    for name in FAILED_A:
        expected[name] = expected_row(name, {}, [S1], "failed")
    problems = {**PROBLEMS_A, **{n: [f] for n, f in FAILED_A.items()}}
    check_gradebook(tmp_path / "out" / "gradebook.csv", expected, problems, [S1])
    assert expected["alice"][-4] == fmt(sum(s["points"] for s in KEYS[S1].values() if s["kind"] != "text"))
    assert sorted(s.name for s in report.failed) == sorted(FAILED_A)
    assert report.skipped == ["notes.txt"]
    assert not sentinel.exists(), "a submitted notebook's code ran"


def test_no_submitted_code_runs_even_through_the_cli(class_a, tmp_path, capsys):
    sub, sentinel, _ = class_a
    code = main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(tmp_path / "o"), "-q"])
    assert code == 1
    assert not sentinel.exists()


def test_responses_hold_every_answer_free_text_included(class_a, graded_a):
    out = graded_a
    rows = read_csv(out / "responses.csv")
    assert rows[0] == ["student", "set", "question", "kind", "answer", "status", "correct", "points",
                       "max_points", "note"]
    graded = sorted(set(class_a[2]))
    assert len(rows) - 1 == len(graded) * len(KEYS[S1])
    by = {(r[0], r[2]): r for r in rows[1:]}
    assert by[("bob", "q1")][4:8] == ["'rasmussen'", "incorrect", "0", "0"]
    assert by[("bob", "q11")][4:8] == [BOB_01["q11"], "manual", "", "0"]
    assert by[("alice", "q7")][4:8] == [repr(KEYS[S1]["q7"]["solution"]), "correct", "1", "2"]
    assert by[("carol", "q3")][4:8] == ["None", "unanswered", "0", "0"]
    assert by[("jane", "q2")][5] == "missing" and by[("jane", "q3")][5] == "duplicate"
    assert by[("dave", "q1")][5] == "invalid" and "plain value" in by[("dave", "q1")][9]
    assert by[("liam", "q11")][4] == "'=HYPERLINK(\"http://example.org\")"  # not a formula


def test_item_analysis(class_a, graded_a):
    out = graded_a
    rows = read_csv(out / "item_analysis.csv")
    assert rows[0] == ["set", "question", "kind", "max_points", "n", "answered", "share_correct",
                       "mean_points", "discrimination", "common_wrong_answers"]
    by = {r[1]: r for r in rows[1:]}
    chosen = class_a[2]
    n = len(chosen)
    right = sum(1 for a in chosen.values() if a.get("q1") == KEYS[S1]["q1"]["solution"])
    assert by["q1"][4] == str(n)
    assert by["q1"][6] == f"{right / n:.3f}"
    assert by["q1"][9] == "'rasmussen' (1)"
    assert by["q11"][6:9] == ["", "", ""]  # free text: marked by hand
    png = (out / "item_analysis.png").read_bytes()
    assert png.startswith(b"\x89PNG") and b"Software" not in png


def test_feedback_pages_escape_everything(class_a, graded_a):
    out = graded_a
    pages = sorted(p.stem for p in (out / "feedback").glob("*.html"))
    assert pages == sorted([*class_a[2], *FAILED_A])
    bob = (out / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "<script>" not in bob and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in bob
    assert "Not this time: 0 of 1 point." in bob and "¶6" in bob
    assert "Partly right: 0.67 of 2 points." in bob  # rounded for the reader; the CSVs keep 0.6667
    erin = (out / "feedback" / "erin.html").read_text(encoding="utf-8")
    assert "We could not grade one of your files" in erin


def test_feedback_pages_render_prompt_markdown(graded_a, sets):
    """A prompt's list reads as a list, its bold as bold: no literal "- **a**" on the page."""
    import re

    bob = (graded_a / "feedback" / "bob.html").read_text(encoding="utf-8")
    listed = [q for q in sets[0].questions if re.search(r"(?m)^- \*\*", q.prompt)]
    assert listed, "no prompt of the first set has a markdown list to check"
    for q in listed:
        item = re.search(r"(?m)^- \*\*(.+?)\*\*", q.prompt).group(1)
        assert f"<li><strong>{item}</strong>" in bob
    assert not re.search(r"(?m)^- \*\*", bob) and "**" not in bob


def test_feedback_speaks_to_the_student_and_the_summary_to_the_instructor(class_a, graded_a, sets):
    frank = (graded_a / "feedback" / "frank.html").read_text(encoding="utf-8")
    assert "ask the student" not in frank
    assert "save it (File → Save Notebook) and hand it in again" in frank
    report = grade_a(class_a, sets, graded_a)
    [line] = [line for line in report.failure_lines() if line.startswith("failed: frank:")]
    assert line.endswith("(ask the student to open the notebook in Jupyter, save it and hand it in again)")


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rerun_gives_identical_files(class_a, sets, tmp_path):
    grade_a(class_a, sets, tmp_path / "one")
    first = digests(tmp_path / "one")
    grade_a(class_a, sets, tmp_path / "one")
    grade_a(class_a, sets, tmp_path / "two")
    assert digests(tmp_path / "one") == first == digests(tmp_path / "two")
    assert not [p for p in (tmp_path / "one").rglob(".*.tmp")]


def test_an_interrupted_write_keeps_the_previous_gradebook(blanks, sets, tmp_path, monkeypatch):
    sub, out = tmp_path / "sub", tmp_path / "out"
    write(sub / "alice.ipynb", filled(blanks[S1], solutions(S1)))
    grading.grade_class(sub, sets, out)
    before = {name: (out / name).read_bytes() for name in ("gradebook.csv", "responses.csv")}
    write(sub / "alice.ipynb", blanks[S1])  # a changed class: the next run would differ
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(dst).name in ("gradebook.csv", "responses.csv"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        grading.grade_class(sub, sets, out)
    assert {name: (out / name).read_bytes() for name in before} == before
    assert sorted(p.name for p in out.iterdir()) == [".coursekit-output", "feedback", "gradebook.csv",
                                                     "item_analysis.csv", "item_analysis.png", "responses.csv",
                                                     "results.json", "to_mark.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.coursekit-lock", "out", "sub"]
    code = main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(out), "-q"])
    assert code == 2
    assert (out / "gradebook.csv").read_bytes() == before["gradebook.csv"]


# --- class B: a folder per student, three sets -----------------------------------------------

NINA = {S1: solutions(S1),
        S2: {**solutions(S2), "q5": ["a"], "q8": 3, "q6": {**solutions(S2)["q6"], "a": "cooperation"}},
        S3: {**solutions(S3), "q1": list(reversed(solutions(S3)["q1"])), "q3": WRONG_SPAN}}
OMAR = {S1: {"q1": "lavrov", "q7": ["b", "d"]}, S2: solutions(S2)}


@pytest.fixture(scope="module")
def class_b(tmp_path_factory, blanks):
    sub = tmp_path_factory.mktemp("class_b") / "submissions"
    for set_id, answers in NINA.items():
        write(sub / "nina" / f"{set_id}.ipynb", filled(blanks[set_id], answers))
    write(sub / "omar" / f"{S1}.ipynb", filled(blanks[S1], OMAR[S1]))
    write(sub / "omar" / "my work.ipynb", filled(blanks[S2], OMAR[S2]))  # named by the set-up cell
    (sub / "omar" / "notes.txt").write_text("draft", encoding="utf-8")
    write(sub / "omar" / ".ipynb_checkpoints" / f"{S1}-checkpoint.ipynb", blanks[S1])
    write(sub / "pat" / f"{S1}.ipynb", blanks[S1])
    write(sub / "pat" / f"{S1} (1).ipynb", blanks[S1])
    (sub / "quinn").mkdir()
    return sub


def test_class_b_folders_per_student(class_b, sets, tmp_path, capsys):
    code = main(["grade", str(class_b), "--exercises", str(SOURCES), "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1
    expected = {
        "nina": expected_row("nina", NINA, SET_IDS, "graded"),
        "omar": expected_row("omar", OMAR, SET_IDS, "partial"),
        "pat": expected_row("pat", {}, SET_IDS, "failed"),
        "quinn": expected_row("quinn", {}, SET_IDS, "failed"),
    }
    problems = {
        "omar": [f"{S3}: no notebook submitted"],
        "pat": [f"pat/{S1}.ipynb: a second notebook for exercise set {S1} (the other is pat/{S1} (1).ipynb)"],
        "quinn": ["quinn/: the folder holds no notebook (.ipynb)"],
    }
    check_gradebook(tmp_path / "gradebook.csv", expected, problems, SET_IDS)
    assert "graded 2 of 4 student(s): 2 failed, 1 partial" in out
    assert "skipped 1 file(s) that are not notebooks: omar/notes.txt" in out
    assert "failed: pat:" in err and "failed: quinn:" in err


# --- the command line -------------------------------------------------------------------------

def test_exit_zero_when_all_graded_and_progress_only_on_a_terminal(blanks, sets, tmp_path):
    sub = tmp_path / "sub"
    for name in ("a", "b", "c"):
        write(sub / f"{name}.ipynb", filled(blanks[S2], solutions(S2)))

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty, pipe = Terminal(), io.StringIO()
    grading.grade_class(sub, sets, tmp_path / "o1", progress=tty)
    grading.grade_class(sub, sets, tmp_path / "o2", progress=pipe)
    assert "\rgrading 3/3" in tty.getvalue() and pipe.getvalue() == ""
    assert main(["grade", str(sub), "--exercises", str(SOURCES), "--out", str(tmp_path / "o3"), "-q"]) == 0


def test_set_option_grades_an_unrecognisable_notebook(blanks, tmp_path, capsys):
    nb = filled(blanks[S1], solutions(S1))
    nb["cells"] = [c for c in nb["cells"] if "setup" not in _tags(c) and c["cell_type"] == "code"]
    write(tmp_path / "sub" / "alice.ipynb", nb)
    args = ["grade", str(tmp_path / "sub"), "--exercises", str(SOURCES), "--out", str(tmp_path / "o")]
    assert main(args) == 1
    assert "cannot tell which exercise set this notebook is" in capsys.readouterr().err
    assert main([*args, "--set", S1]) == 0
    [_, row] = read_csv(tmp_path / "o" / "gradebook.csv")
    assert row[-2:] == ["graded", ""]


@pytest.mark.parametrize("args", [
    ["grade", "{tmp}/nowhere"],
    ["grade", "{tmp}", "--set", "99_nothing"],
    ["grade", "{tmp}", "--exercises", "{tmp}/no-exercises"],
    ["grade"],
])
def test_usage_errors_exit_2(args, tmp_path, capsys):
    write(tmp_path / "alice.ipynb", {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--exercises" not in argv and len(argv) > 1:
        argv += ["--exercises", str(SOURCES)]
    argv += ["--out", str(tmp_path / "out")]
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    assert code == 2
    assert not (tmp_path / "out" / "gradebook.csv").exists()


def test_help_documents_layouts_and_limits(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    text = capsys.readouterr().out
    for phrase in ("SUBMISSIONS/alice.ipynb", "SUBMISSIONS/alice/01_attribution.ipynb", "20 MB", "1 MB",
                   "no student", "--quiet"):
        assert phrase in text


@pytest.mark.parametrize(("cut", "expected"), [
    ('"source": "q1 = \\"lav', "the file ends too early"),  # cut off inside a string
    ('"cells": [', "the file ends too early"),                # cut off between values
    ('"cells": [}', "line 1 column 12 (Expecting value)"),   # a stray edit, not a cut
])
def test_json_problems_are_whole_sentences(tmp_path, cut, expected):
    path = tmp_path / "x.ipynb"
    path.write_text("{" + cut, encoding="utf-8")
    problem = grading.read_submission(path).problem
    assert problem.startswith("not valid JSON: ") and expected in problem
    assert not problem.rstrip(")").endswith((" at", "starting"))  # no dangling fragment
