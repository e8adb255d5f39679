"""A lesson's self-check question (multiple choice, instant feedback); not the exercises' quiz check."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets

from .._html import (
    esc,
)
from ..palette import PROMPT, RIGHT, WRONG
from .keyboard import KitBox

__all__ = ["SelfCheck", "render_feedback"]

# --- self-check questions ---------------------------------------------------

_FEEDBACK = "border-left:6px solid {colour};padding:0.3em 0.7em;margin:0.3em 0;line-height:1.4"
_RIGHT_COLOUR = RIGHT   # the words carry the meaning too
_WRONG_COLOUR = WRONG
_PROMPT_COLOUR = PROMPT


def render_feedback(choice: str | None, answer: str, explanation: str,
                    paragraph: int | None = None, hint: str | None = None,
                    checked: bool = True) -> str:
    """Feedback on one answer to a self-check question, as HTML.

    ``choice`` is None before the student answers; ``checked`` is False when
    they have chosen but not yet pressed Check.

    >>> render_feedback("Russia", "Russia", "Lavrov says so.", 7)
    '<div class="ck-feedback ck-correct" style="border-left:6px solid #009E73;padding:0.3em 0.7em;margin:0.3em 0;line-height:1.4"><strong>Correct</strong> — Lavrov says so. (¶7)</div>'
    """
    if choice is None or not checked:
        text = ("Choose an answer, then press Check." if choice is None
                else "Press Check to see whether your answer is right.")
        return (f'<div class="ck-feedback ck-prompt" style="{_FEEDBACK.format(colour=_PROMPT_COLOUR)}">'
                f"{esc(text)}</div>")
    if choice == answer:
        where = f" (¶{int(paragraph)})" if paragraph is not None else ""
        return (f'<div class="ck-feedback ck-correct" style="{_FEEDBACK.format(colour=_RIGHT_COLOUR)}">'
                f"<strong>Correct</strong> — {esc(explanation)}{where}</div>")
    if hint is None:
        hint = (f"reread paragraph {int(paragraph)} of the article." if paragraph is not None
                else "reread the question and the article.")
    return (f'<div class="ck-feedback ck-wrong" style="{_FEEDBACK.format(colour=_WRONG_COLOUR)}">'
            f"<strong>Not quite</strong> — try again. Hint: {esc(hint)}</div>")


class SelfCheck(KitBox):
    """A formative multiple-choice question with instant feedback.

    ``answer`` is one of ``options`` (or its index).  Controls: ``choices``
    (RadioButtons), ``check`` (Button) and ``feedback`` (HTML).  With
    ``instant=True`` choosing an option checks it at once.

    >>> q = SelfCheck("Who calls the exercises pointless?", ["Rasmussen", "Lavrov"], "Lavrov",
    ...               "Lavrov told Russian journalists so.", paragraph=8)
    >>> q.choices.value = "Rasmussen"
    >>> q.check.click()
    >>> "Not quite" in q.feedback.value
    True
    """

    def __init__(self, question: str, options: Sequence[str], answer: str | int, explanation: str,
                 paragraph: int | None = None, *, hint: str | None = None,
                 instant: bool = False) -> None:
        options = [str(o) for o in options]
        if answer in options:
            self.answer = str(answer)
        elif isinstance(answer, int) and 0 <= answer < len(options):
            self.answer = options[answer]
        else:
            raise ValueError(f"answer {answer!r} is not one of the options {options!r}")
        self.explanation = explanation
        self.paragraph = paragraph
        self.hint = hint
        self.instant = instant
        self.question = widgets.HTML(f'<p class="ck-question" style="margin:0.3em 0">'
                                     f"<strong>{esc(question)}</strong></p>")
        self.choices = widgets.RadioButtons(options=options, value=None, description="Answer",
                                            layout=widgets.Layout(width="max-content"))
        self.check = widgets.Button(description="Check", tooltip="Check your answer")
        self.feedback = widgets.HTML(self._render(None, checked=False))
        super().__init__([self.question, self.choices, self.check, self.feedback], kind="selfcheck")
        self._checked: str | None = None  # the choice the feedback shows a verdict on
        self._clicks_checked = 0  # clicks already checked with the choice the page showed
        self.choices.observe(self._on_choice, names="value")
        self.check.on_click(self._on_check)
        self.scope.on_button_click(self._on_page_click)

    def __repr__(self) -> str:
        return f"<SelfCheck: {len(self.choices.options)} options, chosen={self.choices.value!r}>"

    def _render(self, choice: str | None, checked: bool) -> str:
        return render_feedback(choice, self.answer, self.explanation, self.paragraph, self.hint,
                               checked=checked)

    def _show_verdict(self, choice: str | None) -> None:
        self._checked = choice
        self.feedback.value = self._render(choice, checked=True)

    def _on_choice(self, change: dict[str, Any]) -> None:
        if change["new"] is not None and change["new"] == self._checked:
            # The choice the page showed when Check was pressed, arriving after the click.
            self._show_verdict(change["new"])
            return
        self._checked = None
        self.feedback.value = self._render(change["new"], checked=self.instant)

    def _on_page_click(self, index: int) -> None:
        """Check was pressed in the browser, with option ``index`` checked on the page."""
        options = list(self.choices.options)
        self._clicks_checked += 1
        self._show_verdict(options[index] if 0 <= index < len(options) else None)

    def _on_check(self, _button: widgets.Button) -> None:
        if self._clicks_checked:  # this click was already checked with what the page showed
            self._clicks_checked -= 1
            return
        self._show_verdict(self.choices.value)

    @property
    def correct(self) -> bool:
        """Whether the chosen option is the answer."""
        return self.choices.value == self.answer

