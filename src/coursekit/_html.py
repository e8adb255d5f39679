"""Small HTML helpers shared by the widgets: escaping, student wording, inline styles.

Standard library only, so importing it never pulls in ipywidgets or matplotlib.
Styles are inline ``style`` attributes rather than a ``<style>`` block: they
survive the sanitisers of untrusted notebooks and static renderers, and they
cannot leak into the rest of the page.  Text colour is inherited everywhere so
the output reads in light and dark JupyterLab themes; the only fixed colours
are the highlighted span (black on Okabe-Ito yellow, legible on both themes)
and the case's own side colours.

>>> esc("<b>NATO & Russia</b>")
'&lt;b&gt;NATO &amp; Russia&lt;/b&gt;'
>>> safe_colour("#0072B2"), safe_colour("red; background: url(x)")
('#0072B2', '#999999')
>>> MODE_LABELS["paraphrase"]
'paraphrase (reported speech)'
"""

from __future__ import annotations

import html
import re

from .palette import GREY, OKABE_ITO

__all__ = [
    "FALLBACK_COLOUR",
    "MARK_STYLE",
    "MODE_EXPLANATIONS",
    "MODE_LABELS",
    "STANCE_LABELS",
    "STANCE_VERBS",
    "esc",
    "safe_colour",
    "shorten",
    "style_marks",
]

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")

# Okabe-Ito grey: used when a colour is not a plain #RRGGBB value.
FALLBACK_COLOUR = GREY

# Black on Okabe-Ito yellow reads on white and on dark backgrounds alike.
MARK_STYLE = f"background:{OKABE_ITO['yellow']};color:{OKABE_ITO['black']};padding:0 0.15em;border-radius:2px"

MODE_LABELS: dict[str, str] = {
    "direct_quote": "direct quote",
    "paraphrase": "paraphrase (reported speech)",
    "reported_fact": "reported fact",
    "author_comment": "the author's comment",
}

MODE_EXPLANATIONS: dict[str, str] = {
    "direct_quote": "the speaker's own words, in quotation marks or set off as a block quotation in the article",
    "paraphrase": "the author reports what the speaker said, in the author's words",
    "reported_fact": "the author reports an event, not anyone's words",
    "author_comment": "the author's own judgement",
}

STANCE_LABELS: dict[str, str] = {
    "support": "supports",
    "oppose": "opposes",
    "neutral": "neutral (takes no side)",
}

# Short verbs for summaries: "NATO supports, Russia opposes".
STANCE_VERBS: dict[str, str] = {"support": "supports", "oppose": "opposes", "neutral": "is neutral"}


def esc(value: object) -> str:
    """Escape any value for HTML text or a double-quoted attribute."""
    return html.escape(str(value), quote=True)


def safe_colour(colour: object) -> str:
    """``colour`` if it is a ``#RRGGBB`` hex colour, else a neutral grey.

    Colours end up inside ``style`` attributes, so anything else is refused.
    """
    return colour if isinstance(colour, str) and _COLOUR.match(colour) else FALLBACK_COLOUR


def shorten(text: str, width: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``width`` characters.

    >>> shorten("The US and NATO argue that nothing can be changed.", 24)
    'The US and NATO argue…'
    """
    one_line = " ".join(str(text).split())
    if len(one_line) <= width:
        return one_line
    cut = one_line[: width - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + "…"


def style_marks(fragment: str) -> str:
    """Give the ``<mark class="ck-span">`` of :meth:`Case.context_html` its inline style."""
    return fragment.replace('<mark class="ck-span">', f'<mark class="ck-span" style="{MARK_STYLE}">')
