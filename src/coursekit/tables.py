"""Tables that read well and work by keyboard: text left-aligned, wide tables scrollable.

JupyterLab right-aligns every cell of a pandas table, which makes quotes,
definitions and summaries hard to read, and a table wider than the page
scrolls in an area a keyboard cannot reach (axe-core
``scrollable-region-focusable``).  :func:`table_html` writes a DataFrame as
HTML with text columns left-aligned and numbers right-aligned, inside a
region that takes keyboard focus (so the arrow keys scroll it) and is named
for screen readers.  :func:`readable_tables` makes it the HTML form of every
DataFrame a notebook shows; the lessons call it in their setup cell.

Styles are inline (they survive JupyterLab's sanitiser and static handouts);
every value and label is escaped.

>>> import pandas as pd
>>> html = table_html(pd.DataFrame({"term": ["NRC"], "count": [2]}), caption="Terms")
>>> 'text-align:left' in html and 'text-align:right' in html and 'tabindex="0"' in html
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._html import esc, shorten

__all__ = ["readable_tables", "table_html"]

# Only alignment: JupyterLab's own table styles (padding, rules, stripes) still apply.
_CELL = "text-align:{align};vertical-align:top"
_HEAD = _CELL


def _align(values: pd.Series | pd.Index) -> str:
    return "right" if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values) else "left"


def _label(value: Any) -> str:
    if isinstance(value, tuple):
        return " / ".join(str(v) for v in value if str(v))
    return "" if value is None else str(value)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def table_html(frame: pd.DataFrame, caption: str | None = None, *, index: bool | None = None,
               label: str | None = None) -> str:
    """``frame`` as an accessible HTML table (see the module docstring).

    ``index`` shows the row labels as row headers; by default they are shown
    unless they are the plain 0, 1, 2 … of a fresh DataFrame.  ``label``
    names the scrollable region (default: the caption, else the column names).
    """
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None
    levels = frame.index.nlevels if index else 0
    index_names = [_label(n) for n in frame.index.names] if index else []
    corner = [f'<th scope="col" style="{_HEAD.format(align="left")}">{esc(n)}</th>' for n in index_names]
    if index and not any(index_names) and frame.columns.name:
        corner[-1] = f'<th scope="col" style="{_HEAD.format(align="left")}">{esc(frame.columns.name)}</th>'
    head = corner + [f'<th scope="col" style="{_HEAD.format(align=_align(frame[c]) if frame.columns.is_unique else "left")}">'
                     f"{esc(_label(c))}</th>" for c in frame.columns]
    aligns = [_align(frame.iloc[:, i]) for i in range(frame.shape[1])]
    rows = []
    for key, values in zip(frame.index, frame.itertuples(index=False, name=None), strict=True):
        keys = key if isinstance(key, tuple) else (key,)
        cells = [f'<th scope="row" style="{_HEAD.format(align="left")}">{esc(_text(k))}</th>'
                 for k in keys[:levels]] if index else []
        cells += [f'<td style="{_CELL.format(align=a)}">{esc(_text(v))}</td>'
                  for a, v in zip(aligns, values, strict=True)]
        rows.append("<tr>" + "".join(cells) + "</tr>")
    name = label or caption or shorten(
        f"Table of {len(frame)} rows: " + ", ".join(_label(c) for c in frame.columns), 100)
    caption_html = (f'<caption style="text-align:left;font-weight:600;padding:0.2em 0">{esc(caption)}</caption>'
                    if caption else "")
    return (
        f'<div class="ck-table" role="region" tabindex="0" aria-label="{esc(name)}" '
        'style="overflow-x:auto;max-width:100%">'
        f'<table style="border-collapse:collapse;margin:0.3em 0;line-height:1.4">{caption_html}'
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def readable_tables() -> None:
    """Show every DataFrame in this notebook (IPython session) with :func:`table_html`.

    Call it once, in a notebook's setup cell; outside IPython it does nothing.
    The plain-text form of a DataFrame (``text/plain``) stays pandas' own.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with every Jupyter kernel
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)
