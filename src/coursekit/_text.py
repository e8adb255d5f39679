"""Text from users, shown and never interpreted: control characters made visible.

A file name, a student's answer or a case's text can hold terminal escapes
(``\\x1b[2J`` clears the screen, OSC 52 writes the clipboard), line and
paragraph separators, bidirectional overrides or lone surrogates (which
cannot even be encoded as UTF-8).  :func:`visible` turns each of them into
its Python escape, so what reaches a terminal, a CSV or a page is exactly
the text, shown and never acted on.

>>> visible("ren\\udce9 \\x1b[2J\\u202e")
'ren\\\\udce9 \\\\x1b[2J\\\\u202e'
>>> visible("two\\nlines\\tand a tab", keep="\\n\\t")
'two\\nlines\\tand a tab'
>>> file_name_text(b"ren\\xe9")
'ren\\\\xe9'
"""

from __future__ import annotations

import os
import re

__all__ = ["file_name_text", "visible"]

# Bidirectional embeddings, overrides and isolates: they reorder what follows them.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff" + _BIDI + "]")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, keep: str = "") -> str:
    """``text`` with every control character (but those in ``keep``) shown as its escape."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape(m.group()), text)


def file_name_text(name: str | bytes) -> str:
    """A file name as text that can always be written: bytes that are not UTF-8 shown as ``\\xNN``."""
    raw = os.fsencode(name)
    return visible(raw.decode("utf-8", "backslashreplace"))
