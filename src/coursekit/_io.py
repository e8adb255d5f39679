"""Writing files so that nothing the kit writes is ever left half-written.

One writer for the whole package: the notebook build, the release, the
grader, the authoring commands and the handouts all go through it.

And one rule for every command that writes a folder (:func:`claim_output`):
it never writes into, over or above its own inputs, a repository's root, or
a folder holding anything coursekit did not write.  A folder coursekit made
carries the marker file :data:`MARKER`; ``--force`` replaces only such a
folder.  :func:`folder_transaction` writes a whole set of outputs into a new
folder beside the target and swaps it in with renames, under a lock.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["MARKER", "OutputError", "claim_output", "folder_transaction", "keep_or_write", "mark_output",
           "output_lock", "recover", "write_atomic"]

MARKER = ".coursekit-output"  # in every folder a coursekit command made; --force replaces only these


class OutputError(Exception):
    """A folder a command would write is not safe to write: the message names it and says what to do."""


def _default_mode() -> int:
    return 0o666 & ~_umask()


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
    # A short prefix: the temporary name must fit where the final name (up to 255 bytes) fits.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- the one rule for output folders ------------------------------------------------------

def _repo_root(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _relation(out: Path, other: Path) -> str:
    if out == other:
        return "is"
    if other in out.parents:
        return "is inside"
    if out in other.parents:
        return "holds"
    return ""


def _foreign(folder: Path, own_names: Iterable[str]) -> list[str]:
    """What ``folder`` holds that coursekit did not write (nothing when it carries the marker)."""
    if (folder / MARKER).is_file():
        return []
    own = set(own_names)
    entries = sorted(p.name for p in folder.iterdir())
    if own and set(entries) <= own:  # the outputs of a version that wrote no marker yet
        return []
    return entries


def claim_output(out: str | Path, *, command: str, inputs: Iterable[str | Path] = (),
                 force: bool | None = None, own_names: Iterable[str] = ()) -> Path:
    """Check that ``command`` may write the folder ``out``; raise :class:`OutputError` if not.

    Refused: ``out`` is, is inside or holds one of ``inputs``; ``out`` is or
    holds a repository's root (a folder with ``.git``); ``out`` exists and
    holds anything coursekit did not write (no :data:`MARKER`; ``own_names``
    are the names an earlier version wrote without one).  With ``force`` not
    None the command replaces the whole folder, so an existing folder also
    needs ``force=True``.  Returns ``out``, resolved; nothing is written.
    """
    given = Path(out)
    out = given.resolve()
    what = f"coursekit {command}: will not write {given}"
    instead = f"choose a new folder, e.g. {out.parent / (out.name + '-' + command)}"
    resolved = [Path(s).resolve() for s in inputs]
    for start in (Path.cwd(), *resolved):
        root = _repo_root(start)
        if root is not None and (out == root or out in root.parents):
            raise OutputError(f"{what}: it {'is' if out == root else 'holds'} the repository {root}; {instead}")
    for src in resolved:
        how = _relation(out, src)
        if how:
            raise OutputError(f"{what}: it {how} the input {src} (what this command reads); {instead}")
    if (out / ".git").exists():
        raise OutputError(f"{what}: it is a git repository; {instead}")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{what}: it is a file, not a folder; {instead}")
    if out.is_dir():
        foreign = _foreign(out, own_names)
        if foreign:
            shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
            raise OutputError(f"{what}: it holds files coursekit did not write ({shown}); choose a new or "
                              f"empty folder (coursekit replaces only folders it made, marked by {MARKER})")
        if force is False and any(out.iterdir()):
            raise OutputError(f"coursekit {command}: {given} exists; choose another folder or pass --force "
                              "to replace it (it was written by an earlier run)")
    return out


def mark_output(folder: Path, command: str) -> None:
    """Put the marker in a folder a command made, so a later run may write or replace it."""
    marker = folder / MARKER
    if not marker.exists():
        write_atomic(marker, f"written by coursekit {command}; a later run may replace this folder\n")


# --- a whole folder as one transaction ----------------------------------------------------

def _aside(out: Path, what: str) -> Path:
    return out.parent / f".{out.name[:180]}.coursekit-{what}"


@contextlib.contextmanager
def output_lock(out: Path, command: str) -> Iterator[Path]:
    """Hold ``.<out>.lock`` beside ``out``; a second run on the same ``out`` is refused, not queued."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock = _aside(out, "lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise OutputError(f"coursekit {command}: another run (process {holder}) is writing {out} "
                              f"right now (lock file {lock}); this run stopped without writing: wait "
                              "for that one to finish, then run again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield lock
    finally:
        os.close(fd)  # closing releases the lock; the file stays, empty of meaning


def recover(out: Path) -> None:
    """Undo what an interrupted transaction left (call under the lock); see :func:`folder_transaction`."""
    new, old = _aside(out, "new"), _aside(out, "old")
    if new.exists():
        shutil.rmtree(new)  # an unfinished set of outputs: never shown
    if old.exists():
        if out.exists():
            shutil.rmtree(old)  # the swap finished; only the clean-up did not
        else:
            os.rename(old, out)  # stopped between the two renames: the previous results come back
    for stale in out.parent.glob(f".{out.name[:40]}.*.tmp"):
        stale.unlink(missing_ok=True)  # a write_atomic temporary of a killed run


@contextlib.contextmanager
def folder_transaction(out: str | Path, *, command: str, inputs: Iterable[str | Path] = (),
                       own_names: Iterable[str] = ()) -> Iterator[Path]:
    """Yield an empty folder to write a whole set of outputs into; on success it becomes ``out``.

    Under :func:`output_lock`: check ``out`` with :func:`claim_output`,
    :func:`recover` what a killed run left, then let the caller write into
    ``.<out>.coursekit-new`` beside ``out``.  When the block ends without an
    error: rename ``out`` to ``.<out>.coursekit-old``, rename the new folder
    to ``out``, remove the old one.  A crash before the first rename leaves
    ``out`` as it was (the next run deletes the unfinished new folder); between
    the renames, ``out`` is missing and the next run renames the old folder
    back; after the second, ``out`` is whole and new and the next run deletes
    the old one.  An error in the block (a full disk) removes the new folder
    and leaves ``out`` untouched.
    """
    out = Path(out)
    inputs = list(inputs)
    with output_lock(out.resolve(), command):
        target = claim_output(out, command=command, inputs=inputs, own_names=own_names)
        recover(target)
        new, old = _aside(target, "new"), _aside(target, "old")
        new.mkdir()
        try:
            yield new
            mark_output(new, command)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        if target.exists():
            os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def keep_or_write(previous: Path, path: Path, data: bytes) -> None:
    """Write ``data`` at ``path``; when ``previous`` holds exactly these bytes, link it instead.

    A file whose content did not change keeps its modification time across runs.
    """
    try:
        if previous.stat().st_size == len(data) and previous.read_bytes() == data:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.link(previous, path)
            return
    except OSError:
        pass
    write_atomic(path, data)
