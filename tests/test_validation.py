"""The validator: each kind of bad input gives one exact, located message.

Every test copies the real case (the ``case_copy`` fixture), breaks one
thing and compares the full message text: file, line, column, what was
found and what is expected.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from coursekit import CaseError, load_case
from coursekit.validation import CASE_FILES, CSV_COLUMNS, Problem, read_case_folder

ALL_FILES = ", ".join(CASE_FILES)
CLAIM_COLUMNS = ",".join(CSV_COLUMNS["claims.csv"][0] + CSV_COLUMNS["claims.csv"][1])


def problems(path: Path) -> list[str]:
    return [str(p) for p in read_case_folder(path).problems]


def drop_column(case, name: str, column: str) -> None:
    rows = list(csv.reader(io.StringIO(case.text(name), newline="")))
    index = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:index] + r[index + 1 :] for r in rows])
    case.write(name, out.getvalue())


def known(case, name: str, column: str) -> str:
    return ", ".join(sorted(row[column] for row in case.rows(name)))


# --- the real case and the shape of a problem ---------------------------


def test_the_real_case_has_no_problems(real_case_dir):
    assert problems(real_case_dir) == []


def test_problem_text_names_file_line_and_column():
    assert str(Problem("claims.csv", 14, "quote", "does not match")) == (
        "claims.csv:14: column 'quote': does not match"
    )
    assert str(Problem("claims.csv", None, None, "is missing")) == "claims.csv: is missing"
    assert str(Problem("case.toml", 8, "published", "is 'x'")) == "case.toml:8: key 'published': is 'x'"


# --- files --------------------------------------------------------------


@pytest.mark.parametrize("name", CASE_FILES)
def test_a_missing_file_is_one_problem_not_a_cascade(case_copy, name):
    case_copy.file(name).unlink()
    # One problem only: claims referring to a missing actors.csv are not
    # each reported again.
    assert problems(case_copy.path) == [
        f"{name}: is missing; every case folder needs {ALL_FILES}. "
        "Fix: add the file (coursekit new-case writes a template of each)."
    ]


def test_a_folder_in_place_of_a_file(case_copy):
    case_copy.file("glossary.csv").unlink()
    case_copy.file("glossary.csv").mkdir()
    assert problems(case_copy.path) == [
        f"glossary.csv: is a folder; every case folder needs {ALL_FILES}. "
        "Fix: add the file (coursekit new-case writes a template of each)."
    ]


def test_a_path_that_is_not_a_folder(tmp_path):
    missing = tmp_path / "no-such-case"
    assert problems(missing) == [
        f"{missing}: is not a folder; expected a case folder holding {ALL_FILES}."
    ]


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("topics.csv", "topic_id,label,proposition,description"),
        ("claims.csv", "claim_id,actor_id,topic_id,start,end,quote,mode,stance,summary"),
        ("glossary.csv", "term,definition,source"),
    ],
)
def test_an_empty_csv_file(case_copy, name, header):
    case_copy.write(name, "")
    assert problems(case_copy.path) == [f"{name}:1: is empty; expected a header row: {header}"]


def test_a_claims_file_with_a_header_and_no_rows(case_copy):
    case_copy.write("claims.csv", CLAIM_COLUMNS + "\n")
    assert problems(case_copy.path) == [
        "claims.csv:2: has a header but no rows; expected at least one claim."
    ]


def test_an_empty_article(case_copy):
    case_copy.write("article.txt", "")
    assert "article.txt: is empty; expected the source text, verbatim." in problems(case_copy.path)


# --- encodings and line endings -------------------------------------------


def test_a_byte_order_mark(case_copy):
    case_copy.file("actors.csv").write_bytes(b"\xef\xbb\xbf" + case_copy.file("actors.csv").read_bytes())
    assert problems(case_copy.path) == [
        "actors.csv:1: starts with a byte-order mark (BOM); expected plain UTF-8 without BOM. "
        "Fix: save it as 'UTF-8' rather than 'UTF-8 with BOM' (in a spreadsheet, export as "
        "CSV UTF-8, then re-save from a text editor without BOM)."
    ]


def test_crlf_line_endings_in_a_csv_file(case_copy):
    case_copy.write("glossary.csv", case_copy.text("glossary.csv").replace("\n", "\r\n"))
    [problem] = problems(case_copy.path)
    assert problem.startswith(
        "glossary.csv:1: uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) "
        "line endings. Fix: in your editor choose 'LF' line endings"
    )


def test_a_single_crlf_is_reported_on_its_line(case_copy):
    lines = case_copy.text("timeline.csv").split("\n")
    lines[4] += "\r"
    case_copy.write("timeline.csv", "\n".join(lines))
    [problem] = problems(case_copy.path)
    assert problem.startswith("timeline.csv:5: uses Windows (CRLF)")


def test_crlf_line_endings_in_the_article(case_copy):
    case_copy.write("article.txt", case_copy.text("article.txt").replace("\n", "\r\n"))
    found = problems(case_copy.path)
    # Said once, first, so the author is not left puzzling over 30 moved quotes.
    assert found[0] == (
        "article.txt:1: uses Windows (CRLF) or old Mac (CR) line endings; expected Unix (LF) "
        "line endings, as in the source: the offsets in claims.csv count characters of the "
        "LF text. Fix: convert the file back to LF line endings."
    )
    assert any(p.startswith("claims.csv:") and "column 'quote'" in p for p in found[1:])


def test_bytes_that_are_not_utf8(case_copy):
    data = case_copy.file("claims.csv").read_bytes()
    line12 = data.split(b"\n")[11]
    column = line12.index(b"auditors")
    at = data.index(line12) + column
    case_copy.file("claims.csv").write_bytes(data[:at] + b"\xff" + data[at:])
    before = line12[:column].decode()[-30:]
    assert problems(case_copy.path) == [
        f"claims.csv:12: is not valid UTF-8: byte b'\\xff' at character {column + 1} of the "
        f'line (byte offset {at}), after "{before}"; expected UTF-8 text. '
        "Fix: re-save the file with the encoding set to UTF-8."
    ]


def test_a_file_saved_as_windows_1252(case_copy):
    # What Excel's plain "CSV" export does to the curly apostrophe in Russia’s.
    text = case_copy.text("claims.csv")
    case_copy.file("claims.csv").write_bytes(text.encode("cp1252"))
    [problem] = problems(case_copy.path)
    assert problem.startswith("claims.csv:16: is not valid UTF-8: byte b'\\x92' at character 163 ")
    assert 'after "an soil will compromise Russia"; expected UTF-8 text.' in problem


# --- case.toml --------------------------------------------------------------


def test_invalid_toml_reports_line_and_column(case_copy):
    line = case_copy.replace("case.toml", 'title = "NATO', "title = NATO")
    assert problems(case_copy.path) == [
        f"case.toml:{line}: is not valid TOML at line {line}, column 9: Invalid value. "
        'Expected key = value lines such as title = "…". Fix: check the quotes and brackets '
        "on that line (an unclosed string shows up at the end of the file)."
    ]


def test_invalid_toml_at_the_end_of_the_file(case_copy):
    case_copy.write("case.toml", case_copy.text("case.toml") + 'note = "unclosed')
    last_line = case_copy.text("case.toml").count("\n") + 1
    [problem] = problems(case_copy.path)
    assert problem.startswith(
        f"case.toml:{last_line}: is not valid TOML at the end of the file: Unterminated string. "
    )


def test_a_missing_toml_key(case_copy):
    case_copy.replace("case.toml", 'author = "Nigel Chamberlain"\n', "")
    assert problems(case_copy.path) == [
        "case.toml: key 'author': is missing; expected a string, e.g. author = \"…\"."
    ]


def test_a_toml_key_that_is_not_a_string(case_copy):
    line = case_copy.replace("case.toml", 'language = "en"', "language = 1")
    assert problems(case_copy.path) == [
        f"case.toml:{line}: key 'language': is 1; expected a non-empty string in double quotes."
    ]


@pytest.mark.parametrize("published", ["18 February 2013", "2013-2", "2013-02-30", "2013-13"])
def test_a_published_date_that_is_not_iso(case_copy, published):
    line = case_copy.replace("case.toml", 'published = "2013-02"', f'published = "{published}"')
    assert problems(case_copy.path) == [
        f"case.toml:{line}: key 'published': is '{published}'; expected an ISO 8601 date "
        'string of a real day, such as "2013-02-18", or "2013-02" when the source gives no day.'
    ]


def test_a_bad_colour(case_copy):
    line = case_copy.replace("case.toml", 'colour = "#D55E00"', 'colour = "#D55E0"')
    assert problems(case_copy.path) == [
        f"case.toml:{line}: key 'colour': side 2 ('Russia') has colour '#D55E0'; expected a "
        'hex colour like "#0072B2".'
    ]


def test_a_side_without_a_colour_points_at_its_table(case_copy):
    line = case_copy.replace("case.toml", '[[sides]]\nname = "Analyst"', '[[sides]]\nname = "Analyst"')
    case_copy.replace("case.toml", 'colour = "#CC79A7"\n', "")
    assert problems(case_copy.path) == [
        f"case.toml:{line}: key 'colour': side 4 ('Analyst') has colour None; expected a "
        'hex colour like "#0072B2".'
    ]


def test_a_side_declared_twice(case_copy):
    line = case_copy.replace("case.toml", 'name = "Analyst"', 'name = "Russia"')
    found = problems(case_copy.path)
    assert found[0] == (
        f"case.toml:{line}: key 'name': side 4: 'Russia' is declared twice; expected each side once."
    )


def test_sides_that_are_not_tables_do_not_crash_the_validator(case_copy):
    # tomllib reads `sides = 3` fine; the validator used to iterate over it.
    text = case_copy.text("case.toml")
    case_copy.write("case.toml", "sides = 3\n" + text[: text.index("# Sides in display order")])
    found = problems(case_copy.path)
    assert found == [
        "case.toml:1: key 'sides': is 3; expected one [[sides]] table per side, in display "
        'order, each with name = "…" and colour = "#RRGGBB".'
    ]


def test_an_actor_on_a_side_not_declared_in_case_toml(case_copy):
    line = case_copy.set_cell("actors.csv", ("actor_id", "nrc"), "side", "Ukraine")
    assert problems(case_copy.path) == [
        f"actors.csv:{line}: column 'side': is 'Ukraine', which is not a side declared in "
        "case.toml; expected one of: NATO, Russia, NATO-Russia Council, Analyst."
    ]


# --- CSV structure ----------------------------------------------------------


def test_a_missing_column(case_copy):
    drop_column(case_copy, "claims.csv", "stance")
    header = CLAIM_COLUMNS.replace(",stance", "")
    assert problems(case_copy.path) == [
        f"claims.csv:1: column 'stance': is missing from the header; expected the columns "
        f"{CLAIM_COLUMNS} (the last 3 may be left out); the header has {header}."
    ]


def test_optional_columns_may_be_left_out(case_copy):
    for column in ("condition", "target_id", "relayed_via"):
        drop_column(case_copy, "claims.csv", column)
    assert problems(case_copy.path) == []
    assert load_case(case_copy.path).claims["condition"].eq("").all()


def test_an_extra_column(case_copy):
    rows = list(csv.reader(io.StringIO(case_copy.text("actors.csv"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0] + ["notes"]] + [r + [""] for r in rows[1:]]
    )
    case_copy.write("actors.csv", out.getvalue())
    assert problems(case_copy.path) == [
        "actors.csv:1: column 'notes': header has a column 'notes' that the contract does not "
        "define; expected only actor_id,name,role,organisation,side,kind. Fix: remove or rename it."
    ]


def test_a_column_named_twice(case_copy):
    case_copy.replace("glossary.csv", "term,definition,source", "term,definition,source,term")
    found = problems(case_copy.path)
    assert found == ["glossary.csv:1: column 'term': appears twice in the header; expected each column once."]


def test_a_row_with_the_wrong_number_of_fields(case_copy):
    line = case_copy.replace("topics.csv", "dialogue,Dialogue,", "dialogue,Dialogue,,")
    assert problems(case_copy.path) == [
        f"topics.csv:{line}: has 5 fields; expected 4 (topic_id,label,proposition,description). "
        "Fix: a field that contains a comma must be in double quotes."
    ]


def test_an_unclosed_double_quote(case_copy):
    lines = case_copy.text("timeline.csv").rstrip("\n").split("\n")
    lines[-1] = lines[-1][: lines[-1].index('"') + 10]
    case_copy.write("timeline.csv", "\n".join(lines) + "\n")
    [problem] = problems(case_copy.path)
    assert problem.startswith(f"timeline.csv:{len(lines)}: cannot be read as CSV (")
    assert problem.endswith("); check for an unclosed double quote.")


def test_a_blank_required_cell(case_copy):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "summary", "")
    assert problems(case_copy.path) == [f"claims.csv:{line}: column 'summary': is empty; expected a value."]


def test_spaces_around_a_value(case_copy):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "mode", " direct_quote")
    found = problems(case_copy.path)
    assert found[0] == (
        f"claims.csv:{line}: column 'mode': has leading or trailing spaces in \" direct_quote\"; "
        "expected none."
    )


# --- ids and references -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "column", "row", "copy_from"),
    [
        ("claims.csv", "claim_id", "lavrov-auditors", "lavrov-no-change"),
        ("actors.csv", "actor_id", "russia", "lavrov"),
        ("topics.csv", "topic_id", "exercises", "arms_cuts"),
        ("glossary.csv", "term", "ISAF", "New START"),
    ],
)
def test_a_duplicate_id(case_copy, name, column, row, copy_from):
    first = [r[column] for r in case_copy.rows(name)].index(copy_from) + 2
    line = case_copy.set_cell(name, (column, row), column, copy_from)
    found = problems(case_copy.path)
    assert found[0] == (
        f"{name}:{line}: column '{column}': '{copy_from}' is a duplicate (first used on line "
        f"{first}); expected each to be unique."
    )
    # The rows that used the renamed id now point nowhere; that is reported too.
    assert all(p.startswith(name) or "refers to" in p for p in found)


def test_an_id_that_is_not_lower_case(case_copy):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "claim_id", "Lavrov Auditors")
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'claim_id': is 'Lavrov Auditors'; expected an id of "
        "lower-case letters, digits, '-' or '_' only."
    ]


@pytest.mark.parametrize(
    ("column", "target"),
    [("actor_id", "actors.csv"), ("target_id", "actors.csv"), ("topic_id", "topics.csv")],
)
def test_an_unknown_reference(case_copy, column, target):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), column, "putin")
    key = "topic_id" if target == "topics.csv" else "actor_id"
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column '{column}': refers to 'putin', which is not in {target}; "
        f"expected one of: {known(case_copy, target, key)}."
    ]


def test_a_renamed_actor_is_reported_once_with_every_line_that_uses_it(case_copy):
    """A typo in actors.csv gives one message naming all the claims that used the id."""
    case_copy.set_cell("actors.csv", ("actor_id", "rasmussen"), "actor_id", "rasmusen")
    lines = [i + 2 for i, row in enumerate(case_copy.rows("claims.csv")) if row["actor_id"] == "rasmussen"]
    assert len(lines) >= 3
    assert problems(case_copy.path) == [
        f"claims.csv:{lines[0]}: column 'actor_id': refers to 'rasmussen', which is not in "
        f"actors.csv (also on lines {', '.join(map(str, lines[1:]))}); "
        f"expected one of: {known(case_copy, 'actors.csv', 'actor_id')}."
    ]


def test_a_stray_space_around_an_id_is_one_problem_not_a_cascade(case_copy):
    line = case_copy.set_cell("actors.csv", ("actor_id", "lavrov"), "actor_id", "lavrov ")
    assert problems(case_copy.path) == [
        f"actors.csv:{line}: column 'actor_id': has leading or trailing spaces in \"lavrov \"; "
        "expected none."
    ]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("mode", "quote", "a known mode; expected one of: direct_quote, paraphrase, reported_fact, author_comment"),
        ("stance", "against", "a known stance; expected one of: support, oppose, neutral"),
    ],
)
def test_a_bad_mode_or_stance(case_copy, column, value, expected):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), column, value)
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column '{column}': is '{value}', which is not {expected}."
    ]


def test_a_bad_actor_kind(case_copy):
    line = case_copy.set_cell("actors.csv", ("actor_id", "nato"), "kind", "alliance")
    assert problems(case_copy.path) == [
        f"actors.csv:{line}: column 'kind': is 'alliance', which is not a known kind of actor; "
        "expected one of: person, organisation, state, group."
    ]


# --- offsets and quotes -------------------------------------------------------


@pytest.mark.parametrize("value", ["12.5", "1_209", "twelve", "+1209", "١٢٠٩"])
def test_an_offset_that_is_not_a_whole_number(case_copy, value):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "start", value)
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'start': is '{value}'; expected a whole number (a character "
        "offset into article.txt). Fix: run `coursekit fill-offsets` or "
        '`coursekit locate CASE "phrase"` to find it.'
    ]


def test_a_negative_offset(case_copy):
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "start", "-3")
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'start': is -3; expected an offset of 0 or more."
    ]


def test_an_offset_past_the_end(case_copy):
    size = len(case_copy.text("article.txt"))
    line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "end", str(size + 1))
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'end': is {size + 1}, past the end of article.txt; expected "
        f"at most {size} (the article has {size} characters)."
    ]


@pytest.mark.parametrize(("start", "end"), [("1317", "1209"), ("1209", "1209")])
def test_reversed_or_empty_span(case_copy, start, end):
    key = ("claim_id", "lavrov-auditors")
    case_copy.set_cell("claims.csv", key, "start", start)
    line = case_copy.set_cell("claims.csv", key, "end", end)
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'end': is {end}, not after start {start}; expected start < end "
        "(end is exclusive, like a Python slice)."
    ]


def test_a_quote_that_does_not_match_its_span_shows_the_text_there(case_copy):
    key = ("claim_id", "lavrov-auditors")
    line = case_copy.set_cell("claims.csv", key, "start", "1210")
    case_copy.set_cell("claims.csv", key, "end", "1318")
    article = case_copy.text("article.txt")
    quote = article[1209:1317]
    there = article[1210:1318]
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'quote': does not match article[1210:1318]; the text there "
        f'is "{there[:38]} … {there[-38:]}", the quote is "{quote[:38]} … {quote[-38:]}". '
        "The quote occurs at start=1209, end=1317. Fix: copy the quote exactly from "
        "article.txt, or correct start and end."
    ]


def test_a_quote_with_a_typo(case_copy):
    key = ("claim_id", "rasmussen-implement")
    line = case_copy.set_cell("claims.csv", key, "quote", "Now we need to focus on implementing it.")
    assert problems(case_copy.path) == [
        f"claims.csv:{line}: column 'quote': does not match article[395:434]; the text there is "
        '"Now we need to focus on implementing it", the quote is '
        '"Now we need to focus on implementing it.". The quote does not occur anywhere in '
        "article.txt. Fix: copy the quote exactly from article.txt, or correct start and end."
    ]


def test_a_straight_apostrophe_for_a_curly_one(case_copy):
    # The article has Russia’s (U+2019); a spreadsheet's autocorrect can go either way.
    key = ("claim_id", "lavrov-cuts-guarantees")
    quote = case_copy.rows("claims.csv")[15]["quote"]
    assert "’" in quote
    line = case_copy.set_cell("claims.csv", key, "quote", quote.replace("’", "'"))
    [problem] = problems(case_copy.path)
    assert problem.startswith(f"claims.csv:{line}: column 'quote': does not match article[1732:1868]")


# --- dates ------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2013-02-30", "18/02/2013", "2013-2-18", "Feb 2013"])
def test_a_timeline_date_that_is_not_iso(case_copy, value):
    line = case_copy.set_cell("timeline.csv", ("date", "2013-02-18"), "date", value)
    assert problems(case_copy.path) == [
        f"timeline.csv:{line}: column 'date': is '{value}'; expected an ISO 8601 date of a real "
        "day, like 2013-02-18 (or 2013-02, or 2013, when the day or month is not known)."
    ]


@pytest.mark.parametrize("value", ["2013", "2013-02", "2012-02-29"])
def test_reduced_precision_and_leap_days_are_dates(case_copy, value):
    case_copy.set_cell("timeline.csv", ("date", "2013-02-18"), "date", value)
    assert problems(case_copy.path) == []


# --- every problem at once ------------------------------------------------------


def test_three_independent_faults_are_all_reported(case_copy):
    stance_line = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "stance", "maybe")
    date_line = case_copy.set_cell("timeline.csv", ("date", "2013-02-18"), "date", "2013-02-31")
    colour_line = case_copy.replace("case.toml", 'colour = "#009E73"', 'colour = "green"')
    expected = [
        f"case.toml:{colour_line}: key 'colour': side 3 ('NATO-Russia Council') has colour "
        "'green'; expected a hex colour like \"#0072B2\".",
        f"claims.csv:{stance_line}: column 'stance': is 'maybe', which is not a known stance; "
        "expected one of: support, oppose, neutral.",
        f"timeline.csv:{date_line}: column 'date': is '2013-02-31'; expected an ISO 8601 date "
        "of a real day, like 2013-02-18 (or 2013-02, or 2013, when the day or month is not known).",
    ]
    assert problems(case_copy.path) == expected

    with pytest.raises(CaseError) as caught:
        load_case(case_copy.path)
    error = caught.value
    assert [str(p) for p in error.problems] == expected
    assert [(p.file, p.line, p.column) for p in error.problems] == [
        ("case.toml", colour_line, "colour"),
        ("claims.csv", stance_line, "stance"),
        ("timeline.csv", date_line, "date"),
    ]
    assert str(error).splitlines() == [f"{case_copy.path}: 3 problems in this case folder"] + [
        f"  {line}" for line in expected
    ]


def test_faults_in_every_file_are_all_reported(case_copy):
    case_copy.file("article.txt").write_bytes(b"\xef\xbb\xbf" + case_copy.file("article.txt").read_bytes())
    case_copy.replace("case.toml", 'language = "en"', 'language = ""')
    case_copy.set_cell("actors.csv", ("actor_id", "nato"), "kind", "bloc")
    case_copy.set_cell("topics.csv", ("topic_id", "outlook"), "label", "")
    case_copy.set_cell("claims.csv", ("claim_id", "rasmussen-progress"), "end", "100")
    case_copy.set_cell("timeline.csv", ("date", "2013-02-18"), "source", "")
    case_copy.set_cell("glossary.csv", ("term", "ISAF"), "term", "New START")
    found = read_case_folder(case_copy.path).problems
    assert sorted({p.file for p in found}) == sorted(CASE_FILES)
    assert len(found) == 7


def test_a_file_that_cannot_be_read(case_copy, monkeypatch):
    # Root can read anything, so simulate the permission error.
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self.name == "topics.csv":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert problems(case_copy.path) == [
        "topics.csv: cannot be read (Permission denied); expected a readable file."
    ]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('id = "nato-russia-2013"', 'id = "nato-russia-2013\\n"', "id"),
        ('published = "2013-02"', 'published = "2013-02\\n"', "published"),
        ('colour = "#0072B2"', 'colour = "#0072B2\\n"', "colour"),
    ],
)
def test_a_trailing_newline_does_not_slip_past_a_pattern(case_copy, old, new, key):
    # re's `$` also matches before a final newline; the checks must match whole values.
    line = case_copy.replace("case.toml", old, new)
    [problem] = problems(case_copy.path)
    assert problem.startswith(f"case.toml:{line}: key '{key}': ")
