"""The NATO-Russia source pack and the instructor guide agree with the case data.

The source pack (data/cases/nato-russia-2013/source-pack.md) is what students read
beside the article; the instructor guide cites claims by id. Both are prose, so
these checks pin what prose can get wrong: a claim id that no longer exists, a
quotation of the article that is not the article's text, a section without a
citation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coursekit import load_case

REPO = Path(__file__).resolve().parent.parent
CASE_DIR = REPO / "data" / "cases" / "nato-russia-2013"
PACK = CASE_DIR / "source-pack.md"
GUIDE = REPO / "docs" / "instructor-guide.md"


@pytest.fixture(scope="module")
def case():
    return load_case(CASE_DIR)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    return {part.splitlines()[0]: part for part in parts}


def test_every_section_of_the_pack_cites_its_sources():
    found = sections(PACK.read_text(encoding="utf-8"))
    assert len(found) >= 6
    for title, body in found.items():
        # A citation names where to find the source: a web address or a document number.
        assert re.search(r"\([^()]*?[a-z0-9-]\.(?:org|int|gov|ru|com)\b[^()]*\)|Press Release \(", body), title


def test_the_pack_covers_what_the_issue_asked_for():
    titles = " | ".join(sections(PACK.read_text(encoding="utf-8")))
    for needed in ("NATO on missile defence", "NATO on Afghanistan", "United States", "Foreign Ministry",
                   "How a quotation travels", "author"):
        assert needed in titles, needed


def test_the_articles_words_in_the_side_by_side_are_the_articles(case):
    """Right-hand column of the section 5 table: every quoted piece is in article.txt."""
    table = sections(PACK.read_text(encoding="utf-8"))["5. How a quotation travels: ministry, broadcaster, NGO article"]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == 3
    checked = 0
    for row in rows:
        article_cell = row.split(" | ")[-1]
        for quoted in re.findall(r'"([^"]+)"', article_cell):
            for part in quoted.split(" … "):
                assert part.strip(" …") in case.article, part
                checked += 1
    assert checked >= 3


def test_the_lessons_and_the_readme_point_to_the_pack():
    readme = (CASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "source-pack.md" in readme
    for lesson in ("02_nato_position", "03_russia_position", "05_what_happened_next"):
        text = (REPO / "notebooks" / f"{lesson}.ipynb").read_text(encoding="utf-8")
        assert "data/cases/nato-russia-2013/source-pack.md" in text, lesson


@pytest.mark.parametrize("path", [GUIDE, PACK, CASE_DIR / "README.md"], ids=lambda p: p.name)
def test_claim_ids_cited_in_prose_exist(case, path):
    text = path.read_text(encoding="utf-8")
    known = set(case.claims["claim_id"])
    prefixes = tuple(sorted({cid.split("-")[0] + "-" for cid in known}))
    cited = {m for m in re.findall(r"`([a-z0-9-]+)`", text) if m.startswith(prefixes)}
    # The README tells the history of the one id that was removed; nothing else may be stale.
    stale = cited - known - ({"meeting-18feb"} if path.name == "README.md" else set())
    assert not stale, f"{path.name} cites claims that are not in claims.csv: {sorted(stale)}"
    if path != PACK:  # the pack cites sources, not claims; the others cite many claims
        assert cited & known
