"""coursekit: a Jupyter teaching kit on arms-control diplomacy.

Load a case, the article and every side's positions as pandas tables:

>>> import coursekit
>>> case = coursekit.load_case("nato-russia-2013")
>>> sorted(set(case.claims["side"])) == sorted(case.sides)
True

Importing coursekit does not import matplotlib or ipywidgets; the modules
that draw (``coursekit.plots``) and interact (``coursekit.widgets``) import
them when they are used.
"""

from .cases import Case, available_cases, load_case, split_paragraphs
from .validation import ACTOR_KINDS, MODES, STANCES, CaseError, Problem

__version__ = "0.1.0"

__all__ = [
    "ACTOR_KINDS",
    "MODES",
    "STANCES",
    "Case",
    "CaseError",
    "Problem",
    "__version__",
    "available_cases",
    "load_case",
    "split_paragraphs",
]
