"""Scoring a coding against the key, class agreement, and where a coding is read from.

Expected values are computed here independently of coursekit: the key from
claims.csv with the csv module, token counts by hand, Krippendorff's alpha by
its coincidence-matrix definition on a four-word example.
"""

from __future__ import annotations

import csv
import random
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from coursekit import load_case
from coursekit.agreement import class_agreement, speaker_alt_text, speaker_figure, speaker_shares
from coursekit.coding import (
    CodedSpan,
    TokenIndex,
    coding_feedback,
    key_claims,
    parse_coding,
    score_coding,
    token_f1,
)
from coursekit.coding_state import WIDGET_STATE_MIME, find_coding

CASE_DIR = Path(__file__).resolve().parents[1] / "data" / "cases" / "nato-russia-2013"
ATTRS = ("speaker", "mode", "topic", "stance")
COLUMN = {"speaker": "actor_id", "mode": "mode", "topic": "topic_id", "stance": "stance"}
WRONG = {"speaker": "chamberlain", "mode": "author_comment", "topic": "outlook", "stance": "support"}


@pytest.fixture(scope="module")
def case():
    return load_case("nato-russia-2013")


def _claims_csv() -> dict[str, dict[str, str]]:
    with open(CASE_DIR / "claims.csv", encoding="utf-8", newline="") as fh:
        return {row["claim_id"]: row for row in csv.DictReader(fh)}


# ¶6 (Lavrov's first block quotation) and ¶7 (the paraphrase), as the claims file lists them.
PARA_6 = ["lavrov-no-change", "lavrov-auditors", "lavrov-not-alone", "lavrov-md-dialogue"]
PARA_7 = ["lavrov-cuts-space", "lavrov-cuts-guarantees"]


def test_key_is_the_claims_of_the_paragraphs(case):
    assert [k.claim_id for k in key_claims(case, [6, 7])] == PARA_6 + PARA_7
    rows = _claims_csv()
    assert key_claims(case, [7])[1].values["stance"] == rows["lavrov-cuts-guarantees"]["stance"]


def test_token_overlap_threshold_by_hand(case):
    index = TokenIndex(case.article)
    claim = index.ids(1625, 1727)  # "Russia will not accept ... weapons in space": 18 words
    assert len(claim) == 18
    with_he_said = index.ids(1612, 1727)  # "He said that" + the claim: 21 words
    assert token_f1(claim, with_he_said) == pytest.approx(36 / 39)
    short = index.ids(1625, 1647)  # "Russia will not accept": 4 words -> 8/22 < 0.5
    assert token_f1(claim, short) == pytest.approx(8 / 22)
    key = key_claims(case, [7])
    found = score_coding(case, key, [CodedSpan(1612, 1727, "lavrov")], points=2)
    missed = score_coding(case, key, [CodedSpan(1625, 1647, "lavrov")], points=2)
    assert found.claims[0].found and not missed.claims[0].found
    assert missed.points == 0 and missed.unmatched == [CodedSpan(1625, 1647, "lavrov")]


def _expected_points(coding: list[dict], claim_ids: list[str], points: float) -> Fraction:
    """Exact spans or spans far from any claim only: found iff the offsets are a claim's."""
    rows = _claims_csv()
    total = Fraction(0)
    for cid in claim_ids:
        row = rows[cid]
        span = next((c for c in coding if (c["start"], c["end"]) == (int(row["start"]), int(row["end"]))), None)
        if span is None:
            continue
        agreed = sum(span[a] == row[COLUMN[a]] for a in ATTRS)
        total += Fraction(1 + agreed, 1 + len(ATTRS)) * Fraction(points) / len(claim_ids)
    return total


def _student(rng: random.Random) -> list[dict]:
    rows = _claims_csv()
    coding = []
    for cid in PARA_6 + PARA_7:
        if rng.random() < 0.25:
            continue  # missed
        row = rows[cid]
        entry = {"start": int(row["start"]), "end": int(row["end"])}
        for a in ATTRS:
            entry[a] = row[COLUMN[a]] if rng.random() < 0.7 else WRONG[a]
        coding.append(entry)
    if rng.random() < 0.5:  # a span in the title: matches nothing, costs nothing
        coding.append({"start": 0, "end": 11, "speaker": "nato", "mode": "reported_fact",
                       "topic": "dialogue", "stance": "neutral"})
    rng.shuffle(coding)
    return coding


def test_generated_class_scores_exactly(case):
    rng = random.Random(17)
    key = key_claims(case, [6, 7])
    for _ in range(40):
        coding = _student(rng)
        result = score_coding(case, key, parse_coding(coding, case).spans, points=6)
        expected = _expected_points(coding, PARA_6 + PARA_7, 6)
        assert result.points == pytest.approx(float(expected), abs=1e-6)


def test_feedback_names_missed_and_misattributed(case):
    rows = _claims_csv()
    space = rows["lavrov-cuts-space"]
    coding = [{"start": int(space["start"]), "end": int(space["end"]), "speaker": "chamberlain",
               "mode": "direct_quote", "topic": "arms_cuts", "stance": "oppose"}]
    result = score_coding(case, key_claims(case, [7]), parse_coding(coding, case).spans, points=2)
    text = coding_feedback(case, result)
    assert "You found 1 of 2" in text
    assert "Speaker: you gave Nigel Chamberlain; the key says Sergey Lavrov" in text
    assert "Mode: you gave direct quote; the key says paraphrase (reported speech)" in text
    assert "Missed: “extends binding guarantees" in text
    assert rows["lavrov-cuts-space"]["summary"] in text  # the reason, from the case data
    assert result.points == pytest.approx(1 * (1 + 2) / 5)


def test_condition_counts_when_marked(case):
    rows = _claims_csv()
    space = rows["lavrov-cuts-space"]
    base = {"start": int(space["start"]), "end": int(space["end"]), "speaker": "lavrov",
            "mode": "paraphrase", "topic": "arms_cuts", "stance": "oppose"}
    key = key_claims(case, [7])[:1]
    attrs = (*ATTRS, "condition")
    typed = score_coding(case, key, parse_coding([{**base, "condition": "unless the US drops its plans "
                                                   "to deploy weapons in space"}], case).spans,
                         points=1, attributes=attrs)
    empty = score_coding(case, key, parse_coding([base], case).spans, points=1, attributes=attrs)
    assert typed.points == 1 and empty.points == pytest.approx(5 / 6)


@pytest.mark.parametrize("value, problem", [
    ("not a list", "a coding is a list of coded spans (dicts); found str"),
    ([{"start": True, "end": 3}], "span 1: start True and end 3 are not a span of the article"),
    ([{"start": 1, "end": 3, "speaker": "putin"}], "span 1: speaker 'putin' is not one of the case's speakers"),
    ([3], "span 1: expected a dict, found int"),
])
def test_malformed_codings_are_reported(case, value, problem):
    assert parse_coding(value, case).problems[0].startswith(problem)


# --- agreement: a hand-computed example ------------------------------------------------------

def test_krippendorff_alpha_hand_computed():
    # Four one-letter words: a(0,1) b(2,3) c(4,5) d(6,7); three students.
    tiny = SimpleNamespace(article="a b c d", actors=pd.DataFrame({"actor_id": ["x", "y"], "name": ["X", "Y"]}))
    codings = [
        [CodedSpan(0, 3, "x", "paraphrase"), CodedSpan(4, 7, "y", "paraphrase")],  # x x y y
        [CodedSpan(0, 7, "x", "paraphrase")],  # x x x x
        [CodedSpan(0, 3, "x", "paraphrase")],  # x x - -
    ]
    rows = {r.attribute: r for r in class_agreement(tiny, [(0, 7)], codings, ("speaker", "mode"))}
    # speaker: units a,b = (x,x,x): o_xx += 3 each; c,d = (y,x): o_xy = o_yx = 1 each.
    # o_xx = 6, o_xy + o_yx = 4, n_x = 8, n_y = 2, n = 10.
    # D_o = 4/10, D_e = (8*2 + 2*8) / (10*9) = 32/90, alpha = 1 - (4/10)/(32/90) = -0.125.
    assert rows["speaker"].alpha == pytest.approx(-0.125)
    # span: a,b = (1,1,1); c,d = (1,1,0): o_11 = 3+3+1+1 = 8, o_10 + o_01 = 4, n_1 = 10, n_0 = 2, n = 12.
    # D_o = 4/12, D_e = 40/132, alpha = 1 - (4/12)/(40/132) = -0.1.
    assert rows["span"].alpha == pytest.approx(-0.1)
    # Everyone said paraphrase: alpha is undefined, and the row says why.
    assert rows["mode"].alpha is None and "same value" in rows["mode"].note
    assert rows["speaker"].coders == 3 and rows["speaker"].units == 4


def test_speaker_shares_figure_and_alt_text(case, tmp_path):
    key = key_claims(case, [7])
    lavrov = CodedSpan(1625, 1727, "lavrov")
    author = CodedSpan(1625, 1727, "chamberlain")
    codings = [[lavrov], [lavrov], [author], [lavrov], [author]]  # 40 % give it to the author
    rows = speaker_shares(case, key, codings)
    assert rows[0].shares == {"Sergey Lavrov": 0.6, "Nigel Chamberlain": 0.4}
    assert rows[1].shares == {"not found": 1.0}
    alt = speaker_alt_text(rows)
    assert "Sergey Lavrov 60 %, Nigel Chamberlain 40 %" in alt and "(key: Sergey Lavrov)" in alt
    path = tmp_path / "fig.png"
    speaker_figure(rows, "¶7").savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- where a coding is read from -----------------------------------------------------------------

def _nb(*states: dict) -> dict:
    return {"metadata": {"widgets": {WIDGET_STATE_MIME: {"state": {
        f"m{i}": {"model_name": "AnyModel", "state": s} for i, s in enumerate(states)}}}}}


def test_latest_saved_annotator_wins():
    old = {"ck_qid": "q1", "ck_set": "s", "edited": 10.0, "coding": [{"start": 1, "end": 2}]}
    new = {"ck_qid": "q1", "ck_set": "s", "edited": 20.0, "coding": [{"start": 3, "end": 4}]}
    fresh = {"ck_qid": "q1", "ck_set": "s", "edited": 0, "coding": []}
    answer = find_coding(_nb(old, new, fresh), "q1", None, "s")
    assert answer.status == "ok" and answer.value == [{"start": 3, "end": 4}]
    assert "latest of 3" in answer.source


def test_answer_cell_literal_wins_over_state():
    state = {"ck_qid": "q1", "edited": 20.0, "coding": [{"start": 3, "end": 4}]}
    assert find_coding(_nb(state), "q1", [{"start": 9, "end": 10}]).source == "answer cell"


@pytest.mark.parametrize("nb, phrase", [
    ({"metadata": {}}, "no annotator state"),
    (_nb({"ck_qid": "q1", "edited": 0, "coding": []}), "without any coded span"),
    (_nb({"ck_qid": "q2", "edited": 5, "coding": [{"start": 1, "end": 2}]}), "no annotator state"),
])
def test_no_coding_is_reported_not_zero(nb, phrase):
    answer = find_coding(nb, "q1", None)
    assert answer.status == "no_coding" and answer.value is None and phrase in answer.message
