"""Writing files so that nothing the kit writes is ever left half-written.

One writer for the whole package: the notebook build, the release, the
grader, the authoring commands and the handouts all go through it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: str | Path, data: str | bytes, *, skip_unchanged: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Text is written as UTF-8 with the line endings it has (no translation).
    The file keeps the permissions of the file it replaces; a new file gets
    the usual ones for the user's umask (not mkstemp's private 0600).  With
    ``skip_unchanged``, a file that already holds exactly these bytes is left
    alone.  If anything fails, the old file is untouched and no temporary file
    is left behind.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_atomic(target, "one\\n"); target.read_text()
    'one\\n'
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        old = path.stat()
        if skip_unchanged and old.st_size == len(payload) and path.read_bytes() == payload:
            return
        mode = old.st_mode & 0o7777
    except FileNotFoundError:
        mode = _default_mode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
