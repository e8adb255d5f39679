"""Load a case (an article and every side's positions) into pandas tables.

>>> from coursekit import load_case
>>> case = load_case("nato-russia-2013")
>>> case.title
'NATO-Russia discussions ahead of the Defence Ministers meeting in Brussels'
>>> claim = case.claim("lavrov-ready-dialogue")
>>> case.article[claim.start:claim.end] == claim.quote
True
>>> claim.actor_name, claim.side, claim.mode
('Sergey Lavrov', 'Russia', 'direct_quote')
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import pandas as pd

from .validation import CSV_COLUMNS, CaseError, Problem, read_case_folder

__all__ = ["Case", "available_cases", "bundled_case_path", "load_case", "resolve_case"]

# Where the bundled cases live inside the installed package (see pyproject.toml).
_BUNDLE = "cases_data"


def _bundle() -> Traversable:
    return resources.files("coursekit").joinpath(_BUNDLE)


def available_cases() -> list[str]:
    """Ids of the cases shipped with the kit, sorted.

    >>> "nato-russia-2013" in available_cases()
    True
    """
    bundle = _bundle()
    if not bundle.is_dir():
        return []
    return sorted(p.name for p in bundle.iterdir() if p.is_dir() and p.joinpath("case.toml").is_file())


def bundled_case_path(case_id: str) -> Path:
    """The folder of a case shipped with the kit."""
    entry = _bundle().joinpath(case_id)
    if not entry.is_dir():
        known = ", ".join(available_cases()) or "(none)"
        raise CaseError(case_id, [Problem(
            case_id, None, None,
            f"is neither a case folder nor a bundled case id; bundled cases: {known}.",
        )])
    # The bundle is a plain folder both in a wheel install and in a checkout.
    return Path(str(entry))


def resolve_case(case: str | Path) -> Path:
    """The folder of a case given by id (a bundled case) or by path; :class:`CaseError` when there is none."""
    path = Path(case)
    if path.is_dir():
        return path
    if path.exists():
        raise CaseError(path, [Problem(
            str(path), None, None,
            "is a file, not a case folder; expected the folder that holds case.toml, "
            "article.txt and the CSV files.",
        )])
    if isinstance(case, str) and "/" not in case and "\\" not in case:
        return bundled_case_path(case)
    raise CaseError(path, [Problem(
        str(path), None, None,
        "does not exist; expected a case id (one of: "
        + (", ".join(available_cases()) or "none bundled")
        + ") or the path of a case folder.",
    )])


def split_paragraphs(text: str) -> pd.DataFrame:
    """Split a text into paragraphs, keeping the offsets of each.

    Lines that are empty or hold only whitespace (non-breaking spaces
    included) separate paragraphs.  ``text`` is ``article[start:end]`` with
    the paragraph's trailing whitespace left out.

    >>> split_paragraphs("Title\\n\\nOne line.\\nSame paragraph.\\n\\xa0\\nNext.")[["number", "start", "end"]].values.tolist()
    [[1, 0, 5], [2, 7, 32], [3, 35, 40]]
    """
    rows: list[dict[str, Any]] = []
    start: int | None = None
    end = 0
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            if start is None:
                start = pos + (len(line) - len(line.lstrip()))
            end = pos + len(line.rstrip())
        elif start is not None:
            rows.append({"start": start, "end": end})
            start = None
        pos += len(line) + 1
    if start is not None:
        rows.append({"start": start, "end": end})
    frame = pd.DataFrame(rows, columns=["start", "end"], dtype="int64")
    frame.insert(0, "number", pd.RangeIndex(1, len(frame) + 1, dtype="int64"))
    frame["text"] = [text[s:e] for s, e in zip(frame["start"], frame["end"], strict=True)]
    return frame


class ClaimRow(pd.Series):
    """One claim: a pandas Series whose fields also read as attributes.

    A plain Series row would answer ``claim.mode`` with ``Series.mode`` (the
    statistical mode, a method) instead of the claim's mode; here it is the field.

    >>> load_case("nato-russia-2013").claim("lavrov-cuts-space").mode
    'paraphrase'
    """

    @property
    def mode(self) -> Any:
        return self["mode"]


def _frame(rows: list[tuple[int, dict[str, str]]], name: str) -> pd.DataFrame:
    required, optional = CSV_COLUMNS[name]
    frame = pd.DataFrame([row for _, row in rows], columns=[*required, *optional])
    return frame.astype(object).fillna("")


@dataclass(frozen=True, eq=False)
class Case:
    """A loaded, validated case: the article and its tables.

    Build one with :func:`load_case`.  The tables are pandas DataFrames;
    ``claims`` has ``actor_name``, ``side``, ``topic_label`` and
    ``paragraph`` joined in.
    """

    path: Path
    meta: dict[str, Any]
    article: str
    paragraphs: pd.DataFrame
    actors: pd.DataFrame
    topics: pd.DataFrame
    claims: pd.DataFrame
    timeline: pd.DataFrame
    glossary: pd.DataFrame
    _claim_index: dict[str, int] = field(default_factory=dict, repr=False)

    # --- metadata -----------------------------------------------------
    @property
    def id(self) -> str:
        return str(self.meta["id"])

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @property
    def author(self) -> str:
        return str(self.meta["author"])

    @property
    def sides(self) -> list[str]:
        """Side names in display order (as declared in case.toml)."""
        return [s["name"] for s in self.meta["sides"]]

    @property
    def side_colours(self) -> dict[str, str]:
        """Side name -> display colour."""
        return {s["name"]: s["colour"] for s in self.meta["sides"]}

    def __repr__(self) -> str:
        return (f"<Case {self.id!r}: {len(self.claims)} claims by {self.claims['actor_id'].nunique()} "
                f"actors on {len(self.topics)} topics>")

    # --- selections -----------------------------------------------------
    def claim(self, claim_id: str) -> Any:
        """One claim as a row (attribute access: ``claim.quote``, ``claim.mode``)."""
        try:
            return ClaimRow(self.claims.iloc[self._claim_index[claim_id]])
        except KeyError:
            raise KeyError(f"no claim {claim_id!r} in case {self.id!r}") from None

    def claims_by_actor(self, actor_id: str) -> pd.DataFrame:
        """Claims whose position is that actor's, in text order."""
        self._known(actor_id, self.actors["actor_id"], "actor")
        return self.claims[self.claims["actor_id"] == actor_id]

    def claims_by_side(self, side: str) -> pd.DataFrame:
        """Claims of every actor on a side, in text order."""
        self._known(side, pd.Series(self.sides), "side")
        return self.claims[self.claims["side"] == side]

    def claims_by_topic(self, topic_id: str) -> pd.DataFrame:
        """Claims on a topic, in text order."""
        self._known(topic_id, self.topics["topic_id"], "topic")
        return self.claims[self.claims["topic_id"] == topic_id]

    def _known(self, value: str, known: pd.Series, what: str) -> None:
        if value not in set(known):
            raise KeyError(f"no {what} {value!r} in case {self.id!r}; known: {', '.join(map(str, known))}")

    def actor_name(self, actor_id: str) -> str:
        return str(self.actors.loc[self.actors["actor_id"] == actor_id, "name"].iloc[0])

    def topic_label(self, topic_id: str) -> str:
        return str(self.topics.loc[self.topics["topic_id"] == topic_id, "label"].iloc[0])

    def paragraph_of(self, offset: int) -> Any:
        """The paragraph row that contains a character offset."""
        hits = self.paragraphs[(self.paragraphs["start"] <= offset) & (offset < self.paragraphs["end"])]
        if hits.empty:
            raise ValueError(f"offset {offset} is not inside any paragraph")
        return hits.iloc[0]

    # --- context --------------------------------------------------------
    def context(self, claim_id: str, mark: tuple[str, str] = ("[[", "]]")) -> str:
        """The claim's paragraph with its span marked.

        >>> case = load_case("nato-russia-2013")
        >>> case.context("rasmussen-implement")[-52:]
        "2013. [[Now we need to focus on implementing it]]''."
        """
        claim = self.claim(claim_id)
        para = self.paragraph_of(int(claim.start))
        before = self.article[para.start : claim.start]
        inside = self.article[claim.start : claim.end]
        after = self.article[claim.end : max(para.end, claim.end)]
        return f"{before}{mark[0]}{inside}{mark[1]}{after}"

    def context_html(self, claim_id: str) -> str:
        """The claim's paragraph as escaped HTML with the span in ``<mark>``."""
        claim = self.claim(claim_id)
        para = self.paragraph_of(int(claim.start))
        esc = html.escape
        return (
            esc(self.article[para.start : claim.start])
            + f'<mark class="ck-span">{esc(self.article[claim.start : claim.end])}</mark>'
            + esc(self.article[claim.end : max(para.end, claim.end)])
        )

    def iter_claims(self) -> Iterator[Any]:
        for _, row in self.claims.iterrows():
            yield ClaimRow(row)


def load_case(case: str | Path = "nato-russia-2013") -> Case:
    """Load and validate a case by bundled id or by folder path.

    Raises :class:`CaseError` listing every problem when the folder breaks
    the data contract.
    """
    folder = resolve_case(case)
    raw = read_case_folder(folder)
    if raw.problems:
        raise CaseError(folder, raw.problems)

    paragraphs = split_paragraphs(raw.article)
    actors = _frame(raw.tables["actors.csv"], "actors.csv")
    topics = _frame(raw.tables["topics.csv"], "topics.csv")
    timeline = _frame(raw.tables["timeline.csv"], "timeline.csv")
    glossary = _frame(raw.tables["glossary.csv"], "glossary.csv")
    claims = _frame(raw.tables["claims.csv"], "claims.csv")
    claims["start"] = claims["start"].astype("int64")
    claims["end"] = claims["end"].astype("int64")
    claims = claims.merge(
        actors[["actor_id", "name", "side"]].rename(columns={"name": "actor_name"}),
        on="actor_id", how="left", validate="many_to_one",
    ).merge(
        topics[["topic_id", "label"]].rename(columns={"label": "topic_label"}),
        on="topic_id", how="left", validate="many_to_one",
    )
    starts = paragraphs["start"].to_numpy()
    claims["paragraph"] = (starts.searchsorted(claims["start"].to_numpy(), side="right")).astype("int64")
    claims = claims.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
    index = {cid: i for i, cid in enumerate(claims["claim_id"])}
    return Case(
        path=folder, meta=raw.meta, article=raw.article, paragraphs=paragraphs,
        actors=actors, topics=topics, claims=claims, timeline=timeline,
        glossary=glossary, _claim_index=index,
    )
