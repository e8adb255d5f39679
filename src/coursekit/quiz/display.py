"""Feedback as a student sees it: an accessible HTML block with a plain-text fallback, and answer-cell help.

In a kernel a check shows one output with two forms: ``text/html`` (the
status as a word and an icon, not colour alone; text that wraps at word
boundaries, in the notebook's own font) and ``text/plain`` (the message
itself, for nbval, handouts and consoles).  Outside a kernel it prints the
message.

:func:`install_answer_help` teaches the kernel one friendly answer to a
common slip: ``q7 = hearsay`` (no quotes) raises ``NameError``; the
student sees ``Put text answers in quotes: q7 = "hearsay"`` instead
of a traceback.
"""

from __future__ import annotations

import ast
import html
import sys
from typing import Any

from ..palette import PROMPT, RIGHT, WRONG
from .feedback import QID, Feedback, say

__all__ = ["STATUS_LABELS", "feedback_html", "install_answer_help", "name_error_message", "show"]

# status: (icon, word(s) that say it, border colour; the words carry the meaning)
STATUS_LABELS: dict[str, tuple[str, str, str]] = {
    "correct": ("\u2714", "Correct", RIGHT),
    "incorrect": ("\u2716", "Not correct yet", WRONG),
    "unanswered": ("\u25cb", "Not answered yet", PROMPT),
    "manual": ("\u270e", "Written answer", PROMPT),
    "invalid": ("\u26a0", "Cannot be read", WRONG),
}
_BOX = ("border-left:6px solid {colour};padding:0.35em 0.8em;margin:0.3em 0;line-height:1.45;"
        "font-family:var(--jp-content-font-family, inherit);white-space:normal;overflow-wrap:normal;"
        "word-break:normal;max-width:50em")


def _body(feedback: Feedback, word: str) -> str:
    """The message without its leading status words, which the block shows as its label."""
    message = feedback.message.strip()
    for lead in (word, "This answer could not be read"):
        if message.lower().startswith(lead.lower()):
            rest = message[len(lead):]
            if rest[:1] in (".", ":"):
                rest = rest[1:].strip()
                return rest[:1].upper() + rest[1:]  # a sentence of its own after the label
    return message


def feedback_html(feedback: Feedback) -> str:
    """One check's feedback as an HTML block.

    >>> print(feedback_html(Feedback("correct", 1.0, "Correct. Lavrov says so. (¶7)")))
    <div class="coursekit-feedback coursekit-correct" role="status" style="border-left:6px solid #009E73;padding:0.35em 0.8em;margin:0.3em 0;line-height:1.45;font-family:var(--jp-content-font-family, inherit);white-space:normal;overflow-wrap:normal;word-break:normal;max-width:50em"><p style="margin:0"><span aria-hidden="true">✔</span> <strong>Correct.</strong> Lavrov says so. (¶7)</p></div>
    """
    icon, word, colour = STATUS_LABELS.get(feedback.status, ("", feedback.status, PROMPT))
    body = html.escape(_body(feedback, word), quote=False)
    return (f'<div class="coursekit-feedback coursekit-{html.escape(feedback.status)}" role="status" '
            f'style="{_BOX.format(colour=colour)}"><p style="margin:0"><span aria-hidden="true">{icon}</span> '
            f"<strong>{html.escape(word)}.</strong> {body}</p></div>")


def _shell() -> Any:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell if getattr(shell, "kernel", None) is not None else None


def show(feedback: Feedback) -> None:
    """Show the feedback: as HTML with a text fallback in a kernel, else as printed text."""
    if _shell() is None:
        say(feedback.message)
        return
    from IPython.display import display

    display({"text/plain": feedback.message, "text/html": feedback_html(feedback)}, raw=True)


def name_error_message(source: str, missing: str) -> str | None:
    """What to say when a cell raised NameError for ``missing``; None when it is not an answer slip.

    >>> name_error_message("q7 = hearsay", "hearsay")
    'Put text answers in quotes: q7 = "hearsay"'
    >>> name_error_message('quiz.check("q4", q4)', "q4")
    'q4 has no answer yet: run its answer cell (the one that says q4 = ...) first, then this one.'
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and QID.match(node.targets[0].id) and isinstance(node.value, ast.Name)
                and node.value.id == missing):
            return f'Put text answers in quotes: {node.targets[0].id} = "{missing}"'
    if QID.match(missing) and f'"{missing}"' in source:
        return f"{missing} has no answer yet: run its answer cell (the one that says {missing} = ...) first, then this one."
    return None


def _missing_name(value: BaseException) -> str:
    name = getattr(value, "name", None)
    if name:
        return str(name)
    text = str(value)
    return text.split("'")[1] if text.count("'") >= 2 else ""


def install_answer_help(shell: Any = None) -> bool:
    """Show a friendly sentence, not a traceback, for a NameError in an answer or check cell.

    Other NameErrors keep IPython's usual traceback.  Returns whether a
    kernel was there to install it in.
    """
    shell = shell or _shell()
    if shell is None:
        return False

    def handler(self: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> Any:
        raw = list(getattr(self.history_manager, "input_hist_raw", []) or [""])
        message = name_error_message(raw[-1] if raw else "", _missing_name(value))
        # IPython ignores what a custom handler returns when user code raised: show it here.
        if message is None:
            stb = self.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        else:
            stb = [message]  # shown as the error output's text, without a traceback
        self._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((NameError,), handler)
    return True
