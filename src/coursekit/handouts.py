"""Static HTML handouts of the lessons, for reading away from Jupyter.

``make handouts`` runs ``python -m coursekit.handouts build --out handouts``:
each lesson is executed afresh in a kernel, its widgets are replaced by a
static snapshot of what they showed, and it is exported by nbconvert to one
self-contained HTML file; ``index.html`` lists them in reading order.

Decisions:

- **No code** (nbconvert's ``exclude_input``).  A handout is read, not run:
  the prose and the outputs carry the lesson, and code a reader cannot run
  is noise to a student who does not program.  The notebooks stay the place
  to see and run the code; the index says so.
- **Figures embedded**: PNG outputs are already base64 in the notebook, and
  nbconvert writes them as ``data:image/png;base64`` URIs, so one file is the
  whole handout.
- **Widgets as static HTML**: a browser without a kernel cannot run the
  widgets, and nbconvert's own widget rendering loads JavaScript from a CDN.
  Instead each widget output is replaced by the HTML its controls held after
  the run (the kit's ``render_*`` HTML in its HTML children; a dropdown as
  its label and chosen value; a question's options as a list), read from the
  widget state nbclient stores.  The handout works offline.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._io import write_atomic
from .cells import notebook_title
from .notebooks import local_kernel

__all__ = ["build_handouts", "export_handout", "static_widget_html"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
DEFAULT_LESSONS = Path("notebooks")

_BOXES = {"VBoxModel", "HBoxModel", "BoxModel", "GridBoxModel", "AccordionModel", "TabModel"}
_CHOICES = {"DropdownModel", "SelectModel", "RadioButtonsModel", "ToggleButtonsModel",
            "SelectionSliderModel"}
_VALUE_TEXT = {"LabelModel", "TextModel", "TextareaModel", "IntTextModel", "FloatTextModel",
               "IntSliderModel", "FloatSliderModel", "CheckboxModel"}
_HTML = {"HTMLModel", "HTMLMathModel"}


def static_widget_html(model_id: str, state: dict[str, Any]) -> str:
    """The HTML a widget (and its children) showed, from stored widget state.

    >>> state = {"a": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_b", "IPY_MODEL_c"]}},
    ...          "b": {"model_name": "DropdownModel",
    ...                "state": {"description": "Topic", "_options_labels": ["X & Y"], "index": 0}},
    ...          "c": {"model_name": "HTMLModel", "state": {"value": "<p>shown</p>"}}}
    >>> static_widget_html("a", state)
    '<div class="ck-static-widget"><p><strong>Topic:</strong> X &amp; Y</p><p>shown</p></div>'
    """
    entry = state.get(model_id)
    if entry is None:
        return ""
    name, values = entry.get("model_name", ""), entry.get("state", {})
    description = values.get("description") or ""
    if name in _BOXES:
        parts = [static_widget_html(str(child).removeprefix("IPY_MODEL_"), state)
                 for child in values.get("children", [])]
        return '<div class="ck-static-widget">' + "".join(parts) + "</div>"
    if name in _HTML:
        # The kit's render_* functions escape every data string; the value is HTML by design.
        return str(values.get("value", ""))
    if name in _CHOICES:
        labels = [str(label) for label in values.get("_options_labels", [])]
        index = values.get("index")
        label = html.escape(description) + ":" if description else "Options:"
        if name == "DropdownModel" and index is not None and 0 <= index < len(labels):
            return f"<p><strong>{label}</strong> {html.escape(labels[index])}</p>"
        items = "".join(
            f"<li>{'<strong>' if i == index else ''}{html.escape(text)}{'</strong>' if i == index else ''}</li>"
            for i, text in enumerate(labels)
        )
        return f"<p><strong>{label}</strong></p><ul>{items}</ul>"
    if name in _VALUE_TEXT:
        prefix = f"<strong>{html.escape(description)}:</strong> " if description else ""
        return f"<p>{prefix}{html.escape(str(values.get('value', '')))}</p>"
    return ""  # buttons, layouts, styles: nothing to read on paper


def _replace_widget_outputs(nb: Any) -> int:
    """Swap each widget output for its static HTML; return how many were swapped."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    swapped = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            snapshot = static_widget_html(view.get("model_id", ""), state)
            output["data"] = {
                "text/html": snapshot or "<p><em>(an interactive widget: open the notebook to use it)</em></p>",
                "text/plain": output["data"].get("text/plain", ""),
            }
            swapped += 1
    nb.metadata.pop("widgets", None)  # no widget JavaScript in the handout
    return swapped


def _link_handouts(nb: Any, names: set[str]) -> None:
    """Point markdown links between lessons at the handouts instead of the notebooks."""
    pattern = re.compile(r"\]\(([^)\s]+)\.ipynb\)")

    def relink(match: re.Match[str]) -> str:
        return f"]({match.group(1)}.html)" if match.group(1) in names else match.group(0)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = pattern.sub(relink, cell.source)


def title_of(nb: Any, fallback: str) -> str:
    """The lesson's title: its first level-1 heading (see :func:`coursekit.cells.notebook_title`)."""
    return notebook_title(nb.cells, fallback)


def export_handout(notebook: Path, out_dir: Path, *, timeout: int = 300,
                   linked: Sequence[str] = ()) -> tuple[Path, str]:
    """Execute ``notebook``, export it to ``out_dir/<stem>.html``; return (path, title)."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    notebook = Path(notebook)
    nb = nbformat.read(notebook, as_version=4)
    with local_kernel() as km:
        NotebookClient(nb, km=km, timeout=timeout, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(notebook.parent)}}).execute()
    _replace_widget_outputs(nb)
    _link_handouts(nb, set(linked))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(HANDOUT_NOTE))
    title = title_of(nb, notebook.stem)
    nb.metadata["title"] = title
    import jinja2

    exporter = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True,
                            extra_loaders=[jinja2.DictLoader({"handout.html.j2": _OFFLINE_TEMPLATE})],
                            template_file="handout.html.j2")
    body, _resources = exporter.from_notebook_node(nb)
    path = Path(out_dir) / f"{notebook.stem}.html"
    write_atomic(path, body)
    return path, title


# Lessons say "press Check" or "choose a topic": on paper nothing reacts, so say so first.
HANDOUT_NOTE = (
    "> **A printed copy of a lesson.** The code is left out, and the interactive parts "
    "(questions with a *Check* button, menus, explorers) show only how they looked when the "
    "lesson ran: to answer the questions and use the menus, open the notebook itself."
)


# A handout must open offline and fetch nothing: the lab template's scripts from a CDN
# (require.js, MathJax, Mermaid) are not needed, since the lessons have no maths or
# diagrams and their widgets are replaced by static HTML above.
_OFFLINE_TEMPLATE = """\
{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style>
  /* Links in running text are underlined, not told apart by colour alone (WCAG 1.4.1). */
  .jp-RenderedHTMLCommon a, .jp-RenderedHTMLCommon a:link { text-decoration: underline !important; }
</style>
{%- endblock extra_css -%}
"""


def _index_html(entries: list[tuple[Path, str]]) -> str:
    items = "\n".join(
        f'    <li><a href="{html.escape(path.name)}">{html.escape(title)}</a></li>' for path, title in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>coursekit handouts</title>
  <style>body {{ font-family: sans-serif; max-width: 46em; margin: 2em auto; line-height: 1.5; }}</style>
</head>
<body>
  <h1>coursekit: lesson handouts</h1>
  <p>Each lesson as one page, in reading order: the text, tables, figures and what each
  widget showed, without the code. To run the code and use the widgets, open the
  notebooks in <code>notebooks/</code> in Jupyter.</p>
  <ol>
{items}
  </ol>
</body>
</html>
"""


def build_handouts(lessons: Path = DEFAULT_LESSONS, out_dir: Path = Path("handouts"), *,
                   timeout: int = 300) -> list[Path]:
    """Export every numbered lesson in ``lessons`` to ``out_dir`` and write ``index.html``."""
    notebooks = sorted(p for p in Path(lessons).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"no lessons (NN_name.ipynb) in {lessons}")
    names = [p.stem for p in notebooks]
    entries = []
    for notebook in notebooks:
        entries.append(export_handout(notebook, out_dir, timeout=timeout, linked=names))
        print(f"wrote {entries[-1][0]}", flush=True)
    index = Path(out_dir) / "index.html"
    write_atomic(index, _index_html(entries))
    index.chmod(0o644)
    print(f"wrote {index}")
    return [path for path, _ in entries] + [index]


if __name__ == "__main__":  # pragma: no cover - `python -m coursekit.handouts build …` still works
    from .cli import main

    sys.exit(main(["handouts", *sys.argv[2:]] if sys.argv[1:2] == ["build"] else ["handouts", "--help"]))
