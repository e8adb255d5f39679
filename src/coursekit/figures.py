"""How the kit's figures are shown: an image with a text alternative, and its numbers as a table.

A :class:`CaseFigure` shows in Jupyter, the presenter and the handouts as an
``<img>`` whose ``alt`` is a summary generated from the figure's data, with a
"Show the numbers" disclosure holding the same data as a table (WCAG 1.1.1).
:func:`describe_figure` does the same for a figure a lesson draws itself.
The figures themselves are drawn in :mod:`coursekit.plots`.
"""

from __future__ import annotations

import base64
import io

import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.typing import ColorType

from ._html import esc
from .tables import table_html

__all__ = [
    "CaseFigure",
    "DescribedFigure",
    "data_table_html",
    "describe_figure",
    "figure_html",
    "png_bytes",
    "text_colour",
]


class CaseFigure(Figure):
    """A matplotlib Figure that shows itself with a text alternative and its data in Jupyter.

    ``alt_text`` (one or two sentences generated from the data) becomes the
    image's ``alt``; ``data_table`` (a DataFrame) is shown under the image in
    a ``<details>`` disclosure, one click or Enter away.  The HTML works
    without pyplot and without any JavaScript.
    """

    alt_text: str = ""
    data_table: pd.DataFrame | None = None
    table_caption: str = ""

    def describe(self, alt_text: str, data_table: pd.DataFrame, caption: str) -> CaseFigure:
        """Set the text alternative and the data table; return the figure."""
        self.alt_text, self.data_table, self.table_caption = alt_text, data_table, caption
        return self

    def __repr__(self) -> str:
        # Read like a plain Figure so notebook output sanitizers written for one still match.
        return super().__repr__().replace(type(self).__name__, "Figure", 1)

    def png(self) -> bytes:
        """The figure as PNG bytes (no "Software" metadata, so no matplotlib version in it)."""
        return png_bytes(self)

    def to_html(self) -> str:
        """The figure as an ``<img>`` with alt text, and its data as a table under it."""
        return figure_html(self.png(), self.alt_text, self.data_table, self.table_caption)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        # HTML only (no separate image/png): the <img> in it is the picture.
        return {"text/html": self.to_html(), "text/plain": repr(self)}


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes; no "Software" entry, so the PNG stays the same across matplotlib versions."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def figure_html(png: bytes, alt_text: str, data_table: pd.DataFrame | None = None,
                caption: str = "") -> str:
    """An ``<img>`` of ``png`` with ``alt_text``, and ``data_table`` in a disclosure under it."""
    data = base64.b64encode(png).decode("ascii")
    alt = alt_text or "A figure; its data is not available as text."
    html = (f'<figure class="ck-figure" style="margin:0.3em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}" '
            f'style="max-width:100%;height:auto">')
    if data_table is not None:
        html += data_table_html(data_table, caption or "The figure's data")
    return html + "</figure>"


class DescribedFigure:
    """Any matplotlib figure shown with a text alternative and its data, like the kit's own.

    For figures a lesson draws itself (with pyplot, say): end the cell with
    ``describe_figure(fig, alt_text, data_table, caption)`` instead of ``fig``.
    """

    def __init__(self, fig: Figure, alt_text: str, data_table: pd.DataFrame | None = None,
                 caption: str = "") -> None:
        self.fig, self.alt_text, self.data_table, self.caption = fig, alt_text, data_table, caption

    def __repr__(self) -> str:
        return f"<Figure with text alternative: {self.alt_text}>"

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        return {"text/html": figure_html(png_bytes(self.fig), self.alt_text, self.data_table, self.caption),
                "text/plain": repr(self)}


def describe_figure(fig: Figure, alt_text: str, data_table: pd.DataFrame | None = None,
                    caption: str = "") -> DescribedFigure:
    """Show ``fig`` with ``alt_text`` as its ``alt`` and ``data_table`` one click away.

    >>> shown = describe_figure(Figure(), "An empty figure.", pd.DataFrame({"n": [0]}), "Nothing")
    >>> html = shown._repr_mimebundle_()["text/html"]
    >>> 'alt="An empty figure."' in html and "<caption" in html
    True
    """
    return DescribedFigure(fig, alt_text, data_table, caption)


def data_table_html(frame: pd.DataFrame, caption: str) -> str:
    """``frame`` as a captioned table (:func:`coursekit.tables.table_html`) in a "Show the numbers" disclosure.

    >>> html = data_table_html(pd.DataFrame({"side": ["A<b>"], "claims": [2]}), "Claims")
    >>> "A&lt;b&gt;" in html and '<th scope="col"' in html and "<caption" in html
    True
    """
    return (
        '<details class="ck-figure-data" style="margin:0.2em 0 0.6em 0">'
        '<summary style="cursor:pointer">Show the numbers in this figure as a table</summary>'
        f"{table_html(frame, caption, index=False)}</details>"
    )


def text_colour(background: ColorType) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in to_rgb(background))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if luminance > 0.179 else "#FFFFFF"
