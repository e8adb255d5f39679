"""Widget logic without a browser: set a control's value, read the rendered HTML."""

from __future__ import annotations

import dataclasses
import html
import json
import re

import pytest

from coursekit import load_case
from coursekit.widgets import (
    ClaimExplorer,
    SelfCheck,
    StanceComparer,
    agreement_line,
    render_claim,
    render_comparison,
    render_feedback,
    side_stances,
)

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def case():
    return load_case("nato-russia-2013")


def set_sides(copy, sides: list[tuple[str, str]], actor_sides: dict[str, str]) -> None:
    """Give a case copy new [[sides]] and move actors onto them."""
    toml = copy.text("case.toml")
    head = toml[: toml.index("[[sides]]")]
    tables = "".join(f"[[sides]]\nname = {json.dumps(n)}\ncolour = {json.dumps(c)}\n\n" for n, c in sides)
    copy.write("case.toml", head + tables)
    for actor_id, side in actor_sides.items():
        copy.set_cell("actors.csv", ("actor_id", actor_id), "side", side)


def listed_ids(explorer: ClaimExplorer) -> list[str]:
    return [value for _, value in explorer.claim.options]


# --- ClaimExplorer -----------------------------------------------------------


def test_explorer_starts_with_every_claim(case):
    explorer = ClaimExplorer(case)
    assert listed_ids(explorer) == list(case.claims["claim_id"])
    assert explorer.count.value.endswith(f">{len(case.claims)} of {len(case.claims)} claims</span>")
    first = case.claims.iloc[0]
    assert explorer.claim.value == first["claim_id"]
    assert "<mark" in explorer.detail.value
    # Every filter is labelled and offers "All".
    for control in (explorer.side, explorer.actor, explorer.topic, explorer.mode):
        assert control.description
        assert control.options[0][1] == "" and control.options[0][0].startswith("All")


def test_choosing_a_side_lists_only_its_claims_and_narrows_actors(case):
    explorer = ClaimExplorer(case)
    explorer.side.value = "Russia"
    russian = case.claims[case.claims["side"] == "Russia"]
    assert listed_ids(explorer) == list(russian["claim_id"])
    assert {case.claim(cid)["actor_name"] for cid in listed_ids(explorer)} == {"Sergey Lavrov"}
    assert explorer.count.value.endswith(f">{len(russian)} of {len(case.claims)} claims</span>")
    # Only Russian actors that have claims remain (the Russian Federation has none).
    assert [v for _, v in explorer.actor.options] == ["", "lavrov"]
    assert all(label.split(" — ")[0].endswith("Sergey Lavrov") for label, _ in explorer.claim.options)


def test_changing_side_resets_an_actor_from_another_side(case):
    explorer = ClaimExplorer(case)
    explorer.actor.value = "rasmussen"
    assert set(case.claims.set_index("claim_id").loc[listed_ids(explorer), "actor_id"]) == {"rasmussen"}
    explorer.side.value = "Russia"
    assert explorer.actor.value == ""
    explorer.side.value = "NATO"
    explorer.actor.value = "rasmussen"
    explorer.side.value = ""  # back to all sides: the actor choice stands
    assert explorer.actor.value == "rasmussen"


def test_selecting_a_claim_shows_it_in_context(case):
    explorer = ClaimExplorer(case, side="Russia", topic="arms_cuts")
    assert listed_ids(explorer) == ["lavrov-cuts-space", "lavrov-cuts-guarantees"]
    explorer.claim.value = "lavrov-cuts-guarantees"
    detail = explorer.detail.value
    claim = case.claim("lavrov-cuts-guarantees")
    marked = re.search(r"<mark[^>]*>(.*?)</mark>", detail).group(1)
    assert marked == html.escape(claim["quote"])
    assert "paraphrase (reported speech)" in detail
    assert "opposes</strong> the proposition “Russia is ready to accept deeper cuts in strategic nuclear arms”" in detail
    assert "paragraph 7 of the article" in detail
    assert "told Russian journalists" in detail  # relayed_via
    assert "United States" in detail  # target


def test_detail_names_each_mode_in_student_words(case):
    explorer = ClaimExplorer(case)
    expected = {
        "rasmussen-progress": "direct quote",
        "lavrov-no-threat": "paraphrase (reported speech)",
        "nrc-transit": "reported fact",
        "author-no-details": "the author&#x27;s comment",
    }
    for claim_id, words in expected.items():
        explorer.claim.value = claim_id
        assert f"<strong>{words}</strong>" in explorer.detail.value


def test_a_condition_is_shown(case):
    html = render_claim(case, "author-if-md")
    assert "Condition" in html and "unless the US reconsiders its missile defence plans" in html


def test_filters_that_match_nothing_say_so(case):
    explorer = ClaimExplorer(case)
    explorer.side.value = "Russia"
    explorer.topic.value = "outlook"
    assert explorer.claim.options == ()
    assert explorer.claim.value is None
    assert explorer.count.value.endswith(f">0 of {len(case.claims)} claims</span>")
    assert "No claims match these filters" in explorer.detail.value
    explorer.topic.value = ""
    assert explorer.claim.value == "lavrov-no-change"


def test_the_chosen_claim_stays_while_it_still_matches(case):
    explorer = ClaimExplorer(case)
    explorer.claim.value = "lavrov-no-threat"
    explorer.side.value = "Russia"
    explorer.mode.value = "paraphrase"
    assert explorer.claim.value == "lavrov-no-threat"
    explorer.mode.value = "direct_quote"
    assert explorer.claim.value == listed_ids(explorer)[0] == "lavrov-no-change"


# --- StanceComparer --------------------------------------------------------------


def columns(html: str) -> list[str]:
    return re.findall(r'<section class="ck-side".*?</section>', html)


def test_comparer_missile_defence(case):
    comparer = StanceComparer(case)
    comparer.topic.value = "missile_defence"
    cols = columns(comparer.body.value)
    assert len(cols) == len(case.sides)
    by_side = dict(zip(case.sides, cols, strict=True))
    assert "“The US and NATO argue that nothing can be changed in their missile defence plans.”" in by_side["Russia"]
    assert "Sergey Lavrov · direct quote" in by_side["Russia"]
    assert "opposes" in by_side["Russia"]
    # NATO makes no claim of its own on missile defence in the article.
    assert "No claim from NATO on this topic." in by_side["NATO"]
    assert "unless the US reconsiders its missile defence plans" in by_side["Analyst"]
    assert "The US-led missile defence plans for Europe should go ahead unchanged" in comparer.body.value
    assert comparer.summary.value.count("<p") == 1
    # The author's condition on missile defence is neutral: a condition in a forecast, not an argument.
    assert ("Only Russia takes a position: it opposes “The US-led missile defence plans for Europe "
            "should go ahead unchanged”. Analyst makes only neutral claims.") in comparer.summary.value
    comparer.topic.value = "afghanistan"
    assert "Russia opposes, Analyst opposes: the sides that take a position agree — both oppose" in comparer.summary.value


def test_columns_follow_side_order_and_colours(case):
    html = render_comparison(case, "dialogue")
    for col, side in zip(columns(html), case.sides, strict=True):
        assert f"border-top:6px solid {case.side_colours[side]}" in col
        assert f"</span>{side} <span" in col


def on_dialogue(case, claim_id: str, stance: str):
    """The case with one claim moved to the dialogue topic with the given stance."""
    claims = case.claims.copy()
    row = claims["claim_id"] == claim_id
    claims.loc[row, ["topic_id", "topic_label", "stance"]] = ["dialogue", case.topic_label("dialogue"), stance]
    return dataclasses.replace(case, claims=claims)


def test_agreement_line_when_sides_disagree(case):
    # In the real case NATO makes no claim on dialogue; give it an opposing one.
    changed = on_dialogue(case, "rasmussen-implement", "oppose")
    assert side_stances(changed, "dialogue") == {
        "NATO": "oppose", "Russia": "support", "NATO-Russia Council": "support", "Analyst": "none"}
    assert agreement_line(changed, "dialogue") == (
        "NATO opposes, Russia supports, NATO-Russia Council supports: the sides disagree on the "
        "proposition “NATO and Russia should settle their differences by talking to each other”. "
        "Analyst makes no claim on it."
    )


def test_neutral_claims_are_not_agreement(case):
    # The real case: NATO makes no claim on dialogue.
    line = agreement_line(case, "dialogue")
    assert line.startswith("Russia supports, NATO-Russia Council supports: the sides that take a position agree")
    assert line.endswith("NATO and Analyst make no claim on it.")
    # Give NATO a neutral claim there: it is not counted among those who agree.
    line = agreement_line(on_dialogue(case, "rasmussen-implement", "neutral"), "dialogue")
    assert line.startswith("Russia supports, NATO-Russia Council supports: the sides that take a position agree")
    assert "NATO makes only neutral claims." in line
    claims = case.claims.copy()
    claims.loc[claims["topic_id"] == "dialogue", "stance"] = "neutral"
    neutral = dataclasses.replace(case, claims=claims)
    assert agreement_line(neutral, "dialogue").startswith(
        "No side takes a position on “NATO and Russia should settle their differences by talking to each other”")


def test_agreement_line_with_one_side_and_a_divided_side(case):
    assert agreement_line(case, "arms_cuts").startswith(
        "Only Russia takes a position: it opposes “Russia is ready to accept deeper cuts")
    claims = case.claims.copy()
    claims.loc[claims["claim_id"] == "lavrov-cuts-space", "stance"] = "support"
    divided = dataclasses.replace(case, claims=claims)
    assert side_stances(divided, "arms_cuts")["Russia"] == "mixed"
    assert agreement_line(divided, "arms_cuts").startswith(
        "Only Russia takes a position, and its claims both support and oppose")


@pytest.mark.parametrize("sides, actor_sides", [
    (
        [("West", "#0072B2"), ("Russia", "#D55E00"), ("Observers", "#009E73")],
        {"rasmussen": "West", "nato": "West", "united_states": "West", "us_auditors": "West",
         "lavrov": "Russia", "russia": "Russia", "nrc": "Observers", "chamberlain": "Observers"},
    ),
    (
        [("NATO", "#0072B2"), ("United States", "#56B4E9"), ("Russia", "#D55E00"),
         ("NATO-Russia Council", "#009E73"), ("Analyst", "#CC79A7")],
        {"united_states": "United States", "us_auditors": "United States"},
    ),
])
def test_any_number_of_sides_gets_one_column_each(case_copy, sides, actor_sides):
    set_sides(case_copy, sides, actor_sides)
    many = load_case(case_copy.path)
    assert many.sides == [name for name, _ in sides]
    comparer = StanceComparer(many, topic="missile_defence")
    cols = columns(comparer.body.value)
    assert len(cols) == len(sides)
    for col, (name, colour) in zip(cols, sides, strict=True):
        assert f"border-top:6px solid {colour}" in col and f"</span>{name} <span" in col
    explorer = ClaimExplorer(many)
    assert [v for _, v in explorer.side.options] == ["", *many.sides]
    explorer.side.value = sides[-1][0]
    assert all(many.claim(cid)["side"] == sides[-1][0] for cid in listed_ids(explorer))


# --- escaping ------------------------------------------------------------------------


def test_no_raw_markup_from_data_reaches_any_widget_html(case_copy):
    case_copy.set_cell("claims.csv", ("claim_id", "lavrov-no-change"), "summary", SCRIPT)
    case_copy.set_cell("claims.csv", ("claim_id", "lavrov-no-change"), "relayed_via", SCRIPT)
    case_copy.set_cell("claims.csv", ("claim_id", "lavrov-no-change"), "condition", SCRIPT)
    case_copy.set_cell("actors.csv", ("actor_id", "lavrov"), "name", SCRIPT)
    case_copy.set_cell("topics.csv", ("topic_id", "missile_defence"), "label", SCRIPT)
    case_copy.set_cell("topics.csv", ("topic_id", "missile_defence"), "proposition", SCRIPT)
    set_sides(case_copy, [("NATO", "#0072B2"), (SCRIPT, "#D55E00"),
                          ("NATO-Russia Council", "#009E73"), ("Analyst", "#CC79A7")],
              {"lavrov": SCRIPT, "russia": SCRIPT})
    bad = load_case(case_copy.path)

    seen: list[str] = []
    explorer = ClaimExplorer(bad)
    for claim_id in bad.claims["claim_id"]:
        explorer.claim.value = claim_id
        seen += [explorer.detail.value, explorer.count.value]
    explorer.side.value = SCRIPT
    seen += [explorer.detail.value, explorer.count.value]
    comparer = StanceComparer(bad)
    for topic_id in bad.topics["topic_id"]:
        comparer.topic.value = topic_id
        seen += [comparer.body.value, comparer.summary.value]
    question = SelfCheck(SCRIPT, [SCRIPT, "b"], "b", SCRIPT, paragraph=6, hint=SCRIPT)
    seen.append(question.question.value)
    for choice in (SCRIPT, "b"):
        question.choices.value = choice
        question.check.click()
        seen.append(question.feedback.value)

    everything = "\n".join(seen)
    assert "<script" not in everything.lower()
    assert everything.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 8
    explorer.claim.value = "lavrov-no-change"
    explorer.side.value = ""
    explorer.claim.value = "lavrov-no-change"
    for field in ("Summary", "Condition", "Relayed via", "Topic"):
        assert re.search(field + r"</th><td[^>]*>&lt;script&gt;", explorer.detail.value), field


# --- SelfCheck -------------------------------------------------------------------------


@pytest.fixture
def question():
    return SelfCheck(
        "Who called NATO's planned exercises pointless?",
        ["Rasmussen", "Lavrov", "The author"], "Lavrov",
        "Lavrov told Russian journalists the exercises were pointless.", paragraph=8,
    )


def test_selfcheck_starts_neutral(question):
    assert question.choices.value is None
    assert question.choices.description
    assert question.check.description == "Check"
    assert "Choose an answer, then press Check." in question.feedback.value
    question.check.click()  # checking with nothing chosen keeps the prompt
    assert "Choose an answer" in question.feedback.value
    assert "Correct" not in question.feedback.value and "Not quite" not in question.feedback.value


def test_selfcheck_right_answer(question):
    question.choices.value = "Lavrov"
    assert "Press Check" in question.feedback.value  # nothing given away before Check
    question.check.click()
    assert question.correct
    assert ("<strong>Correct</strong> — Lavrov told Russian journalists the exercises were "
            "pointless. (¶8)") in question.feedback.value


def test_selfcheck_wrong_answer_then_right(question):
    question.choices.value = "Rasmussen"
    question.check.click()
    assert not question.correct
    assert "<strong>Not quite</strong> — try again. Hint: reread paragraph 8 of the article." in question.feedback.value
    question.choices.value = "Lavrov"
    assert "Press Check" in question.feedback.value
    question.check.click()
    assert "Correct" in question.feedback.value


def test_selfcheck_instant_and_index_answer():
    q = SelfCheck("2 + 2?", ["3", "4"], 1, "Arithmetic.", hint="count on your fingers", instant=True)
    assert q.answer == "4"
    q.choices.value = "3"
    assert "Hint: count on your fingers" in q.feedback.value
    q.choices.value = "4"
    assert "<strong>Correct</strong> — Arithmetic.</div>" in q.feedback.value


def test_selfcheck_rejects_an_answer_not_offered():
    with pytest.raises(ValueError, match="not one of the options"):
        SelfCheck("?", ["a", "b"], "c", "")


def test_feedback_is_deterministic():
    assert render_feedback("a", "a", "x", 3) == render_feedback("a", "a", "x", 3)
    assert render_feedback(None, "a", "x") == render_feedback(None, "a", "x")


def test_reprs_are_short_and_deterministic(case):
    explorer = ClaimExplorer(case, side="Russia")
    russian = int((case.claims["side"] == "Russia").sum())
    assert repr(explorer) == (f"<ClaimExplorer 'nato-russia-2013': {russian} of {len(case.claims)} claims shown, "
                              "claim='lavrov-no-change'>")
    assert repr(StanceComparer(case, topic="arms_cuts")) == "<StanceComparer 'nato-russia-2013': topic='arms_cuts'>"
    assert repr(SelfCheck("?", ["a", "b"], "a", "")) == "<SelfCheck: 2 options, chosen=None>"


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# JupyterLab's light and dark theme backgrounds (--jp-layout-color0).
THEME_BACKGROUNDS = ("#FFFFFF", "#111111")


def test_widget_colours_contrast_with_both_themes():
    """Side colours and feedback borders: at least 3:1 on light and dark backgrounds (WCAG 1.4.11)."""
    from coursekit.widgets import check as w

    case = load_case("nato-russia-2013")
    colours = {**{f"side {s}": c for s, c in case.side_colours.items()},
               "correct": w._RIGHT_COLOUR, "wrong": w._WRONG_COLOUR, "prompt": w._PROMPT_COLOUR}
    low = {name: (colour, bg, round(_contrast(colour, bg), 2)) for name, colour in colours.items()
           for bg in THEME_BACKGROUNDS if _contrast(colour, bg) < 3}
    assert low == {}


def test_feedback_says_in_words_what_its_colour_says():
    html = {kind: render_feedback(choice, "A", "why", 3)
            for kind, choice in (("right", "A"), ("wrong", "B"), ("none", None))}
    assert "<strong>Correct</strong>" in html["right"]
    assert "<strong>Not quite</strong>" in html["wrong"]
    assert "Choose an answer" in html["none"]


def test_self_check_checks_the_choice_the_page_showed_when_check_was_pressed():
    """The browser's click report arrives before a held-back choice update: the verdict is for the page's choice."""
    q = SelfCheck("Who?", ["Rasmussen", "Lavrov"], "Lavrov", "Lavrov said so.", paragraph=8)
    q.choices.value = "Rasmussen"  # the last choice the kernel heard of
    # The page showed "Lavrov" checked: the scope's report, then the button's own click.
    q.scope._on_front_end_message(q.scope, {"event": "button-click", "checked": 1}, [])
    q.check.click()
    assert "Correct" in q.feedback.value
    q.choices.value = "Lavrov"  # the held-back update arrives: the verdict stays
    assert "Correct" in q.feedback.value
    q.choices.value = "Rasmussen"  # a real change of mind: back to the prompt
    assert "Press Check" in q.feedback.value
    q.check.click()  # a click with no report (no browser, e.g. Voila without anywidget): as before
    assert "Not quite" in q.feedback.value


def test_self_check_report_with_nothing_chosen_asks_for_a_choice():
    q = SelfCheck("Who?", ["A", "B"], "B", "because")
    q.scope._on_front_end_message(q.scope, {"event": "button-click", "checked": -1}, [])
    q.check.click()
    assert "Choose an answer" in q.feedback.value
