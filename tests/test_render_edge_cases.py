"""`coursekit render` on cases at the edges: one side, no shared topic, no conditions,
no timeline or glossary, 200 claims. Each case is built here and rendered once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from render_helpers import (
    LESSONS,
    case_text,
    cell_text,
    leaks,
    read_rendered,
    readability_problems,
    run_render,
)

from coursekit.validation import read_case_folder


def _csv(rows: list[dict[str, object]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


CLAIM_COLUMNS = ["claim_id", "actor_id", "topic_id", "start", "end", "quote", "mode", "stance",
                 "summary", "condition", "target_id", "relayed_via"]


def write_case(folder: Path, case_id: str, title: str, sides: list[str], actors: list[dict],
               topics: list[dict], paragraphs: list[list[tuple[str, dict]]],
               timeline: list[dict] = (), glossary: list[dict] = ()) -> Path:
    """Write a case whose claims are whole sentences; offsets are counted here."""
    folder.mkdir(parents=True)
    article, claims = f"{title}\n\nA statement written for the coursekit tests (fictional)\n", []
    for paragraph in paragraphs:
        article += "\n"
        for k, (sentence, claim) in enumerate(paragraph):
            article += (" " if k else "")
            if claim:
                claims.append({**claim, "start": len(article), "end": len(article) + len(sentence),
                               "quote": sentence})
            article += sentence
        article += "\n"
    (folder / "article.txt").write_text(article, encoding="utf-8")
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    (folder / "case.toml").write_text(
        f'id = "{case_id}"\ntitle = "{title}"\nauthor = "Test Author"\npublisher = "Fictional"\n'
        'published = "2030-01"\nurl = "https://example.org/fictional"\nlanguage = "en"\n'
        'summary = "SYNTHETIC TEST CASE, fictional."\n'
        + "".join(f'\n[[sides]]\nname = "{s}"\ncolour = "{colours[i]}"\n' for i, s in enumerate(sides)),
        encoding="utf-8")
    (folder / "actors.csv").write_text(_csv(actors, ["actor_id", "name", "role", "organisation", "side",
                                                     "kind"]), encoding="utf-8")
    (folder / "topics.csv").write_text(_csv(topics, ["topic_id", "label", "proposition", "description"]),
                                       encoding="utf-8")
    (folder / "claims.csv").write_text(_csv(claims, CLAIM_COLUMNS), encoding="utf-8")
    (folder / "timeline.csv").write_text(_csv(list(timeline), ["date", "event", "source"]), encoding="utf-8")
    (folder / "glossary.csv").write_text(_csv(list(glossary), ["term", "definition", "source"]),
                                         encoding="utf-8")
    problems = read_case_folder(folder).problems
    assert problems == [], problems
    return folder


def one_side_case(folder: Path) -> Path:
    """One side, one speaker, no conditions, no timeline, no glossary."""
    claim = dict(actor_id="okafor", mode="direct_quote", stance="support", condition="",
                 target_id="", relayed_via="")
    return write_case(
        folder, "one-side", "Minister Okafor on the fishing quota", ["Ministry"],
        [dict(actor_id="okafor", name="Chiamaka Okafor", role="minister", organisation="Ministry",
              side="Ministry", kind="person")],
        [dict(topic_id="quota", label="Fishing quota", proposition="The quota should be cut.",
              description=""),
         dict(topic_id="boats", label="New boats", proposition="The fleet needs new boats.",
              description="")],
        [[("We will cut the quota by a fifth.", {**claim, "claim_id": "cut", "topic_id": "quota",
                                                 "summary": "Okafor says the quota will be cut."}),
          ("That is the only way.", None)],
         [("The fleet needs new boats, and it will get them.",
           {**claim, "claim_id": "boats", "topic_id": "boats", "summary": "Okafor promises boats."})],
         [("I do not think the quota can stay as it is.",
           {**claim, "claim_id": "no-stay", "topic_id": "quota", "stance": "support",
            "mode": "direct_quote", "summary": "Okafor says the quota cannot stay."})]])


def many_claims_case(folder: Path, n: int = 200) -> Path:
    """200 claims by two sides that never speak on the same topic; some conditional."""
    modes = ["direct_quote", "paraphrase", "reported_fact", "author_comment"]
    stances = ["support", "oppose", "neutral"]
    topics = [dict(topic_id=f"t{k}", label=f"Issue {k}", proposition=f"Issue {k} should be settled.",
                   description="") for k in range(10)]
    paragraphs = []
    for p in range(n // 5):
        sentences = []
        for s in range(5):
            i = p * 5 + s
            side = i % 2  # even claims: side A on t0-t4; odd: side B on t5-t9
            sentences.append((f"Statement {i} by delegate {'AB'[side]} on issue {side * 5 + i % 5}.", dict(
                claim_id=f"c{i}", actor_id=f"delegate-{'ab'[side]}", topic_id=f"t{side * 5 + i % 5}",
                mode=modes[i % 4], stance=stances[i % 3],
                summary=f"Delegate {'AB'[side]} makes statement {i}.",
                condition=f"unless point {i} is met" if i % 10 == 0 else "", target_id="",
                relayed_via="")))
        paragraphs.append(sentences)
    return write_case(
        folder, "many-claims", "Two delegations, two hundred claims", ["Side A", "Side B"],
        [dict(actor_id="delegate-a", name="Delegate A", role="", organisation="", side="Side A",
              kind="person"),
         dict(actor_id="delegate-b", name="Delegate B", role="", organisation="", side="Side B",
              kind="person")],
        topics, paragraphs,
        timeline=[dict(date="2030-01", event="The talks (fictional).", source="Synthetic test data")],
        glossary=[dict(term="delegate", definition="A person sent to speak for others.",
                       source="Synthetic test data")])


@pytest.fixture(scope="module", params=["one-side", "many-claims"])
def rendered(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(request.param)
    build = one_side_case if request.param == "one-side" else many_claims_case
    build(root / request.param)  # a case folder is named after its id (validate checks)
    rc, printed = run_render(request.param, Path("out"), "--no-exercises", cwd=root)
    return request.param, rc, printed, root


def test_renders_readable_lessons(rendered):
    case_id, rc, printed, root = rendered
    assert rc == 0, printed
    assert "2 of 2 notebooks rendered" in printed
    assert "WARNING" not in printed and "IPKernelApp" not in printed
    notebooks = read_rendered(root / "out")
    for name in LESSONS:
        assert readability_problems(notebooks[name], name, case_id, f"../{case_id}") == [], name
        assert leaks(notebooks[name], case_text(root / case_id)) == [], name
    texts = {name: [cell_text(c) for c in nb.cells] for name, nb in notebooks.items()}
    explore = "\n".join(texts["explore_a_case.ipynb"])
    comparing = "\n".join(texts["04_comparing_claims.ipynb"])
    if case_id == "one-side":
        assert "This case has no timeline." in explore
        assert "This case has no glossary." in explore
        assert "0 of 3 claims carry a condition." in comparing
        assert "This case has no conditional claims." in comparing
        assert "Which topic of the case is this claim on?" in comparing
    else:
        assert "200 claims on 10 topics; sides: Side A, Side B" in comparing
        assert "20 of 200 claims carry a condition." in comparing
        assert "Most sides speak on: Issue 0 (1 of 2 sides)" in explore
