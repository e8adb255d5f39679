"""The kit's one palette: Okabe & Ito's eight colours, and the orders the kit uses them in.

Okabe & Ito (2008), "Color Universal Design": distinguishable with any colour
vision.  Figures, widgets, feedback and new case templates take their
colours from here; the words next to a colour always carry the meaning too.
"""

from __future__ import annotations

__all__ = ["GREY", "NEW_CASE_SIDES", "OKABE_ITO", "PROMPT", "RIGHT", "SET_COLOURS", "WRONG"]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#999999"

# Feedback on an answer: borders at least 3:1 against JupyterLab's light and dark
# backgrounds (WCAG 1.4.11; tests/test_widgets.py); the words carry the meaning too.
RIGHT = OKABE_ITO["bluish_green"]
WRONG = OKABE_ITO["vermillion"]
PROMPT = "#767676"  # a darker grey than GREY, which reaches only 2.8:1 on white

# Exercise sets in the grader's item-analysis figure, in order.
SET_COLOURS = tuple(OKABE_ITO[c] for c in ("blue", "orange", "bluish_green", "reddish_purple",
                                           "sky_blue", "vermillion"))
# Sides of a new case folder, in order (two sides contrast most as blue and vermillion).
NEW_CASE_SIDES = tuple(OKABE_ITO[c] for c in ("blue", "vermillion", "bluish_green", "reddish_purple",
                                              "orange", "sky_blue", "yellow"))
