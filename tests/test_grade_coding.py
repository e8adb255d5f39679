"""coursekit grade on coding questions: a generated class scored exactly, class outputs, nothing run.

Each student's coding sits where JupyterLab saves it (the annotator's widget
state in the notebook's metadata) or in the answer cell as a literal.  The
expected points are computed here from claims.csv (csv module) and the
set's specs (tomllib), not with coursekit's scoring code: every coded span
is either exactly a claim's span or far from every claim, so "found" is
plain offset equality.
"""

from __future__ import annotations

import csv
import json
import random
import tomllib
from fractions import Fraction
from pathlib import Path

import nbformat
import pytest

from coursekit import grading
from coursekit.release import student_notebook

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "04_coding.ipynb"
SET_ID = "04_coding"
MIME = "application/vnd.jupyter.widget-state+json"
COLUMN = {"speaker": "actor_id", "mode": "mode", "topic": "topic_id", "stance": "stance",
          "condition": "condition"}
WRONG = {"speaker": "chamberlain", "mode": "author_comment", "topic": "outlook", "stance": "support",
         "condition": ""}
TITLE_SPAN = (0, 11)  # "NATO-Russia" in the title: far from every claim


def _claims() -> list[dict[str, str]]:
    with open(ROOT / "data/cases/nato-russia-2013/claims.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _paragraph_starts() -> list[int]:
    text = (ROOT / "data/cases/nato-russia-2013/article.txt").read_text(encoding="utf-8")
    starts, pos, inside = [], 0, False
    for line in text.split("\n"):
        if line.strip() and not inside:
            starts.append(pos + len(line) - len(line.lstrip()))
        inside = bool(line.strip())
        pos += len(line) + 1
    return starts


def _specs() -> dict[str, dict]:
    cells = json.loads(SOURCE.read_text(encoding="utf-8"))["cells"]
    specs = {}
    for cell in cells:
        for tag in cell["metadata"].get("tags", []):
            if tag.startswith("spec:"):
                specs[tag[5:]] = tomllib.loads("".join(cell["source"]))
    return specs


SPECS = _specs()
STARTS = _paragraph_starts()


def key_rows(qid: str) -> list[dict[str, str]]:
    paragraphs = SPECS[qid]["key_from"]["paragraphs"]

    def paragraph(offset: int) -> int:
        return sum(1 for s in STARTS if s <= offset)

    return [r for r in _claims() if paragraph(int(r["start"])) in paragraphs]


def expected(qid: str, coding: list[dict] | None) -> Fraction:
    spec = SPECS[qid]
    attrs = spec.get("attributes", ["speaker", "mode", "topic", "stance"])
    rows = key_rows(qid)
    total = Fraction(0)
    for row in rows:
        span = next((c for c in coding or [] if (c["start"], c["end"]) == (int(row["start"]), int(row["end"]))),
                    None)
        if span is None:
            continue
        agreed = sum(span.get(a, "") == row[COLUMN[a]] for a in attrs)
        total += Fraction(1 + agreed, 1 + len(attrs)) * Fraction(spec["points"]) / len(rows)
    return total


def random_coding(qid: str, rng: random.Random) -> list[dict]:
    coding = []
    for row in key_rows(qid):
        if rng.random() < 0.2:
            continue
        entry = {"start": int(row["start"]), "end": int(row["end"])}
        for a, column in COLUMN.items():
            entry[a] = row[column] if rng.random() < 0.7 else WRONG[a]
        coding.append(entry)
    if rng.random() < 0.4:
        coding.append({"start": TITLE_SPAN[0], "end": TITLE_SPAN[1], "speaker": "nato",
                       "mode": "reported_fact", "topic": "dialogue", "stance": "neutral", "condition": ""})
    return coding


def with_states(blank: dict, states: list[dict]) -> dict:
    nb = json.loads(json.dumps(blank))
    nb["metadata"]["widgets"] = {MIME: {"version_major": 2, "version_minor": 0, "state": {
        f"model{i:03d}": {"model_name": "AnyModel", "model_module": "anywidget",
                          "model_module_version": "~0.9.*", "state": s} for i, s in enumerate(states)}}}
    return nb


def state(qid: str, coding: list[dict], edited: float) -> dict:
    return {"ck_qid": qid, "ck_set": SET_ID, "coding": coding, "edited": edited, "role": "exercise",
            "_esm": "export default { render() {} }"}


def set_answer(nb: dict, qid: str, text: str) -> None:
    [cell] = [c for c in nb["cells"] if f"answer:{qid}" in c["metadata"].get("tags", [])]
    cell["source"] = f"{qid} = {text}"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("coding")
    sub = root / "submissions"
    sub.mkdir()
    sentinel = root / "SENTINEL"
    [ex] = grading.load_exercise_sets(SOURCE)
    blank = json.loads(nbformat.writes(student_notebook(ex, nbformat.read(SOURCE, as_version=4))))
    rng = random.Random(2013)
    chosen: dict[str, dict[str, list[dict] | None]] = {}
    for n in range(12):
        name = f"student{n:02d}"
        codings = {qid: random_coding(qid, rng) for qid in SPECS}
        states = [state(qid, c, 1_700_000_000_000 + n) for qid, c in codings.items()]
        # a re-run cell leaves an older, empty annotator in the file: the latest edit wins
        states.append(state("q1", [], 0))
        (sub / f"{name}.ipynb").write_text(json.dumps(with_states(blank, states)), encoding="utf-8")
        chosen[name] = codings
    # no saved coding at all
    (sub / "nosave.ipynb").write_text(json.dumps(blank), encoding="utf-8")
    chosen["nosave"] = {qid: None for qid in SPECS}
    # a coding pasted into the answer cell, no widget state
    literal = json.loads(json.dumps(blank))
    rows = key_rows("q2")
    pasted = [{"start": int(r["start"]), "end": int(r["end"]), "speaker": r["actor_id"], "mode": r["mode"],
               "topic": r["topic_id"], "stance": r["stance"], "condition": r["condition"]} for r in rows]
    set_answer(literal, "q2", repr(pasted))
    (sub / "pasted.ipynb").write_text(json.dumps(literal), encoding="utf-8")
    chosen["pasted"] = {"q1": None, "q2": pasted, "q3": None}
    # hostile: code in the answer cell, junk in the widget state
    hostile = with_states(blank, [state("q1", [{"start": f'__import__("pathlib").Path({str(sentinel)!r})'
                                                          '.write_text("ran")', "end": 3}], 5.0),
                                  state("q3", "rm -rf /", 6.0)])
    set_answer(hostile, "q2", f'__import__("pathlib").Path({str(sentinel)!r}).write_text("ran")')
    (sub / "hostile.ipynb").write_text(json.dumps(hostile), encoding="utf-8")
    out = root / "results"
    report = grading.grade_class(sub, [ex], out)
    return report, out, chosen, sentinel, ex


def _gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", encoding="utf-8", newline="") as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


def test_generated_class_scores_exactly(graded):
    _, out, chosen, _, _ = graded
    book = _gradebook(out)
    for name, codings in chosen.items():
        if name in ("nosave", "pasted", "hostile"):
            continue
        for qid, coding in codings.items():
            want = float(expected(qid, coding))
            assert float(book[name][f"{SET_ID}:{qid}"]) == pytest.approx(want, abs=1e-4), (name, qid)
        total = sum(float(expected(q, c)) for q, c in codings.items())
        assert float(book[name]["total"]) == pytest.approx(total, abs=1e-3)


def test_no_saved_coding_is_reported_not_marked_zero(graded):
    _, out, _, _, _ = graded
    row = _gradebook(out)["nosave"]
    assert [row[f"{SET_ID}:{q}"] for q in SPECS] == ["", "", ""]
    assert row["status"] == "partial"
    assert row["problems"].count("no saved coding") == 3


def test_a_pasted_literal_is_graded(graded):
    _, out, _, _, _ = graded
    row = _gradebook(out)["pasted"]
    assert float(row[f"{SET_ID}:q2"]) == pytest.approx(SPECS["q2"]["points"])
    assert row[f"{SET_ID}:q1"] == ""


def test_nothing_submitted_runs(graded):
    _, out, _, sentinel, _ = graded
    assert not sentinel.exists()
    row = _gradebook(out)["hostile"]
    assert row["status"] == "partial"
    assert "q2: the answer must be a plain value" in row["problems"]
    assert "q3: the saved annotator state holds no list of coded spans" in row["problems"]
    assert float(row[f"{SET_ID}:q1"]) == 0  # its one span is not a span of the article


def test_class_agreement_and_figure_are_written(graded):
    report, out, chosen, _, _ = graded
    with open(out / "coding_agreement.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    attributes = {(r["question"], r["attribute"]) for r in rows}
    assert ("q1", "span") in attributes and ("q2", "condition") in attributes and ("q3", "stance") in attributes
    q1 = [r for r in rows if r["question"] == "q1"]
    # coders: the 12 generated students (nosave, pasted and hostile have no q1 coding that was scored)
    assert {r["coders"] for r in q1} == {"12"}
    for r in rows:
        assert r["alpha"] == "" or -1.0 <= float(r["alpha"]) <= 1.0
    for qid in SPECS:
        png = out / "coding" / f"{SET_ID}-{qid}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        alt = (out / "coding" / f"{SET_ID}-{qid}.txt").read_text(encoding="utf-8")
        assert alt.startswith("Who the class said was speaking") and "key: Sergey Lavrov" in alt
    debrief = nbformat.reads((out / "coding" / "debrief.ipynb").read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(debrief)
    assert sum("show_class_figure" in c.source for c in debrief.cells) == 3


def test_debrief_notebook_shows_each_figure_with_its_alt_text(graded):
    """What `coursekit present results/coding/debrief.ipynb` runs (our generated code, not a student's)."""
    from coursekit.notebooks import execute_notebook

    _, out, _, _, _ = graded
    folder = out / "coding"
    nb = execute_notebook(folder / "debrief.ipynb", timeout=120, cwd=folder)
    html = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if "text/html" in o.get("data", {})]
    assert len(html) == 3
    for qid, page in zip(SPECS, html, strict=True):
        alt = (folder / f"{SET_ID}-{qid}.txt").read_text(encoding="utf-8").strip()
        assert 'src="data:image/png;base64,' in page
        assert f'alt="{alt}"' in page.replace("&#x27;", "'")


def test_regrading_one_student_keeps_the_class_agreement(graded):
    """`coursekit grade --student`: the others' codings come from results.json, so the class outputs stay."""
    _, out, _, _, ex = graded
    before = {p.name: p.read_bytes() for p in [out / "coding_agreement.csv", *sorted((out / "coding").iterdir())]}
    grading.grade_class(out.parent / "submissions", [ex], out, student="student03")
    after = {p.name: p.read_bytes() for p in [out / "coding_agreement.csv", *sorted((out / "coding").iterdir())]}
    assert after == before
