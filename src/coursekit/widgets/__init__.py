"""Widgets to explore a case: browse claims, compare sides, check understanding.

Every widget is an ``ipywidgets.VBox``: end a notebook cell with one and it
renders.  The HTML they show comes from plain functions in this package
(``render_claim``, ``render_comparison``, ``render_agreement``,
``render_feedback``) which a notebook can also show statically with
``IPython.display.HTML`` for output that nbval can compare.

Widgets only change the ``.value`` of their children in observers (no
``interact``, ``Output`` or ``clear_output``), so their logic runs headless:

>>> from coursekit import load_case
>>> case = load_case("nato-russia-2013")
>>> explorer = ClaimExplorer(case)
>>> explorer.side.value = "Russia"
>>> explorer.count.value
'<span class="ck-count">16 of 30 claims</span>'
>>> agreement_line(case, "cooperation")
'NATO supports, NATO-Russia Council supports: the sides that take a position agree — both support “NATO-Russia practical cooperation is producing real results”. Russia and Analyst make no claim on it.'

Every piece of case text is escaped before it reaches HTML; side colours are
used only when they are plain ``#RRGGBB`` values.

Keyboard: every widget is a :class:`~coursekit.widgets.keyboard.KitBox`, so
inside JupyterLab its controls get the arrow keys, letters, Space and Enter
instead of the notebook's command-mode shortcuts (see ``keyboard.py``).
"""

from .check import SelfCheck, render_feedback
from .claims import ClaimExplorer, claim_label, filter_claims, render_claim
from .common import ALL
from .compare import (
    StanceComparer,
    agreement_line,
    render_agreement,
    render_comparison,
    side_stances,
)
from .keyboard import KeyboardScope, KitBox

__all__ = [
    "ALL",
    "ClaimExplorer",
    "KeyboardScope",
    "KitBox",
    "SelfCheck",
    "StanceComparer",
    "agreement_line",
    "claim_label",
    "filter_claims",
    "render_agreement",
    "render_claim",
    "render_comparison",
    "render_feedback",
    "side_stances",
]
