"""The integrity of the real case, nato-russia-2013: the text and how it is coded.

These are facts about the data, not about the code: a coding decision that
changes (a quote made a paraphrase, a sentence left uncoded) should fail here
and be argued in review.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from coursekit import load_case

CASE_DIR = Path(__file__).resolve().parent.parent / "data" / "cases" / "nato-russia-2013"
# The kit's source text, as handed over (shared/seeds/ beside the repository).
SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_af493bfa46e80f56.txt"
SEED_ALT = Path("/work/shared/seeds/000_af493bfa46e80f56.txt")
# sha256 of the verbatim article, so the check stays when the seed is not at hand.
ARTICLE_SHA256 = "bffc94d2f17cb651e0917db9443b497953de3339271e0103a4fa67d3de3e7ec3"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE_DIR)


def sentences(text: str, offset: int) -> list[tuple[int, int, str]]:
    """Sentences of a paragraph as (start, end, text), offsets into the article."""
    found = []
    for m in re.finditer(r"\S.*?(?:[.!?][”’']*(?=\s|$)|$)", text, flags=re.S):
        found.append((offset + m.start(), offset + m.end(), m.group()))
    return found


def paragraph_after(case, phrase: str):
    """The paragraph that follows the one ending with ``phrase``."""
    numbers = case.paragraphs.index[case.paragraphs["text"].str.endswith(phrase)]
    assert len(numbers) == 1, phrase
    return case.paragraphs.iloc[numbers[0] + 1]


def covered_by(case, start: int, end: int, **where: str) -> list[str]:
    """Claims (matching ``where``) whose span holds [start, end)."""
    claims = case.claims
    mask = (claims["start"] <= start) & (claims["end"] >= end)
    for column, value in where.items():
        mask &= claims[column] == value
    return claims.loc[mask, "claim_id"].tolist()


# --- the text ---------------------------------------------------------------------


def test_article_checksum():
    data = (CASE_DIR / "article.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == ARTICLE_SHA256


@pytest.mark.skipif(
    not (SEED.is_file() or SEED_ALT.is_file()),
    reason="the seed text (shared/seeds/000_af493bfa46e80f56.txt) is not beside this clone; "
    "test_article_checksum still pins the article",
)
def test_article_is_byte_identical_to_the_seed():
    seed = SEED if SEED.is_file() else SEED_ALT
    assert (CASE_DIR / "article.txt").read_bytes() == seed.read_bytes()
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == ARTICLE_SHA256


def test_article_keeps_the_source_typography(case):
    # Non-breaking spaces, curly quotes and the doubled ASCII '' are part of the source.
    assert "\xa0" in case.article
    assert "NATO’s" in case.article
    assert "implementing it''." in case.article
    assert "“NATO says" in case.article


# --- the claims table ----------------------------------------------------------------


def test_every_quote_is_its_span(case):
    for claim in case.claims.itertuples():
        assert case.article[claim.start : claim.end] == claim.quote, claim.claim_id


def test_enough_claims_with_unique_ids(case):
    assert len(case.claims) >= 25
    assert case.claims["claim_id"].is_unique


def test_claim_spans_do_not_overlap(case):
    # Each piece of text is coded once; a span inside another would count twice.
    spans = sorted(zip(case.claims["start"], case.claims["end"], case.claims["claim_id"], strict=True))
    for (_, end, first), (start, _, second) in zip(spans, spans[1:], strict=False):
        assert end <= start, f"{first} and {second} overlap"


def test_only_title_byline_and_the_reading_tip_hold_no_claim(case):
    with_claims = set(case.claims["paragraph"])
    without = case.paragraphs[~case.paragraphs["number"].isin(with_claims)]
    assert [t[:30] for t in without["text"]] == [
        "NATO-Russia discussions ahead ",
        "By Nigel Chamberlain, NATO Wat",
        "For an overview of Russia’s fo",
    ]
    assert without["number"].tolist() == [1, 2, len(case.paragraphs)]


@pytest.mark.parametrize(
    "lead_in", ["told Russian journalists that:", "not under threat in this theatre:"]
)
def test_every_sentence_of_the_lavrov_block_quotations_is_a_lavrov_direct_quote(case, lead_in):
    block = paragraph_after(case, lead_in)
    parts = sentences(block.text, block.start)
    assert len(parts) >= 4
    for start, end, text in parts:
        assert covered_by(case, start, end, actor_id="lavrov", mode="direct_quote"), text


def test_the_lavrov_block_quotations_are_relayed_to_russian_journalists_via_voice_of_russia(case):
    # The article's cue ("told Russian journalists") and the English text the quotations match.
    for lead_in in ("told Russian journalists that:", "not under threat in this theatre:"):
        block = paragraph_after(case, lead_in)
        inside = case.claims[case.claims["paragraph"] == block.number]
        assert set(inside["relayed_via"]) == {"told Russian journalists; English text via Voice of Russia"}


def test_wording_from_the_broadcasters_own_narrative_is_marked(case):
    # Voice of Russia's own sentences, which the article gives as reported speech of Lavrov.
    for claim_id in ("lavrov-cuts-guarantees", "lavrov-afghan-clarify"):
        claim = case.claim(claim_id)
        assert claim.mode == "paraphrase" and claim.actor_id == "lavrov"
        assert claim.relayed_via == "told Russian journalists; wording from Voice of Russia's own narrative"


def test_a_meeting_that_took_place_is_an_event_not_a_claim(case):
    # "Following his discussion with … Lavrov … on 18 February" states no position: timeline only.
    meeting_end = case.article.index("on 18 February") + len("on 18 February")
    assert case.claims[case.claims["start"] < meeting_end]["claim_id"].tolist() == []
    assert "2013-02-18" in case.timeline["date"].tolist()


def test_the_two_conditions_on_deeper_arms_cuts_are_two_lavrov_paraphrases(case):
    cuts = case.claims[case.claims["topic_id"] == "arms_cuts"]
    conditional = cuts[cuts["condition"] != ""]
    assert len(conditional) == 2
    assert set(conditional["actor_id"]) == {"lavrov"}
    assert set(conditional["mode"]) == {"paraphrase"}
    assert set(conditional["stance"]) == {"oppose"}
    assert conditional["condition"].is_unique
    first, second = conditional.itertuples()
    assert first.end <= second.start  # two separate spans
    assert "weapons in space" in first.quote and "weapons in space" in first.condition
    assert "binding guarantees" in second.quote and "guarantees" in second.condition


def test_conditions_are_the_articles_own_words(case):
    """A condition is quoted from its claim's paragraph; ' … ' marks words left out."""
    conditional = case.claims[case.claims["condition"] != ""]
    assert len(conditional) >= 5
    for claim in conditional.itertuples():
        paragraph = case.paragraphs.set_index("number").loc[claim.paragraph, "text"]
        for part in claim.condition.split(" … "):
            assert part in paragraph, f"{claim.claim_id}: {part!r} is not in paragraph {claim.paragraph}"


def test_rasmussens_quotation_is_direct_quotes_by_rasmussen(case):
    opening = case.article.index("said: ''") + len("said: ''")
    closing = case.article.index("''", opening)
    parts = sentences(case.article[opening:closing], opening)
    assert [t[:9] for _, _, t in parts] == ["Last year", "We also a", "Now we ne"]
    for start, end, text in parts:
        assert covered_by(case, start, end, actor_id="rasmussen", mode="direct_quote"), text


def test_text_inside_curly_quotes_is_coded_as_direct_quote(case):
    opening = case.article.index("“")
    closing = case.article.index("”", opening)
    for start, end, text in sentences(case.article[opening + 1 : closing], opening + 1):
        assert covered_by(case, start, end, actor_id="lavrov", mode="direct_quote"), text


def test_reported_speech_is_paraphrase(case):
    # "He said that …", "The Foreign Secretary added that …", "Mr Lavrov also said that …"
    for cue in ("He said that ", "The Foreign Secretary added that ", "Mr Lavrov also said that "):
        at = case.article.index(cue) + len(cue)
        near = case.claims[(case.claims["start"] >= at - len(cue)) & (case.claims["start"] <= at + 60)]
        assert not near.empty, cue
        assert set(near["mode"]) == {"paraphrase"}, cue
        assert set(near["actor_id"]) == {"lavrov"}, cue


def test_the_authors_own_words_are_author_comments(case):
    author = case.claims[case.claims["actor_id"] == "chamberlain"]
    assert set(author["mode"]) == {"author_comment"}
    assert set(author["side"]) == {"Analyst"}


# --- the other tables ---------------------------------------------------------------------


def test_every_side_has_an_actor_and_a_claim(case):
    assert set(case.actors["side"]) == set(case.sides)
    assert set(case.claims["side"]) == set(case.sides)


def test_every_timeline_and_glossary_row_has_a_source(case):
    for table in (case.timeline, case.glossary):
        assert len(table) > 0
        assert (table["source"].str.strip() != "").all()


def test_the_timeline_is_in_date_order_and_includes_the_meeting(case):
    dates = case.timeline["date"].tolist()
    assert dates == sorted(dates)
    assert "2013-02-18" in dates


def test_the_readme_tells_where_the_data_came_from_and_is_up_to_date(case):
    readme = (CASE_DIR / "README.md").read_text(encoding="utf-8")
    assert case.meta["url"] in readme
    assert case.author in readme
    for count, what in [
        (len(case.claims), "claims"), (len(case.actors), "actors"), (len(case.topics), "topics"),
        (len(case.timeline), "dated events"), (len(case.glossary), "terms"),
        (len(case.paragraphs), "paragraphs"),
    ]:
        assert f"{count} {what}" in readme, f"README.md should say '{count} {what}'"
