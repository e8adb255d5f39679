"""coursekit: a Jupyter teaching kit on arms-control diplomacy.

Load a case, the article and every side's positions as pandas tables:

>>> import coursekit
>>> case = coursekit.load_case("nato-russia-2013")
>>> sorted(set(case.claims["side"])) == sorted(case.sides)
True

Importing coursekit imports neither pandas, matplotlib nor ipywidgets: the
case tables (``coursekit.cases``), the modules that draw (``coursekit.plots``)
and interact (``coursekit.widgets``) are imported when first used, so a
student copy's ``from coursekit.quiz import SelfCheck`` stays quick.
"""

from typing import Any

from .validation import ACTOR_KINDS, MODES, STANCES, CaseError, Problem

__version__ = "0.1.0"  # the one place: pyproject.toml reads it from here

# Names served lazily from modules with heavy imports (pandas, ipywidgets, matplotlib):
# ``coursekit.ClaimExplorer`` works, but only imports ipywidgets when used.
_LAZY = {
    "Annotator": "annotator",
    "append_claim": "claim_authoring",
    "Case": "cases",
    "ClaimExplorer": "widgets",
    "SelfCheck": "widgets",
    "available_cases": "cases",
    "load_case": "cases",
    "split_paragraphs": "cases",
    "StanceComparer": "widgets",
    "claims_heatmap": "plots",
    "fill_offsets": "authoring",
    "grade_class": "grading",
    "load_exercise_set": "quiz",
    "locate": "authoring",
    "new_case": "authoring",
    "read_answers": "quiz",
    "readable_tables": "tables",
    "stance_by_side": "plots",
    "timeline_figure": "plots",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coursekit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ACTOR_KINDS",
    "Annotator",
    "Case",
    "CaseError",
    "ClaimExplorer",
    "MODES",
    "Problem",
    "STANCES",
    "SelfCheck",
    "StanceComparer",
    "__version__",
    "append_claim",
    "available_cases",
    "claims_heatmap",
    "fill_offsets",
    "grade_class",
    "load_case",
    "load_exercise_set",
    "locate",
    "new_case",
    "read_answers",
    "readable_tables",
    "split_paragraphs",
    "stance_by_side",
    "timeline_figure",
]
