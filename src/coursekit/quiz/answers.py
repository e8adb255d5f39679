"""Reading answers without executing them: from a notebook (the grader) and from IPython's history (a check).

The grader reads the cell tagged ``answer:<qid>`` with :func:`parse_answer`.
A check run in the notebook reads the same thing: :func:`answer_source`
finds, in IPython's input history, the latest cell that assigned ``qid``,
and the check passes its source through :func:`parse_answer` too, so a
student is never told "Correct." for an answer the grader cannot read.
"""

from __future__ import annotations

import ast
import sys
from typing import TYPE_CHECKING, Any

from ..cells import cell_source, read_notebook, tagged
from .feedback import TAG_ANSWER, Answer

if TYPE_CHECKING:
    from .exercises import ExerciseSet

__all__ = ["answer_source", "assigns", "parse_answer", "read_answers", "unreadable_message"]

NOT_A_PLAIN_VALUE = ("the answer must be a plain value (text in quotes, a number, a list, a dict or None), "
                     "not code")


def parse_answer(qid: str, source: str) -> Answer:
    """``<qid> = <literal>`` and nothing else (comments aside), read without executing."""
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return Answer(qid, None, "invalid", f"the answer cell is not valid Python: {exc.msg} (line {exc.lineno})")
    except (MemoryError, RecursionError):
        # e.g. 200,000 nested brackets or unary minus signs: too deep to parse.
        return Answer(qid, None, "invalid", "the answer cell is nested too deeply to read; expected a plain value")
    stmts = tree.body
    if len(stmts) != 1 or not isinstance(stmts[0], ast.Assign):
        return Answer(qid, None, "invalid", f"the answer cell must hold one line: {qid} = <your answer>")
    node = stmts[0]
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or node.targets[0].id != qid:
        return Answer(qid, None, "invalid", f"the answer cell must assign to {qid}")
    try:
        value = ast.literal_eval(node.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Answer(qid, None, "invalid", NOT_A_PLAIN_VALUE)
    if _huge_number(value):
        return Answer(qid, None, "invalid", "the answer holds a number with more than 4,000 digits; "
                                            "write the number the question asks for")
    return Answer(qid, value, "ok")


def _huge_number(value: Any, depth: int = 0) -> bool:
    """An int too long to show as decimal digits (``0x`` and 5,000 digits), anywhere in the value."""
    if isinstance(value, int):
        return value.bit_length() > 13_300  # about 4,000 decimal digits
    if isinstance(value, complex | float | str | bytes) or value is None or depth > 50:
        return False
    items = value.items() if isinstance(value, dict) else value
    return any(_huge_number(v, depth + 1) for item in items
               for v in (item if isinstance(value, dict) else (item,)))


def unreadable_message(reason: str) -> str:
    """What a check says when the grader could not read the answer cell (in the grader's words)."""
    return (f"This answer could not be read: {reason}. It would score 0 when graded; "
            "write your answer as a plain value, then run that cell and this one again.")


def read_answers(nb_or_path: Any, exercise_set: ExerciseSet) -> dict[str, Answer]:
    """Read every question's answer from a notebook by its ``answer:<qid>`` tag.

    Values are read with :func:`ast.literal_eval` only; nothing is executed.
    Every question of the set gets an entry, in question order; problems are
    reported in the entry's ``status`` and ``message``, never raised.
    """
    nb = read_notebook(nb_or_path)
    cells = list(nb["cells"])
    found_by_qid = tagged(cells, TAG_ANSWER)
    answers: dict[str, Answer] = {}
    for q in exercise_set.questions:
        found = [cells[i] for i in found_by_qid.get(q.qid, []) if cells[i].get("cell_type") == "code"]
        if not found:
            answers[q.qid] = Answer(q.qid, None, "missing", f"no code cell tagged 'answer:{q.qid}'")
        elif len(found) > 1:
            answers[q.qid] = Answer(q.qid, None, "duplicate",
                                    f"{len(found)} cells are tagged 'answer:{q.qid}'; expected one")
        else:
            answers[q.qid] = parse_answer(q.qid, cell_source(found[0]))
    return answers


def assigns(source: str, name: str) -> bool:
    """Whether running ``source`` binds ``name`` anywhere (an assignment, a loop variable, …)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False  # a cell that does not parse assigned nothing
    return any(isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
               for node in ast.walk(tree))


def answer_source(qid: str, shell: Any = None) -> str | None:
    """The source of the latest input that assigned ``qid`` (IPython's input history), or None.

    None outside IPython, or when no input assigned it (say, the value came
    from elsewhere): then only the value is checked.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")  # never imported here: outside IPython there is no history
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return None
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    if not history:
        history = getattr(shell, "user_ns", {}).get("In") or []
    for source in reversed(history):
        if isinstance(source, str) and qid in source and assigns(source, qid):
            return source
    return None
