"""What the widgets share: the "All" menu value, box styles, small text helpers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..cases import Case, load_case

__all__ = ["ALL", "CARD", "MUTED", "SWATCH", "TD", "TH", "as_case", "names", "plural", "proposition_text"]

# The value of every "All …" menu entry.  Ids, side names and modes are never
# empty (the loader rejects them), so "" cannot clash with a real choice.
ALL = ""

# Box styles: borders and padding only, text colour inherited from the theme.
CARD = "border-left:6px solid {colour};padding:0.4em 0.8em;margin:0.3em 0;line-height:1.4"
SWATCH = ("display:inline-block;width:0.9em;height:0.9em;background:{colour};"
           "border-radius:2px;vertical-align:-0.1em;margin-right:0.35em")
MUTED = "opacity:0.8"
TH = "text-align:left;vertical-align:top;padding:0.15em 0.8em 0.15em 0;font-weight:600;white-space:nowrap"
TD = "text-align:left;vertical-align:top;padding:0.15em 0"


def as_case(case: Case | str | Path) -> Case:
    return case if isinstance(case, Case) else load_case(case)


def proposition_text(case: Case, topic_id: str) -> str:
    """The topic's proposition without its final full stop, for quoting inside a sentence."""
    text = str(case.topics.loc[case.topics["topic_id"] == topic_id, "proposition"].iloc[0]).strip()
    return text[:-1] if text.endswith(".") else text


def names(items: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


