"""Helpers for writing a new case: a folder template, finding phrases, filling offsets.

Offsets in ``claims.csv`` are Python ``str`` indices into the decoded
article (end exclusive).  Nobody should count them by hand, and an author
typing a phrase will type straight quotes and plain spaces where the
article has curly quotes and non-breaking spaces.  :func:`locate` finds a
phrase with that tolerance and reports the article's exact text;
:func:`fill_offsets` writes the offsets (and, where the author's quote was
only nearly right, the exact quote) into ``claims.csv``.

See :mod:`.locate` for examples.

The folder template and the authoring loop are described in
``docs/authoring-a-case.md``.  Modules: :mod:`.locate` (finding phrases),
:mod:`.fill` (filling offsets) and :mod:`.newcase` (a new case folder, from
the templates in ``templates/``).
"""

from .fill import FillReport, OffsetChange, fill_offsets
from .locate import Match, describe_difference, locate
from .newcase import new_case

__all__ = [
    "FillReport",
    "Match",
    "OffsetChange",
    "describe_difference",
    "fill_offsets",
    "locate",
    "new_case",
]
