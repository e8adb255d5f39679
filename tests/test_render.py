"""`coursekit render` on a case from another article, and on the NATO-Russia case itself.

Rendering executes notebooks (slow): each case is rendered once per module
(a module-scoped fixture), and the tests read what it wrote. The edge cases
(one side, 200 claims, …) are in test_render_edge_cases.py so that pytest-xdist
can run the two files side by side.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from render_helpers import (
    LESSONS,
    REPO_ROOT,
    case_text,
    cell_text,
    leaks,
    nato_terms,
    read_rendered,
    readability_problems,
    run_render,
)

from coursekit import load_case
from coursekit.case_cells import (
    adapt,
    anchors_in,
    case_parameter,
    cell_cases,
    exercise_set_fits,
    read_commentary,
    set_case_parameter,
)
from coursekit.cli import main
from coursekit.notebooks import problems_in

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "cases"
SPEECH = FIXTURES / "harbour-speech-demo"
NATO_ID = "nato-russia-2013"


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    """The speech case, copied next to the output folder and rendered from their parent."""
    root = tmp_path_factory.mktemp("speech")
    shutil.copytree(SPEECH, root / SPEECH.name)  # a case folder is named after its id (validate checks)
    rc, printed = run_render(SPEECH.name, Path("out"), cwd=root)
    return rc, printed, root


@pytest.fixture(scope="module")
def nato(tmp_path_factory):
    """The NATO case by its id: lesson 04."""
    out = tmp_path_factory.mktemp("nato") / "out"
    rc, printed = run_render(NATO_ID, out, "--notebook", "04_comparing_claims.ipynb", "--no-exercises")
    return rc, printed, out


# --- the lessons as committed ------------------------------------------------------------

@pytest.mark.parametrize("name", LESSONS)
def test_generic_cells_of_the_generic_lessons_name_nothing_of_the_nato_case(name):
    nb = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    generic = adapt(nb, "any-other-case", {})
    generic.cells = [c for c in generic.cells if "parameters" not in c.metadata.get("tags", [])]
    for cell in generic.cells:
        cell.outputs = []  # the committed outputs are the NATO case's; only the sources are generic
    assert leaks(generic, allowed_text="") == []


def test_the_leak_finder_finds_the_nato_case_in_its_own_cells():
    nb = nbformat.read(REPO_ROOT / "notebooks" / "04_comparing_claims.ipynb", as_version=4)
    nb.cells = [c for c in nb.cells if cell_cases(c)]
    found = " ".join(leaks(nb, allowed_text=""))
    for expected in ("name 'Sergey Lavrov'" if "Sergey Lavrov" in found else "name 'Lavrov'",
                     "topic 'Dialogue'", "year '2015'", "article phrase"):
        assert expected in found
    river = (FIXTURES / "river-accord-demo" / "article.txt").read_text(encoding="utf-8")
    assert leaks(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(river)]), "") == []
    lifted = "As the article says, they remain stuck in Cold War mentality and believe it."
    assert "article phrase 'remain stuck in cold war'" in " ".join(
        leaks(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(lifted)]), ""))


@pytest.mark.parametrize("name", LESSONS)
def test_case_cells_hold_no_section_heading_and_each_has_an_anchor(name):
    """Leaving a case's cells out never removes a section; commentary has a place to go."""
    nb = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
    tagged = [c for c in nb.cells if cell_cases(c)]
    assert tagged, f"{name} has no case-specific cell"
    for cell in tagged:
        assert cell.cell_type == "markdown"
        assert not any(line.startswith("#") for line in cell.source.splitlines()), cell.source[:80]
        assert any(t.startswith("anchor:") for t in cell.metadata["tags"]), cell.source[:80]
    assert len(anchors_in(nb)) == len({a for a in anchors_in(nb)})


def test_lessons_about_the_nato_case_only_tag_the_cells_that_speak_of_it():
    terms = nato_terms()["name"] - {"NATO"}
    for name in ("01_reading_the_article.ipynb", "02_nato_position.ipynb",
                 "03_russia_position.ipynb", "05_what_happened_next.ipynb"):
        nb = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown" and any(t in cell.source for t in terms):
                assert NATO_ID in cell_cases(cell), f"{name} cell {i} names the NATO case untagged"


def test_adapting_for_the_nato_case_changes_nothing():
    for name in LESSONS:
        nb = nbformat.read(REPO_ROOT / "notebooks" / name, as_version=4)
        adapted = adapt(nb, NATO_ID, {})
        set_case_parameter(adapted, case_parameter(NATO_ID, REPO_ROOT / "data/cases" / NATO_ID,
                                                   Path("/tmp/out")))
        assert adapted == nb


# --- commentary.md -----------------------------------------------------------------------

def test_commentary_sections_are_read_by_anchor_and_mistakes_named(tmp_path):
    (tmp_path / "commentary.md").write_text(
        "A note for me.\n\n# comparing-intro\n\nHello **there**.\n\n## A sub-heading\n\nMore.\n\n"
        "```\n# not a section (in a code block)\n```\n"
        "# Comparing Intro\nx\n# comparing-intro\nagain\n# comparing-matrix\n\n# nowhere\ntext\n",
        encoding="utf-8")
    got = read_commentary(tmp_path, ["comparing-intro", "comparing-matrix"])
    assert got.sections == {"comparing-intro": "Hello **there**.\n\n## A sub-heading\n\nMore.\n\n"
                                               "```\n# not a section (in a code block)\n```"}
    path = tmp_path / "commentary.md"
    assert got.problems == [
        f"{path}:14: the heading '# Comparing Intro' is not an anchor name; a level-1 heading starts "
        "the section for one anchor (lower-case letters, digits, - and _, e.g. '# comparing-coverage'); "
        "use '##' for a heading inside a section.",
        f"{path}:16: a second section for anchor 'comparing-intro' (the first is on line 3); "
        "merge the two into one.",
        f"{path}:18: the section for anchor 'comparing-matrix' is empty; write the commentary under "
        "the heading, or remove it.",
        f"{path}:20: no lesson has the anchor 'nowhere'; rename the heading to one of: "
        "comparing-intro, comparing-matrix.",
    ]
    assert read_commentary(tmp_path / "no-such-case").sections == {}


def test_render_refuses_a_commentary_with_an_unknown_anchor(tmp_path, capsys):
    case = Path(shutil.copytree(SPEECH, tmp_path / SPEECH.name))
    with open(case / "commentary.md", "a", encoding="utf-8") as fh:
        fh.write("\n# comparing-covrage\n\nA typo in the anchor.\n")
    rc = main(["render", "--case", str(case), "--out", str(tmp_path / "out"), "--no-exercises"])
    err = capsys.readouterr().err
    assert rc == 1
    assert "commentary.md:" in err and "'comparing-covrage'" in err and "comparing-coverage" in err
    assert "not rendered: fix the problems above" in err
    assert not (tmp_path / "out").exists()


def test_commentary_may_hold_sections_for_a_lesson_not_rendered_this_time():
    from coursekit.commands.render import known_anchors

    explore_only = known_anchors([REPO_ROOT / "notebooks" / "explore_a_case.ipynb"])
    assert explore_only[0] == "explore-intro" and "comparing-coverage" in explore_only
    assert read_commentary(SPEECH, explore_only).problems == []


def test_render_refuses_a_lesson_about_another_case(tmp_path, capsys):
    rc = main(["render", "--case", str(SPEECH), "--out", str(tmp_path / "out"), "--no-exercises",
               "--notebook", "02_nato_position.ipynb"])
    err = capsys.readouterr().err
    assert rc == 1
    assert ("02_nato_position.ipynb is a lesson about one case (nato-russia-2013), not about "
            "harbour-speech-demo; lessons that render for any case: 04_comparing_claims.ipynb, "
            "explore_a_case.ipynb") in err
    assert not (tmp_path / "out").exists()


def test_render_refuses_to_write_into_its_notebooks_folder(tmp_path, capsys):
    rc = main(["render", "--case", str(SPEECH), "--out", str(REPO_ROOT / "notebooks"),
               "--notebooks", str(REPO_ROOT / "notebooks"), "--no-exercises"])
    assert rc == 1
    assert "notebooks: it is the input" in capsys.readouterr().err


def test_the_parameter_is_the_id_or_a_path_relative_to_the_output(tmp_path):
    assert case_parameter(NATO_ID, REPO_ROOT / "x", tmp_path) == NATO_ID
    nato_folder = REPO_ROOT / "data" / "cases" / NATO_ID  # a kit case given as a folder: its id
    assert case_parameter(str(nato_folder), nato_folder, tmp_path / "out") == NATO_ID
    (tmp_path / "cases" / "my-case").mkdir(parents=True)
    assert case_parameter(str(tmp_path / "cases/my-case"), tmp_path / "cases/my-case",
                          tmp_path / "rendered/my-case") == "../../cases/my-case"


# --- exercise sets -----------------------------------------------------------------------

def _renamed_nato(tmp_path: Path) -> Path:
    """The NATO data under another id: the claim ids the exercise keys use all exist."""
    folder = Path(shutil.copytree(REPO_ROOT / "data" / "cases" / NATO_ID, tmp_path / "copy-case"))
    toml = folder / "case.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(f'id = "{NATO_ID}"', 'id = "copy-case"'),
                    encoding="utf-8")
    return folder


def _key_from_only(tmp_path: Path, keep=("q1", "q2", "q3", "q4", "q5", "q6", "q7")) -> Path:
    """Exercise set 01 with only questions whose keys come from key_from rules (q1-q7)."""
    nb = nbformat.read(REPO_ROOT / "exercises" / "01_attribution.ipynb", as_version=4)
    def qid(cell):
        return next((t.split(":", 1)[1] for t in cell.metadata.get("tags", [])
                     if re.match(r"(question|spec|answer|check):", t)), None)
    nb.cells = [c for c in nb.cells if qid(c) in (None, *keep)]
    path = tmp_path / "keyed" / "01_attribution.ipynb"  # its set-up cell loads itself by this name
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return path


def test_an_exercise_set_fits_a_case_only_when_its_keys_follow_that_case(tmp_path):
    nato = load_case(NATO_ID)
    copy = load_case(_renamed_nato(tmp_path))
    keyed = _key_from_only(tmp_path)
    for path in sorted((REPO_ROOT / "exercises").glob("*.ipynb")):
        assert exercise_set_fits(path, nato) is None, path.name
    assert exercise_set_fits(keyed, copy) is None
    assert "is a written answer marked with a rubric written for the nato-russia-2013 case" in (
        exercise_set_fits(REPO_ROOT / "exercises" / "01_attribution.ipynb", copy))
    assert "has a fixed key written for the nato-russia-2013 case" in (
        exercise_set_fits(REPO_ROOT / "exercises" / "03_context_and_analysis.ipynb", copy))
    river = load_case(FIXTURES / "river-accord-demo")
    assert "no claim 'lavrov-no-change' in case 'river-accord-demo'" in exercise_set_fits(keyed, river)
    # Data that changes a key makes the source's solution wrong: not rendered.
    claims = Path(copy.path) / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("lavrov-cold-war,lavrov,", "lavrov-cold-war,chamberlain,"),
                      encoding="utf-8")
    assert "the solution of q6 in the source ('lavrov') is not the key this case gives" in (
        exercise_set_fits(keyed, load_case(copy.path)))


# --- the speech case, rendered -----------------------------------------------------------

def test_the_speech_renders_without_kernel_noise(speech):
    rc, printed, root = speech
    assert rc == 0, printed
    assert "2 of 2 notebooks rendered into out" in printed
    assert "commentary: 4 section(s) from commentary.md" in printed
    assert "IPKernelApp" not in printed and "WARNING" not in printed and "Traceback" not in printed
    for name in ("01_attribution", "02_stances_and_conditions", "03_context_and_analysis"):
        assert re.search(rf"skipped exercise set {name}\.ipynb: its key_from rules need data this "
                         r"case does not have: question 'q1': ", printed), printed
    # the coding set codes ¶6, ¶7 and ¶9: the speech has eight paragraphs
    assert re.search(r"skipped exercise set 04_coding\.ipynb: .*paragraph\(s\) \[9\] are not in the article", printed)
    n = len(list((REPO_ROOT / "exercises").glob("*.ipynb")))
    assert f"exercise sets: 0 rendered into out/instructor-exercises, {n} skipped (of {n})" in printed
    assert not (root / "out" / "instructor-exercises").exists()


def test_the_speech_lessons_hold_nothing_of_the_nato_case(speech):
    _, printed, root = speech
    allowed = case_text(root / SPEECH.name)
    for name, nb in read_rendered(root / "out").items():
        assert leaks(nb, allowed) == [], name
        html = (root / "out" / name).with_suffix(".html").read_text(encoding="utf-8")
        assert "Lavrov" not in html and "NATO" not in html and "Rasmussen" not in html


def test_the_speech_lessons_are_readable_and_carry_its_commentary(speech):
    _, _, root = speech
    rendered = read_rendered(root / "out")
    for name, nb in rendered.items():
        assert readability_problems(nb, name, "harbour-speech-demo", "../harbour-speech-demo") == []
    comparing = rendered["04_comparing_claims.ipynb"]
    commentary = read_commentary(root / SPEECH.name).sections
    placed = {c.metadata["tags"][1].split(":", 1)[1]: i for i, c in enumerate(comparing.cells)
              if cell_cases(c) == {"harbour-speech-demo"}}
    assert set(placed) == {"comparing-intro", "comparing-coverage", "comparing-key-points"}
    for anchor, i in placed.items():
        assert comparing.cells[i].source == commentary[anchor]
    source = comparing.cells
    # Commentary stands where the NATO cells stood: the coverage note right after the coverage table.
    assert "coverage" in source[placed["comparing-coverage"] - 1].source
    assert placed["comparing-key-points"] == len(source) - 1
    texts = [cell_text(c) for c in comparing.cells]
    assert any("Åsa Lindqvist-Nørgaard" in t for t in texts)
    assert any("2 of 7 claims carry a condition." in t for t in texts)
    explore = rendered["explore_a_case.ipynb"]
    assert explore.cells[1].source == commentary["explore-intro"]
    assert any("Fiskarlaget Øst" in cell_text(c) for c in explore.cells)


# --- the NATO case, rendered -------------------------------------------------------------

def _comparable(nb):
    cells = []
    for cell in nb.cells:
        outputs = [{**o, "data": {m: d for m, d in o.get("data", {}).items() if not m.startswith("image/")}}
                   if "data" in o else o for o in cell.get("outputs", [])]
        cells.append((cell.cell_type, cell.source, json.dumps(outputs, sort_keys=True)))
    return cells


def test_the_nato_case_still_renders_to_the_committed_lesson(nato):
    rc, printed, out = nato
    assert rc == 0, printed
    assert "IPKernelApp" not in printed and "WARNING" not in printed
    committed = nbformat.read(REPO_ROOT / "notebooks" / "04_comparing_claims.ipynb", as_version=4)
    rendered = nbformat.read(out / "04_comparing_claims.ipynb", as_version=4)
    assert _comparable(rendered) == _comparable(committed)


def test_an_exercise_set_that_fits_another_case_is_rendered_for_it(tmp_path, capsys):
    from coursekit.commands.render import render

    keyed = _key_from_only(tmp_path, keep=("q1", "q2", "q3"))
    copy = _renamed_nato(tmp_path)
    out = tmp_path / "out"
    assert render(copy, [], out, case_arg=str(copy), exercises=[keyed]) == 0
    printed = capsys.readouterr().out
    assert "exercise sets: 1 rendered" in printed
    assert "instructor-exercises holds instructor copies WITH SOLUTIONS: do not give it to students" in printed
    ex = nbformat.read(out / "instructor-exercises" / keyed.name, as_version=4)
    assert problems_in(ex, keyed.name) == []
    param = next(c for c in ex.cells if "parameters" in c.metadata.get("tags", []))
    assert param.source.startswith('CASE = "../../copy-case"')
    checks = [cell_text(c) for c in ex.cells if any(t.startswith("check:") for t in c.metadata.get("tags", []))]
    assert len(checks) == 3 and all("Correct" in text for text in checks), checks
