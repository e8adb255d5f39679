"""Keyboard use inside JupyterLab: every kit widget is a :class:`KitBox`.

A ``KitBox`` is an ``ipywidgets.VBox`` with the class ``ck-widget`` (and
``ck-<kind>``) and a hidden last child, :class:`KeyboardScope`: a tiny
anywidget whose front end (``keyboard_scope.js``) gives each key pressed
inside the box Lumino's ``data-lm-suppress-shortcuts`` attribute, so the
arrow keys, letters, Space and Enter reach the widget's controls instead of
firing JupyterLab's notebook command-mode shortcuts (ArrowDown: next cell,
"m": make the cell Markdown).  It also makes each RadioButtons inside the box
one named radio group.  Keys with Ctrl, Alt or Cmd still reach JupyterLab.
When a button in the box is clicked, it reports which radio option the page
showed checked at that moment (:meth:`KeyboardScope.on_button_click`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
        self._click_handlers: list[Callable[[int], None]] = []
        self.on_msg(self._on_front_end_message)

    def on_button_click(self, handler: Callable[[int], None]) -> None:
        """Call ``handler(index)`` when a button in the box is clicked in the browser.

        ``index`` is the position of the radio option the page showed checked
        (-1 for none), read at the moment of the click.
        """
        self._click_handlers.append(handler)

    def _on_front_end_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "button-click":
            index = content.get("checked")
            for handler in self._click_handlers:
                handler(index if isinstance(index, int) else -1)


class KitBox(widgets.VBox):
    """A VBox for a kit widget: class ``ck-widget``, keyboard kept inside it in JupyterLab.

    ``kind`` adds a second class, ``ck-<kind>``, naming the widget for styles and tests.

    >>> box = KitBox([widgets.Label("x")], kind="demo")
    >>> box._dom_classes, isinstance(box.children[-1], KeyboardScope)
    (('ck-widget', 'ck-demo'), True)
    """

    def __init__(self, children: Sequence[widgets.Widget], *, kind: str, **kwargs: Any) -> None:
        self.scope = KeyboardScope()
        super().__init__(children=[*children, self.scope], **kwargs)
        self.add_class("ck-widget")
        self.add_class(f"ck-{kind}")
