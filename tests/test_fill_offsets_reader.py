"""fill-offsets in its steps (fill_row is pure), and one reader: fill-offsets and validate agree on a file."""

from __future__ import annotations

import shutil
from pathlib import Path

from coursekit.authoring import fill_offsets
from coursekit.authoring.fill import fill_row, splice_row
from coursekit.validation import read_case_folder

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CASE = REPO_ROOT / "tests" / "fixtures" / "cases" / "river-accord-demo"
ARTICLE = "The envoy said: \u201cWe\u2019re\u00a0ready.\u201d Talks go on; talks go on.\n"


def row(start: str = "", end: str = "", quote: str = "", claim_id: str = "c1") -> dict[str, str]:
    return {"claim_id": claim_id, "start": start, "end": end, "quote": quote}


def test_fill_row_finds_the_quote_and_corrects_it_to_the_article_text():
    filled = fill_row(ARTICLE, 2, row(quote="We're ready"))
    assert filled.problems == ()
    assert filled.new == {"start": "17", "end": "28", "quote": "We\u2019re\u00a0ready"}
    assert ARTICLE[17:28] == filled.new["quote"]
    assert filled.change is not None and filled.change.old_quote == "We're ready"


def test_fill_row_reports_what_it_cannot_fill():
    assert fill_row(ARTICLE, 3, row(quote="talks go on")).problems == ()  # one, case matters
    twice = fill_row(ARTICLE, 3, row(quote="go on"))
    assert twice.new == {} and "occurs 2 times" in twice.problems[0]
    assert fill_row(ARTICLE, 3, row(start="50", quote="go on")).new == {"start": "50", "end": "55"}
    assert "was not found" in fill_row(ARTICLE, 4, row(quote="Peace now")).problems[0]
    assert "the quote is empty" in fill_row(ARTICLE, 5, row()).problems[0]
    assert fill_row(ARTICLE, 6, row(start="0", end="3")).new == {"quote": "The"}
    assert fill_row(ARTICLE, 6, row(start="0", end="3", quote="The")).new == {}  # complete


def test_fill_row_reads_offsets_as_validate_does():
    for bad in (" 17", "17 ", "+17", "1_7", "١٧"):
        filled = fill_row(ARTICLE, 7, row(start=bad, quote="We're ready"))
        assert filled.new == {} and "expected a whole number" in filled.problems[0], bad


def test_splice_row_keeps_every_other_byte():
    body = 'c1,"a, b",,,keep "this"'
    header = ["claim_id", "x", "start", "end", "quote"]
    values = ["c1", "a, b", "", "", 'keep "this"']
    assert splice_row(body, header, values, {"start": "3", "end": "9"}) == 'c1,"a, b",3,9,keep "this"'


def copy_of(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_CASE, tmp_path / FIXTURE_CASE.name))


def validate_messages(case: Path) -> list[str]:
    return [str(p) for p in read_case_folder(case).problems]


def test_a_bom_in_the_article_is_the_same_problem_for_both(tmp_path):
    case = copy_of(tmp_path)
    article = case / "article.txt"
    article.write_bytes(b"\xef\xbb\xbf" + article.read_bytes())
    report = fill_offsets(case)
    assert not report.written and report.problems
    assert report.problems[0] in validate_messages(case)


def test_crlf_in_the_article_is_the_same_problem_for_both(tmp_path):
    case = copy_of(tmp_path)
    article = case / "article.txt"
    article.write_bytes(article.read_bytes().replace(b"\n", b"\r\n"))
    report = fill_offsets(case)
    assert not report.written
    assert report.problems == [p for p in validate_messages(case) if p.startswith("article.txt")][:1]


def test_a_bom_in_claims_csv_is_what_validate_reports_and_fill_offsets_removes(tmp_path):
    case = copy_of(tmp_path)
    claims = case / "claims.csv"
    claims.write_bytes(b"\xef\xbb\xbf" + claims.read_bytes())
    assert any("byte-order mark" in p for p in validate_messages(case))
    report = fill_offsets(case)
    assert report.ok and report.written
    assert report.notes == ["claims.csv: removed the byte-order mark (BOM) at the start."]
    assert not claims.read_bytes().startswith(b"\xef\xbb\xbf")
    assert not any("byte-order mark" in p for p in validate_messages(case))


def test_spaces_around_an_offset_are_refused_by_both(tmp_path):
    case = copy_of(tmp_path)
    claims = case / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[1].split(",")
    fields[3], fields[4] = f" {fields[3]}", ""
    lines[1] = ",".join(fields)
    claims.write_text("".join(lines), encoding="utf-8")
    before = claims.read_bytes()
    assert any("claims.csv:2: column 'start'" in p for p in validate_messages(case))
    report = fill_offsets(case)
    assert not report.written and claims.read_bytes() == before
    assert report.problems and "column 'start' is ' " in report.problems[0]
