"""The annotator widget, headless: its passage, coding, comparison and authoring."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import CaseError, load_case
from coursekit.annotator import Annotator, clause_units
from coursekit.claim_authoring import append_claim

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def case_copy(tmp_path):
    folder = tmp_path / "nato-russia-2013"  # a case folder is named by its id
    shutil.copytree(REPO / "data" / "cases" / "nato-russia-2013", folder)
    return folder


def test_units_tile_the_passage_exactly():
    case = load_case("nato-russia-2013")
    ann = Annotator(case, paragraphs=[6, 7])
    for p in (6, 7):
        para = case.paragraphs[case.paragraphs["number"] == p].iloc[0]
        units = [u for u in ann.units if u[3] == p]
        assert units[0][0] == para.start and units[-1][1] == para.end
        assert all(a[1] == b[0] for a, b in zip(units, units[1:], strict=False))
        assert "".join(u[2] for u in units) == para.text
        assert all(case.article[s:e] == t for s, e, t, _ in units)


def test_clause_units_split_before_unless():
    text = "Russia will not accept cuts unless the US drops plans."
    assert [text[s:e] for s, e in clause_units(text, 0, len(text))] == [
        "Russia will not accept cuts ", "unless the US drops plans."]


def test_exercise_annotator_holds_no_key():
    ann = Annotator("nato-russia-2013", paragraphs=[6], role="exercise", qid="q1", set_id="04_coding")
    state = ann.get_state()
    assert state["ck_qid"] == "q1" and state["coding"] == [] and state["comparison"] == ""
    case = load_case("nato-russia-2013")
    summaries = set(case.claims["summary"])
    assert not any(s in repr(state) for s in summaries)
    with pytest.raises(ValueError, match="only a lesson annotator"):
        ann.compare()


def test_lesson_comparison_is_escaped_and_names_the_reason():
    case = load_case("nato-russia-2013")
    ann = Annotator(case, paragraphs=[7])
    ann.mark(1625, 1727, speaker="chamberlain", mode="paraphrase", topic="arms_cuts", stance="oppose",
             condition="<script>alert(1)</script>")
    html = ann.compare()
    assert "Found (F1 1.00)" in html and "Missed" in html
    assert "Nigel Chamberlain" in html and "Sergey Lavrov" in html
    assert case.claim("lavrov-cuts-space").summary in html
    assert "<script>" not in html
    # the browser's button sends a message; the kernel answers with the same HTML
    ann.comparison = ""
    ann._on_message(ann, {"type": "compare"}, [])
    assert ann.comparison == html


def test_mark_refuses_a_span_outside_the_article():
    with pytest.raises(ValueError, match="not a span of the article"):
        Annotator("nato-russia-2013").mark(10, 999_999, speaker="lavrov")


def test_three_claims_through_the_widget_api_then_validate(case_copy):
    ann = Annotator(case_copy, paragraphs=[5, 7, 8], role="author")
    before = len(load_case(case_copy).claims)
    article = (case_copy / "article.txt").read_text(encoding="utf-8")
    new = [
        ("author-lavrov-told", 1081, 1124, "chamberlain", "reported_fact", "transparency", "neutral"),
        ("lavrov-he-said", 1612, 1624, "chamberlain", "reported_fact", "arms_cuts", "neutral"),
        ("author-foreign-secretary", 1872, 1904, "chamberlain", "reported_fact", "exercises", "neutral"),
    ]
    for claim_id, start, end, speaker, mode, topic, stance in new:
        ann.add_claim(claim_id=claim_id, start=start, end=end, speaker=speaker, mode=mode, topic=topic,
                      stance=stance, summary=f"The author reports: {article[start:end]}.")
    with open(case_copy / "claims.csv", encoding="utf-8", newline="") as fh:
        rows = {r["claim_id"]: r for r in csv.DictReader(fh)}
    for claim_id, start, end, *_ in new:
        assert rows[claim_id]["quote"] == article[start:end]
        assert (int(rows[claim_id]["start"]), int(rows[claim_id]["end"])) == (start, end)
    assert len(load_case(case_copy).claims) == before + 3
    assert {c for _, _, c in ann.existing} >= {n[0] for n in new}
    done = subprocess.run([sys.executable, "-m", "coursekit.cli", "validate", str(case_copy)],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr


def test_invalid_claim_is_not_written(case_copy):
    before = (case_copy / "claims.csv").read_bytes()
    with pytest.raises(CaseError) as info:
        append_claim(case_copy, claim_id="lavrov-no-change", actor_id="putin", topic_id="arms_cuts",
                     start=1612, end=1624, mode="paraphrase", stance="maybe", summary="x")
    text = str(info.value)
    assert "claim_id" in text and "actor_id" in text and "stance" in text  # every problem at once
    assert (case_copy / "claims.csv").read_bytes() == before


def test_browser_message_reports_problems_as_a_sentence(case_copy):
    ann = Annotator(case_copy, paragraphs=[7], role="author")
    ann._on_message(ann, {"type": "add_claim", "claim": {
        "claim_id": "Bad Id", "start": 1612, "end": 1624, "speaker": "lavrov", "mode": "paraphrase",
        "topic": "arms_cuts", "stance": "neutral", "summary": "s"}}, [])
    assert ann.status.startswith("Not added: claims.csv:")
    assert "Traceback" not in ann.status
