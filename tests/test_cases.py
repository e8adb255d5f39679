"""coursekit.cases: loading a case, its tables, selections and context."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pandas as pd
import pytest

import coursekit
from coursekit import CaseError, available_cases, load_case, split_paragraphs
from coursekit.cases import bundled_case_path

CASE_ID = "nato-russia-2013"


@pytest.fixture(scope="module")
def case() -> coursekit.Case:
    return load_case(CASE_ID)


# --- loading ------------------------------------------------------------------


def test_load_by_id_by_path_and_by_string_path_give_the_same_case(real_case_dir):
    by_id = load_case(CASE_ID)
    by_path = load_case(real_case_dir)
    by_str = load_case(str(real_case_dir))
    assert by_id.id == by_path.id == by_str.id == CASE_ID
    pd.testing.assert_frame_equal(by_id.claims, by_path.claims)
    pd.testing.assert_frame_equal(by_id.claims, by_str.claims)
    assert by_id.article == by_path.article
    assert load_case().id == CASE_ID  # the default


def test_the_bundled_case_is_the_source_data(real_case_dir):
    assert CASE_ID in available_cases()
    bundled = bundled_case_path(CASE_ID)
    for name in ("article.txt", "claims.csv", "case.toml"):
        assert (bundled / name).read_bytes() == (real_case_dir / name).read_bytes()


def test_an_unknown_case_id():
    with pytest.raises(CaseError) as caught:
        load_case("nato-russia-2099")
    [problem] = caught.value.problems
    assert str(problem) == (
        "nato-russia-2099: is neither a case folder nor a bundled case id; bundled cases: "
        + ", ".join(available_cases()) + "."
    )


def test_a_path_that_does_not_exist(tmp_path):
    missing = tmp_path / "nowhere"
    with pytest.raises(CaseError) as caught:
        load_case(missing)
    assert str(caught.value.problems[0]) == (
        f"{missing}: does not exist; expected a case id (one of: {', '.join(available_cases())}) "
        "or the path of a case folder."
    )


def test_a_path_to_a_file_rather_than_a_folder(real_case_dir):
    with pytest.raises(CaseError) as caught:
        load_case(real_case_dir / "claims.csv")
    assert str(caught.value.problems[0]) == (
        f"{real_case_dir / 'claims.csv'}: is a file, not a case folder; expected the folder "
        "that holds case.toml, article.txt and the CSV files."
    )


def test_metadata(case):
    assert case.title == "NATO-Russia discussions ahead of the Defence Ministers meeting in Brussels"
    assert case.author == "Nigel Chamberlain"
    assert case.sides == ["NATO", "Russia", "NATO-Russia Council", "Analyst"]
    assert case.side_colours["NATO"] == "#0072B2"
    assert repr(case) == f"<Case {CASE_ID!r}: {len(case.claims)} claims by 4 actors on 10 topics>"


# --- paragraphs -----------------------------------------------------------------


def test_paragraphs_table(case):
    paragraphs = case.paragraphs
    assert list(paragraphs.columns) == ["number", "start", "end", "text"]
    assert paragraphs["number"].tolist() == list(range(1, len(paragraphs) + 1))
    assert str(paragraphs["start"].dtype) == str(paragraphs["end"].dtype) == "int64"
    for row in paragraphs.itertuples():
        assert row.text == case.article[row.start : row.end]
        assert row.text == row.text.strip()
        assert all(line.strip() for line in row.text.split("\n"))
    assert paragraphs["text"].iloc[0] == case.title
    assert paragraphs["text"].iloc[1] == "By Nigel Chamberlain, NATO Watch"
    assert len(paragraphs) == 12


def test_paragraphs_cover_all_the_text(case):
    covered = set()
    for row in case.paragraphs.itertuples():
        covered.update(range(row.start, row.end))
    outside = "".join(ch for i, ch in enumerate(case.article) if i not in covered)
    assert outside.strip() == ""  # only line breaks and (non-breaking) spaces between paragraphs
    assert "\xa0" in outside  # the real article separates with NBSP-only lines


def test_split_paragraphs_separators():
    text = "Title\n\nOne line.\nSame paragraph.\n\xa0\nAfter a non-breaking space.\n  \t\n\xa0 \nLast.  \xa0"
    frame = split_paragraphs(text)
    assert frame["text"].tolist() == [
        "Title", "One line.\nSame paragraph.", "After a non-breaking space.", "Last.",
    ]
    assert all(text[s:e] == t for s, e, t in zip(frame["start"], frame["end"], frame["text"], strict=True))


def test_split_paragraphs_of_nothing():
    frame = split_paragraphs("\n \n")
    assert list(frame.columns) == ["number", "start", "end", "text"]
    assert frame.empty


# --- claims -------------------------------------------------------------------------


def test_claims_have_actor_side_topic_and_paragraph_joined_in(case):
    claims = case.claims
    actors = case.actors.set_index("actor_id")
    topics = case.topics.set_index("topic_id")
    for claim in claims.itertuples():
        assert claim.actor_name == actors.loc[claim.actor_id, "name"]
        assert claim.side == actors.loc[claim.actor_id, "side"]
        assert claim.topic_label == topics.loc[claim.topic_id, "label"]
        para = case.paragraphs.iloc[claim.paragraph - 1]
        assert para.start <= claim.start < claim.end <= para.end, claim.claim_id
    assert claims["start"].is_monotonic_increasing  # text order
    assert str(claims["start"].dtype) == "int64"
    assert (claims.apply(lambda c: case.article[c.start : c.end], axis=1) == claims["quote"]).all()


def test_one_claim(case):
    claim = case.claim("rasmussen-implement")
    assert claim.quote == "Now we need to focus on implementing it"
    assert (claim.actor_name, claim.side, claim.mode, claim.paragraph) == (
        "Anders Fogh Rasmussen", "NATO", "direct_quote", 3,
    )
    with pytest.raises(KeyError) as caught:
        case.claim("nope")
    assert caught.value.args[0] == f"no claim 'nope' in case {CASE_ID!r}"


def test_claims_by_actor_side_and_topic(case):
    lavrov = case.claims_by_actor("lavrov")
    assert set(lavrov["actor_id"]) == {"lavrov"}
    assert len(lavrov) == (case.claims["actor_id"] == "lavrov").sum() > 0

    russia = case.claims_by_side("Russia")
    assert set(russia["side"]) == {"Russia"}
    assert set(russia["actor_id"]) <= set(case.actors.loc[case.actors["side"] == "Russia", "actor_id"])

    cuts = case.claims_by_topic("arms_cuts")
    assert cuts["claim_id"].tolist() == ["lavrov-cuts-space", "lavrov-cuts-guarantees"]

    together = pd.concat([case.claims_by_side(side) for side in case.sides])
    assert sorted(together["claim_id"]) == sorted(case.claims["claim_id"])


@pytest.mark.parametrize(
    ("method", "value", "what", "known"),
    [
        ("claims_by_actor", "putin", "actor",
         "rasmussen, nato, united_states, us_auditors, lavrov, russia, nrc, chamberlain"),
        ("claims_by_side", "EU", "side", "NATO, Russia, NATO-Russia Council, Analyst"),
        ("claims_by_topic", "trade", "topic",
         "cooperation, work_programme, transparency, missile_defence, dialogue, arms_cuts, "
         "exercises, nato_posture, afghanistan, outlook"),
    ],
)
def test_unknown_selections_say_what_is_known(case, method, value, what, known):
    with pytest.raises(KeyError) as caught:
        getattr(case, method)(value)
    assert caught.value.args[0] == f"no {what} {value!r} in case {CASE_ID!r}; known: {known}"


def test_iter_claims_in_text_order(case):
    assert [c.claim_id for c in case.iter_claims()] == case.claims["claim_id"].tolist()
    assert [c.mode for c in case.iter_claims()] == case.claims["mode"].tolist()


def test_a_claim_reads_as_a_series_and_by_attribute(case):
    claim = case.claim("lavrov-cuts-space")
    # `mode` would otherwise be pandas' Series.mode method, not the field.
    assert claim.mode == claim["mode"] == "paraphrase"
    assert isinstance(claim, pd.Series)
    assert claim.to_dict()["condition"] == "unless the US drops plans to deploy weapons in space"


def test_paragraph_of(case):
    assert case.paragraph_of(0).number == 1
    assert case.paragraph_of(1127).number == 6
    with pytest.raises(ValueError, match="offset 75 is not inside any paragraph"):
        case.paragraph_of(75)  # the blank line after the title


# --- context --------------------------------------------------------------------------


def test_context_marks_the_span_in_its_paragraph(case):
    text = case.context("lavrov-auditors")
    para = case.paragraphs.iloc[5].text
    quote = case.claim("lavrov-auditors").quote
    assert text == para.replace(quote, f"[[{quote}]]")
    assert case.context("lavrov-auditors", mark=("<<", ">>")).count("<<") == 1


def test_context_html_of_the_real_case(case):
    html = case.context_html("rasmussen-implement")
    # The article closes Rasmussen's quote with two ASCII apostrophes; escaped here.
    assert html.endswith(
        '2013. <mark class="ck-span">Now we need to focus on implementing it</mark>&#x27;&#x27;.'
    )


def _write_tiny_case(folder: Path, article: str, quote: str) -> None:
    folder.mkdir()
    (folder / "article.txt").write_text(article, encoding="utf-8")
    (folder / "case.toml").write_text(
        'id = "tiny"\ntitle = "Tiny"\nauthor = "A"\npublisher = "P"\npublished = "2020"\n'
        'url = "https://example.org"\nlanguage = "en"\nsummary = "s"\n'
        '[[sides]]\nname = "Us"\ncolour = "#000000"\n',
        encoding="utf-8",
    )
    (folder / "actors.csv").write_text(
        "actor_id,name,role,organisation,side,kind\nmallory,Mallory <b>the</b> Tester,,,Us,person\n",
        encoding="utf-8",
    )
    (folder / "topics.csv").write_text(
        "topic_id,label,proposition,description\nsafety,Safety,Data is escaped.,\n", encoding="utf-8",
    )
    start = article.index(quote)
    (folder / "claims.csv").write_text(
        "claim_id,actor_id,topic_id,start,end,quote,mode,stance,summary\n"
        f'c1,mallory,safety,{start},{start + len(quote)},"{quote}",direct_quote,oppose,s\n',
        encoding="utf-8",
    )
    (folder / "timeline.csv").write_text("date,event,source\n", encoding="utf-8")
    (folder / "glossary.csv").write_text("term,definition,source\n", encoding="utf-8")


def test_context_html_escapes_text_from_the_data(tmp_path):
    article = "Title\n\nBefore <i>x</i> & then <script>alert('x')</script> after.\n"
    _write_tiny_case(tmp_path / "tiny", article, "<script>alert('x')</script>")
    case = load_case(tmp_path / "tiny")
    assert case.context("c1") == "Before <i>x</i> & then [[<script>alert('x')</script>]] after."
    assert case.context_html("c1") == (
        "Before &lt;i&gt;x&lt;/i&gt; &amp; then "
        '<mark class="ck-span">&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;</mark> after.'
    )
    assert case.claim("c1").actor_name == "Mallory <b>the</b> Tester"  # raw in the table


# --- doctests -----------------------------------------------------------------------------


def _package_modules() -> list[str]:
    names = ["coursekit"]
    for info in pkgutil.walk_packages(coursekit.__path__, "coursekit."):
        names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _package_modules())
def test_doctests(name):
    """The examples in the docstrings run and give what they show (as Data 8 does)."""
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}; see the output above"


def test_the_case_modules_have_doctests():
    # So the doctest test cannot pass by finding nothing.
    finder = doctest.DocTestFinder()
    for name in ("coursekit", "coursekit.cases", "coursekit.validation"):
        tests = finder.find(importlib.import_module(name))
        assert sum(len(t.examples) for t in tests) > 0, name
