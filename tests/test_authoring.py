"""Tests for coursekit/authoring.py and the new-case, locate, fill-offsets and render commands."""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest
from render_helpers import case_text, leaks, read_rendered, readability_problems

from coursekit.authoring import fill_offsets, locate, new_case
from coursekit.cli import main
from coursekit.validation import CASE_FILES, read_case_folder

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_CASE_DIR = REPO_ROOT / "data" / "cases" / "nato-russia-2013"
FIXTURE_CASE = REPO_ROOT / "tests" / "fixtures" / "cases" / "river-accord-demo"
# start,end are the 4th and 5th fields; the first three are ids (no commas, no quotes).
OFFSETS = re.compile(r"^([^,\n]*,[^,\n]*,[^,\n]*,)\d+,\d+,", flags=re.M)


def blank_offsets(path: Path) -> int:
    """Empty the start and end cells of every claim, leaving every other byte alone."""
    text = path.read_bytes().decode("utf-8")
    blanked, count = OFFSETS.subn(r"\1,,", text)
    path.write_bytes(blanked.encode("utf-8"))
    return count


def copy_of(source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(source, tmp_path / source.name))


def spans(matches):
    return [(m.start, m.end, m.text, m.exact) for m in matches]


# --- locate -------------------------------------------------------------------

ARTICLE = ("Talks in Zürich\n\nThe envoy said: \u201cWe\u2019re\u00a0ready.\u201d "
           "Анна Петрова flew from Москва; ''Łódź and Αθήνα agree''. We\u2019re ready \u2013 again.\n")


def test_locate_exact_occurrences_all_reported_in_order():
    assert spans(locate(ARTICLE, "ready")) == [(40, 45, "ready", True), (111, 116, "ready", True)]
    assert spans(locate(ARTICLE, "Москва")) == [(71, 77, "Москва", True)]


def test_locate_tolerates_straight_quotes_and_plain_spaces_and_reports_exact_text():
    matches = locate(ARTICLE, "\"We're ready.\"")
    assert spans(matches) == [(33, 47, "\u201cWe\u2019re\u00a0ready.\u201d", False)]
    assert ARTICLE[33:47] == matches[0].text
    # A double quote typed for the doubled '' marks; a hyphen for the en dash.
    assert spans(locate(ARTICLE, '"Łódź and Αθήνα agree"')) == [
        (79, 103, "''Łódź and Αθήνα agree''", False)]
    assert spans(locate(ARTICLE, "ready - again")) == [(111, 124, "ready \u2013 again", False)]
    # Exact and near occurrences together, each marked.
    assert [(m.start, m.exact) for m in locate(ARTICLE, "We\u2019re")] == [(34, True), (105, True)]
    assert [(m.start, m.exact) for m in locate(ARTICLE, "We're")] == [(34, False), (105, False)]


def test_locate_line_breaks_and_decomposed_letters():
    assert spans(locate(ARTICLE, "Zürich The envoy")) == [(9, 26, "Zürich\n\nThe envoy", False)]
    decomposed = "Meeting in Zu\u0308rich today"
    assert spans(locate(decomposed, "Zürich")) == [(11, 18, "Zu\u0308rich", False)]


def test_locate_nothing_matches():
    assert locate(ARTICLE, "Warsaw") == []
    assert locate(ARTICLE, "zürich") == []  # letter case is not tolerated
    assert locate(ARTICLE, "   ") == []


def test_locate_finds_every_claim_of_the_real_case_exactly():
    article = (REAL_CASE_DIR / "article.txt").read_bytes().decode("utf-8")
    raw = read_case_folder(REAL_CASE_DIR)
    for _, row in raw.tables["claims.csv"]:
        found = [(m.start, m.end) for m in locate(article, row["quote"]) if m.exact]
        assert (int(row["start"]), int(row["end"])) in found, row["claim_id"]


def test_locate_command_prints_offsets_and_the_exact_text(capsys):
    assert main(["locate", str(REAL_CASE_DIR), "Russia's deterrence"]) == 0
    out = capsys.readouterr().out
    assert "start=1838 end=1857" in out
    assert "exact text: 'Russia’s deterrence'" in out
    assert "RIGHT SINGLE QUOTATION MARK, U+2019" in out


def test_locate_command_says_when_nothing_matches(capsys):
    assert main(["locate", str(REAL_CASE_DIR), "Warsaw Pact"]) == 1
    err = capsys.readouterr().err
    assert "'Warsaw Pact' does not occur in" in err
    assert "not even with curly quotes or non-breaking spaces" in err


# --- fill-offsets ---------------------------------------------------------------


def test_fill_offsets_round_trip_on_the_real_case(tmp_path, capsys):
    case = copy_of(REAL_CASE_DIR, tmp_path)
    claims = case / "claims.csv"
    assert blank_offsets(claims) == len(read_case_folder(REAL_CASE_DIR).tables["claims.csv"])
    assert main(["fill-offsets", str(case)]) == 0
    assert claims.read_bytes() == (REAL_CASE_DIR / "claims.csv").read_bytes()
    out = capsys.readouterr().out
    assert "claims.csv:15: lavrov-cuts-space: start=1625 end=1727" in out
    assert f"filled {len(read_case_folder(REAL_CASE_DIR).tables['claims.csv'])} rows" in out


def test_fill_offsets_corrects_typed_quotes_to_the_article_text(tmp_path):
    case = copy_of(FIXTURE_CASE, tmp_path)
    claims = case / "claims.csv"
    blank_offsets(claims)
    text = claims.read_text(encoding="utf-8")
    for exact, typed in [("Zürich on 3\u00a0March", "Zürich on 3 March"),
                         ("Commission\u2019s secretary", "Commission's secretary")]:
        assert text.count(exact) == 1
        text = text.replace(exact, typed)
    claims.write_text(text, encoding="utf-8")

    report = fill_offsets(case)
    assert report.ok and report.written
    assert claims.read_bytes() == (FIXTURE_CASE / "claims.csv").read_bytes()
    corrected = [str(c) for c in report.changes if c.new_quote is not None]
    assert len(corrected) == 2
    assert "quote corrected to the article's exact text" in corrected[0]
    assert "NO-BREAK SPACE (U+00A0) where you typed a space" in corrected[0]
    assert "RIGHT SINGLE QUOTATION MARK, U+2019" in corrected[1]
    assert not read_case_folder(case).problems


def _claims_with(case: Path, *rows: str) -> Path:
    claims = case / "claims.csv"
    header = claims.read_text(encoding="utf-8").splitlines()[0]
    claims.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return claims


@pytest.mark.parametrize(("row", "message"), [
    ("talks,commission,outlook,,,,reported_fact,neutral,S.,,,",
     "claims.csv:3 (talks): the quote is empty, so there is nothing to find"),
    ("twice,commission,outlook,,,useful,reported_fact,neutral,S.,,,",
     "claims.csv:3 (twice): the quote 'useful' occurs 2 times in article.txt (starts 891, "
     "1307); expected one. Make the quote longer, or fill in start with the one you mean."),
    ("absent,commission,outlook,,,The river ran dry,reported_fact,neutral,S.,,,",
     "claims.csv:3 (absent): the quote 'The river ran dry' was not found in article.txt; "
     "expected a piece of the article."),
])
def test_fill_offsets_refuses_and_writes_nothing(tmp_path, capsys, row, message):
    case = copy_of(FIXTURE_CASE, tmp_path)
    article = case / "article.txt"
    article.write_text(article.read_text(encoding="utf-8") + "A useful note.\n", encoding="utf-8")
    claims = _claims_with(case, "ok,commission,outlook,,,It is hard to see,author_comment,oppose,S.,,,", row)
    before = claims.read_bytes()
    report = fill_offsets(case)
    assert not report.written
    assert len(report.problems) == 1
    assert report.problems[0].startswith(message)
    assert claims.read_bytes() == before

    assert main(["fill-offsets", str(case)]) == 1
    captured = capsys.readouterr()
    assert message in captured.err
    assert "1 row needs your attention; nothing was written." in captured.err


def test_fill_offsets_given_start_picks_one_of_several(tmp_path):
    case = copy_of(FIXTURE_CASE, tmp_path)
    article = case / "article.txt"
    article.write_text(article.read_text(encoding="utf-8") + "A useful note.\n", encoding="utf-8")
    claims = _claims_with(case, "twice,commission,outlook,1307,,useful,reported_fact,neutral,S.,,,")
    report = fill_offsets(case)
    assert report.ok, report.problems
    assert claims.read_text(encoding="utf-8").splitlines()[1].startswith("twice,commission,outlook,1307,1313,useful,")


def test_fill_offsets_fills_a_missing_quote_from_the_offsets(tmp_path):
    case = copy_of(FIXTURE_CASE, tmp_path)
    claims = _claims_with(case, "q,solberg,outlook,1168,1216,,author_comment,oppose,S.,,,")
    report = fill_offsets(case)
    assert report.ok and report.written
    assert claims.read_text(encoding="utf-8").splitlines()[1] == (
        "q,solberg,outlook,1168,1216,It is hard to see a quota being agreed this year,"
        "author_comment,oppose,S.,,,")


def test_fill_offsets_writes_lf_and_keeps_permissions(tmp_path):
    case = copy_of(REAL_CASE_DIR, tmp_path)
    claims = case / "claims.csv"
    blank_offsets(claims)
    claims.write_bytes(claims.read_bytes().replace(b"\n", b"\r\n"))
    claims.chmod(0o644)
    report = fill_offsets(case)
    assert report.ok and report.written
    assert report.notes == ["claims.csv: converted Windows (CRLF) line endings to LF."]
    assert claims.read_bytes() == (REAL_CASE_DIR / "claims.csv").read_bytes()
    assert stat.S_IMODE(claims.stat().st_mode) == 0o644
    assert [p.name for p in case.iterdir() if p.name.endswith(".tmp")] == []


def test_fill_offsets_with_nothing_to_fill_leaves_the_file_alone(tmp_path, capsys):
    case = copy_of(REAL_CASE_DIR, tmp_path)
    before = (case / "claims.csv").stat().st_mtime_ns
    assert main(["fill-offsets", str(case)]) == 0
    assert "nothing to fill" in capsys.readouterr().out
    assert (case / "claims.csv").stat().st_mtime_ns == before


# --- new-case -------------------------------------------------------------------


def test_new_case_creates_every_contract_file_and_refuses_a_second_time(tmp_path, capsys):
    article = REAL_CASE_DIR / "article.txt"
    assert main(["new-case", "water-talks", "--article", str(article), "--root", str(tmp_path)]) == 0
    folder = tmp_path / "water-talks"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*CASE_FILES, "README.md"])
    assert (folder / "article.txt").read_bytes() == article.read_bytes()
    assert (folder / "claims.csv").read_text(encoding="utf-8") == (
        "claim_id,actor_id,topic_id,start,end,quote,mode,stance,summary,condition,target_id,relayed_via\n")
    toml = (folder / "case.toml").read_text(encoding="utf-8")
    for key in ["id", "title", "author", "publisher", "published", "url", "language", "summary",
                "[[sides]]", "colour"]:
        assert key in toml
    assert "lavrov-cuts-space" in (folder / "README.md").read_text(encoding="utf-8")
    capsys.readouterr()

    (folder / "claims.csv").write_text("changed", encoding="utf-8")
    assert main(["new-case", "water-talks", "--root", str(tmp_path)]) == 1
    assert "already exists; nothing was changed" in capsys.readouterr().err
    assert (folder / "claims.csv").read_text(encoding="utf-8") == "changed"
    with pytest.raises(FileExistsError):
        new_case(tmp_path, "water-talks")


def test_new_case_rejects_a_bad_id(tmp_path, capsys):
    assert main(["new-case", "Water Talks", "--root", str(tmp_path)]) == 1
    assert "case id 'Water Talks' is not valid" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_new_case_with_one_claim_added_validates(tmp_path, capsys):
    folder = new_case(tmp_path, "demo", article=None)
    assert "PASTE THE ARTICLE HERE" in (folder / "article.txt").read_text(encoding="utf-8")
    problems = [str(p) for p in read_case_folder(folder).problems]
    assert any("key 'title': is ''" in p for p in problems)
    assert any(p.startswith("claims.csv:2: has a header but no rows") for p in problems)

    (folder / "article.txt").write_text("Minister Ana Lopes said the dam “will open in May”.\n",
                                        encoding="utf-8")
    toml = (folder / "case.toml").read_text(encoding="utf-8")
    for key, value in [("title", "Dam to open"), ("author", "A. Writer"), ("publisher", "Demo"),
                       ("published", "2024-05"), ("url", "https://example.org"),
                       ("summary", "A minister says a dam will open in May.")]:
        toml = toml.replace(f'{key} = ""', f'{key} = "{value}"', 1)
    toml = toml.replace('name = ""', 'name = "Government"', 1).replace('name = ""', 'name = "Critics"', 1)
    (folder / "case.toml").write_text(toml, encoding="utf-8")
    with open(folder / "actors.csv", "a", encoding="utf-8") as fh:
        fh.write("lopes,Ana Lopes,minister,Government,Government,person\n")
    with open(folder / "topics.csv", "a", encoding="utf-8") as fh:
        fh.write("dam,The dam,The dam will open in May.,\n")
    with open(folder / "claims.csv", "a", encoding="utf-8") as fh:
        fh.write('lopes-may,lopes,dam,,,"will open in May",direct_quote,support,Lopes says it opens in May.,,,\n')
    assert main(["fill-offsets", str(folder)]) == 0
    assert main(["validate", str(folder)]) == 0
    assert "valid (1 claims, 1 actors, 1 topics)" in capsys.readouterr().out


# --- the synthetic case and render ------------------------------------------------


def test_fixture_case_is_valid_and_labelled_synthetic():
    raw = read_case_folder(FIXTURE_CASE)
    assert raw.problems == []
    assert "SYNTHETIC" in raw.meta["summary"]
    assert "SYNTHETIC" in (FIXTURE_CASE / "README.md").read_text(encoding="utf-8")
    assert len(raw.meta["sides"]) == 5
    for text in ["\u00a0", "\u2019", "\u201c", "''", "Zürich", "Łódź", "Αθήνα", "Москва"]:
        assert text in raw.article


def test_render_refuses_an_invalid_case(tmp_path, capsys):
    case = copy_of(FIXTURE_CASE, tmp_path)
    (case / "actors.csv").write_text("actor_id,name,role,organisation,side,kind\n", encoding="utf-8")
    assert main(["render", "--case", str(case), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "actors.csv:2: has a header but no rows" in err
    assert "not rendered" in err
    assert not (tmp_path / "out").exists()


def test_render_runs_both_generic_notebooks_on_the_synthetic_case(tmp_path, capsys):
    out = tmp_path / "out"
    case = copy_of(FIXTURE_CASE, tmp_path)
    rc = main(["render", "--case", str(case), "--out", str(out),
               "--notebooks", str(REPO_ROOT / "notebooks"), "--no-exercises"])
    printed = capsys.readouterr().out
    assert rc == 0, printed
    assert "2 of 2 notebooks rendered" in printed
    assert sorted(p.name for p in out.iterdir()) == [".coursekit-output",
        "04_comparing_claims.html", "04_comparing_claims.ipynb",
        "explore_a_case.html", "explore_a_case.ipynb"]
    explore = (out / "explore_a_case.html").read_text(encoding="utf-8")
    for name in ["Ελένη Παπαδοπούλου", "Анна Петрова", "Tomasz Wiśniewski",
                 "Joint River Commission", "Mira Solberg"]:
        assert name in explore
    assert "Three riparian states agree to talk again" in explore
    assert "Sergey Lavrov" not in explore
    comparing = (out / "04_comparing_claims.ipynb").read_text(encoding="utf-8")
    assert "Παπαδοπούλου" in comparing or "\\u03a0\\u03b1\\u03c0" in comparing
    assert '"output_type": "error"' not in comparing
    # Nothing of the NATO-Russia case (names, topics, years, article phrases) in any cell.
    for name, nb in read_rendered(out).items():
        assert leaks(nb, case_text(case)) == [], name
        assert readability_problems(nb, name, "river-accord-demo", "../river-accord-demo") == [], name


def test_the_guide_defines_the_terms_the_glossary_cites_it_for():
    guide = " ".join((REPO_ROOT / "docs" / "authoring-a-case.md").read_text(encoding="utf-8").split())
    cited = [row for _, row in read_case_folder(REAL_CASE_DIR).tables["glossary.csv"]
             if "docs/authoring-a-case.md" in row["source"]]
    assert {row["term"] for row in cited} >= {"direct quote", "paraphrase", "reported fact",
                                              "author comment"}
    for row in cited:
        term, definition = row["term"], row["definition"].split(" (")[0].rstrip(".")
        assert f"**{term.capitalize()}**" in guide
        assert definition[0].lower() + definition[1:] in guide, term
