"""Tests for coursekit.release: the student copies hold no key and validate under nbval."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit import cli
from coursekit.quiz import load_exercise_set
from coursekit.quiz.selfcheck import ITERATIONS
from coursekit.release import ReleaseError, blank_answer, release, student_notebook

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "exercises"


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    out = tmp_path_factory.mktemp("student") / "release"
    paths = release(SOURCES, out)
    return out, paths


@pytest.fixture(scope="module")
def sets():
    return {p.stem: load_exercise_set(p) for p in sorted(SOURCES.glob("*.ipynb"))}


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def test_release_writes_one_copy_per_source(released, sets):
    out, paths = released
    assert sorted(p.name for p in paths) == sorted(f"{s}.ipynb" for s in sets)
    assert sorted(p.name for p in out.iterdir()) == [".coursekit-output", *sorted(p.name for p in paths)]


def test_copies_have_blank_answers_and_no_instructor_cells(released, sets):
    out, _ = released
    for set_id, ex in sets.items():
        nb = nbformat.read(out / f"{set_id}.ipynb", as_version=4)
        answer_cells = [c for c in nb.cells if any(t.startswith("answer:") for t in tags(c))]
        assert len(answer_cells) == len(ex.questions)
        for cell in answer_cells:
            assert cell.source.splitlines()[-1].endswith(" = None")
            assert cell.source.splitlines()[0].startswith("# Your answer:")
        for cell in nb.cells:
            assert "instructor" not in tags(cell)
            assert not any(t.startswith("spec:") for t in tags(cell))
            assert cell.cell_type != "raw"
        [setup] = [c for c in nb.cells if "setup" in tags(c)]
        assert "SelfCheck.from_json" in setup.source and "load_exercise_set" not in setup.source


def test_every_check_says_not_answered(released, sets):
    out, _ = released
    for set_id, ex in sets.items():
        nb = nbformat.read(out / f"{set_id}.ipynb", as_version=4)
        checks = [c for c in nb.cells if any(t.startswith("check:") for t in tags(c))]
        assert len(checks) == len(ex.questions)
        kinds = {q.qid: q.kind for q in ex.questions}
        for cell in checks:
            qid = next(t for t in tags(cell) if t.startswith("check:"))[len("check:"):]
            if kinds[qid] == "coding":  # the check shows the annotator, empty
                shown = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
                assert shown.startswith("<Annotator (exercise)") and ": 0 coded span(s)>" in shown
                continue
            [output] = cell.outputs
            assert output.output_type == "display_data", cell.outputs  # HTML with a text fallback
            assert output.data["text/plain"].startswith("Not answered yet"), cell.outputs
            assert "<strong>Not answered yet.</strong>" in output.data["text/html"]


def test_a_copy_opens_with_the_run_first_note_and_installs_the_answer_help(released, sets):
    out, _ = released
    for set_id in sets:
        nb = nbformat.read(out / f"{set_id}.ipynb", as_version=4)
        assert nb.cells[0].source.startswith("# ") and nb.cells[1].id == "run-first"
        assert "run the cells from the top" in nb.cells[1].source
        [setup] = [c for c in nb.cells if "setup" in tags(c)]
        assert "quiz.install_answer_help()" in setup.source


def test_no_rubric_reaches_the_copy_and_written_answers_get_the_guide(released, sets):
    out, _ = released
    for set_id, ex in sets.items():
        text = (out / f"{set_id}.ipynb").read_text(encoding="utf-8")
        assert '"rubric"' not in text
        [setup] = [c for c in nbformat.reads(text, as_version=4).cells if "setup" in tags(c)]
        call = next(n for n in ast.walk(ast.parse(setup.source)) if isinstance(n, ast.Call)
                    and getattr(n.func, "attr", "") == "from_json")
        data = json.loads(ast.literal_eval(call.args[0]))
        assert data["iterations"] == ITERATIONS  # the copy's digests are key-stretched
        for q in ex.questions:
            if q.kind == "text":
                assert q.guide and data["questions"][q.qid]["guide"] == q.guide  # its own neutral guide
                assert "rubric" not in data["questions"][q.qid]
                for piece in q.rubric.split(". "):
                    if len(piece.split()) >= 6:
                        assert piece not in text, (set_id, q.qid, piece)


def solution_forms(value) -> set[str]:
    forms = {repr(value), json.dumps(value), json.dumps(value, ensure_ascii=False)}
    if isinstance(value, str):
        forms.add(json.dumps(value)[1:-1])
    return forms


def test_no_solution_key_or_explanation_reaches_the_release(released, sets):
    """Scan every released file, metadata included, as raw text."""
    out, _ = released
    texts = {p.name: p.read_text(encoding="utf-8") for p in out.iterdir()}
    for set_id, ex in sets.items():
        for q in ex.questions:
            value = ex.solutions[q.qid]
            # (a coding question's answer cell is None in the source too: its key is the case data)
            looked_for = {f"{q.qid} = {f}" for f in solution_forms(value)} if value is not None else set()
            if q.kind in ("multiple", "matching", "ordering", "text"):
                looked_for |= solution_forms(value)
            if q.kind in ("multiple", "matching", "ordering"):
                looked_for |= solution_forms(q.key)
            if q.kind == "span":
                looked_for.add(q.key)  # the target claim id
            if q.kind != "text":
                looked_for.add(q.explanation.strip())
            for name, text in texts.items():
                for form in looked_for:
                    assert form not in text, f"{set_id} {q.qid}: {form!r} is in {name}"
    for name, text in texts.items():
        for marker in ("key_from", "explanation =", "load_exercise_set", '"instructor"', "spec:q"):
            assert marker not in text, f"{marker!r} is in {name}"


def test_release_copies_pass_nbval(released):
    out, _ = released
    ini = out.parent / "pytest.ini"
    ini.write_text("[pytest]\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(ini), "--rootdir", str(out.parent),
         "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval", "--nbval-current-env", str(out)],
        capture_output=True, text=True, cwd=out.parent, env=env, timeout=240,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_cli_refuses_a_bad_source_and_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "exercises"
    bad.mkdir()
    nb = nbformat.read(SOURCES / "01_attribution.ipynb", as_version=4)
    for cell in nb.cells:
        if "answer:q3" in tags(cell):
            cell.metadata["tags"] = ["answer:q1"]  # now q1 has two answer cells, q3 none
    nbformat.write(nb, bad / "01_attribution.ipynb")
    out = tmp_path / "release"
    assert cli.main(["release", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "release failed; nothing was written" in err
    assert "expected one cell tagged 'answer:q1', found 2" in err
    assert "expected one cell tagged 'answer:q3', found 0" in err
    assert not out.exists()
    assert cli.main(["release", str(tmp_path / "nowhere"), "--out", str(out)]) == 1
    assert "no exercise notebooks" in capsys.readouterr().err


def test_blank_answer_keeps_comments_and_handles_unicode_and_lines():
    assert blank_answer('# a phrase\nq9 = "Russia’s deterrence"  # copied\n', "q9") == \
        '# a phrase\nq9 = None  # copied\n'
    assert blank_answer('q1 = [\n    "a",\n    "b",\n]\n', "q1") == "q1 = None\n"


def test_student_notebook_needs_a_setup_cell(sets):
    ex = sets["01_attribution"]
    nb = nbformat.read(ex.path, as_version=4)
    nb.cells = [c for c in nb.cells if "setup" not in tags(c)]
    with pytest.raises(ReleaseError, match="no code cell tagged 'setup'"):
        student_notebook(ex, nb)


def test_release_prints_no_kernel_warnings(tmp_path, capfd):
    """One kernel per copy, and none of them writes to the instructor's terminal."""
    sources = tmp_path / "sources"
    sources.mkdir()
    first = sorted(SOURCES.glob("*.ipynb"))[0]
    (sources / first.name).write_bytes(first.read_bytes())
    release(sources, tmp_path / "out")
    captured = capfd.readouterr()
    assert "WARNING" not in captured.err and "IPKernelApp" not in captured.err, captured.err
