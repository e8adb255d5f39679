"""Keyboard use inside JupyterLab: every kit widget is a :class:`KitBox`.

A ``KitBox`` is an ``ipywidgets.VBox`` with the class ``ck-widget`` (and
``ck-<kind>``) and a hidden last child, :class:`KeyboardScope`: a tiny
anywidget whose front end (``keyboard_scope.js``) gives each key pressed
inside the box Lumino's ``data-lm-suppress-shortcuts`` attribute, so the
arrow keys, letters, Space and Enter reach the widget's controls instead of
firing JupyterLab's notebook command-mode shortcuts (ArrowDown: next cell,
"m": make the cell Markdown).  It also makes each RadioButtons inside the box
one named radio group.  Keys with Ctrl, Alt or Cmd still reach JupyterLab.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

__all__ = ["KeyboardScope", "KitBox"]


@cache
def _keyboard_scope_js() -> str:
    return files(__package__).joinpath("keyboard_scope.js").read_text(encoding="utf-8")


class KeyboardScope(anywidget.AnyWidget):
    """Hidden helper: keeps JupyterLab's single-key shortcuts out of the enclosing ``ck-widget`` box.

    It renders nothing and holds no state (see ``keyboard_scope.js``).
    """

    _esm = traitlets.Unicode().tag(sync=True)

    def __init__(self) -> None:
        super().__init__(_esm=_keyboard_scope_js(), layout=widgets.Layout(display="none"))


class KitBox(widgets.VBox):
    """A VBox for a kit widget: class ``ck-widget``, keyboard kept inside it in JupyterLab.

    ``kind`` adds a second class, ``ck-<kind>``, naming the widget for styles and tests.

    >>> box = KitBox([widgets.Label("x")], kind="demo")
    >>> box._dom_classes, isinstance(box.children[-1], KeyboardScope)
    (('ck-widget', 'ck-demo'), True)
    """

    def __init__(self, children: Sequence[widgets.Widget], *, kind: str, **kwargs: Any) -> None:
        super().__init__(children=[*children, KeyboardScope()], **kwargs)
        self.add_class("ck-widget")
        self.add_class(f"ck-{kind}")
