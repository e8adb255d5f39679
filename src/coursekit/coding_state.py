"""Where a student's coding is found in a saved notebook, read as data (nothing is executed).

A ``coding`` question's answer reaches the grader by one of two routes, both plain JSON:

1. **the answer cell** — ``q1 = [{"start": ..., "end": ..., "speaker": ...}, ...]``, a
   literal read with ``ast.literal_eval`` like every other answer (for a student
   working without the widget, e.g. in a text editor);
2. **the annotator's saved widget state** — JupyterLab writes the state of every
   widget into the notebook's metadata (``metadata.widgets``) when its *save
   widget state* setting is on (the kit turns it on wherever it starts
   JupyterLab).  The annotator's state carries the question id (``ck_qid``), the
   coding and the time of its last edit (``edited``).

The answer cell wins when it holds a coding; otherwise the most recently edited
saved annotator of the question is taken (re-running a cell leaves the earlier
widget's state in the file too).  When neither holds a coding the result says so
— status ``no_coding`` with a sentence naming the likely cause — and the grader
shows no mark for it, never a 0 that looks like one.

>>> nb = {"metadata": {"widgets": {WIDGET_STATE_MIME: {"state": {"m1": {"state": {
...     "ck_qid": "q1", "ck_set": "04_coding", "edited": 5.0, "coding": [{"start": 1, "end": 4}]}}}}}}}
>>> find_coding(nb, "q1", None, "04_coding").source
'saved widget state'
>>> find_coding({"metadata": {}}, "q1", None, "04_coding").status
'no_coding'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["NO_CODING", "NO_CODING_PROBLEM", "WIDGET_STATE_MIME", "CodingAnswer", "find_coding", "find_coding_in", "saved_annotators"]

WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
NO_CODING = "no_coding"
NO_CODING_PROBLEM = "no saved coding"  # how the gradebook's problems column names it (the export looks for it)

_NO_STATE = (f"{NO_CODING_PROBLEM}: the notebook holds no annotator state for this question and its answer "
             "cell holds None. Was it saved in JupyterLab with the annotator open (File › Save Notebook) "
             "and the widget-state setting on? Ask the student to open it, check the coding is "
             "shown, save and hand it in again")
_EMPTY = (f"{NO_CODING_PROBLEM}: the annotator of this question was saved without any coded span "
          "(the student did not add one, or coded it in a widget that was never saved)")


@dataclass(frozen=True)
class CodingAnswer:
    """``status`` is ``ok`` (``value`` is the coding), ``no_coding`` or ``invalid``."""

    status: str
    value: Any
    source: str = ""
    message: str = ""


def saved_annotators(nb: Any) -> list[dict[str, Any]]:
    """Every saved annotator state in a notebook's metadata (dicts with ck_qid, coding, edited)."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    widgets = meta.get("widgets") if isinstance(meta, dict) else None
    bundle = widgets.get(WIDGET_STATE_MIME) if isinstance(widgets, dict) else None
    models = bundle.get("state") if isinstance(bundle, dict) else None
    found = []
    for model in (models.values() if isinstance(models, dict) else ()):
        state = model.get("state") if isinstance(model, dict) else None
        if isinstance(state, dict) and isinstance(state.get("ck_qid"), str) and "coding" in state:
            found.append(state)
    return found


def find_coding(nb: Any, qid: str, answer_value: Any, set_id: str = "") -> CodingAnswer:
    """The coding for question ``qid``: the answer cell's literal, else the saved widget state."""
    return find_coding_in(saved_annotators(nb), qid, answer_value, set_id)


def find_coding_in(states: list[dict[str, Any]], qid: str, answer_value: Any, set_id: str = "") -> CodingAnswer:
    """:func:`find_coding` over annotator states already read with :func:`saved_annotators`."""
    blank = answer_value is None or answer_value == [] or (
        isinstance(answer_value, str) and not answer_value.strip())
    if not blank:
        return CodingAnswer("ok", answer_value, "answer cell")
    mine = [s for s in states
            if s["ck_qid"] == qid and (not set_id or s.get("ck_set") in ("", None, set_id))]
    if not mine:
        return CodingAnswer(NO_CODING, None, "", _NO_STATE)

    def edited(state: dict[str, Any]) -> float:
        value = state.get("edited")
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0

    latest = max(mine, key=edited)
    coding = latest.get("coding")
    if not isinstance(coding, list):
        return CodingAnswer("invalid", None, "saved widget state",
                            "the saved annotator state holds no list of coded spans")
    if not coding:
        return CodingAnswer(NO_CODING, None, "saved widget state", _EMPTY)
    note = f" (the latest of {len(mine)} saved annotators)" if len(mine) > 1 else ""
    return CodingAnswer("ok", coding, "saved widget state" + note)
