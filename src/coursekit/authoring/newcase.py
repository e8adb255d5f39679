"""A new case folder: every file of the contract, from the templates shipped in ``templates/``."""

from __future__ import annotations

import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from .._io import write_atomic
from ..contract import CASE_FILES, CSV_COLUMNS, ID_PATTERN
from ..palette import NEW_CASE_SIDES

__all__ = ["ARTICLE_PLACEHOLDER", "new_case"]


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


ARTICLE_PLACEHOLDER = (
    "PASTE THE ARTICLE HERE: replace this line with the source text, verbatim "
    "(UTF-8, LF line endings), then never edit it again; every offset in claims.csv "
    "counts characters of this file.\n"
)

def _header(name: str) -> str:
    required, optional = CSV_COLUMNS[name]
    return ",".join((*required, *optional)) + "\n"


def new_case(root: Path | str, case_id: str, article: Path | str | None = None) -> Path:
    """Create ``root/case_id/`` holding every file of the case data contract.

    ``article`` is copied byte for byte into article.txt; without it,
    article.txt holds one line asking for the text.  The CSV files hold
    their header row; case.toml every key, with comments; README.md a
    worked example row for each file and the authoring loop.  The folder
    appears complete or not at all.

    Raises ``ValueError`` for an id that is not ``[a-z0-9_-]+``,
    ``FileExistsError`` if the folder exists and ``FileNotFoundError`` if
    ``article`` does not.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as root:
    ...     folder = new_case(root, "water-talks-2024")
    ...     names = sorted(p.name for p in folder.iterdir())
    >>> names  # doctest: +NORMALIZE_WHITESPACE
    ['README.md', 'actors.csv', 'article.txt', 'case.toml', 'claims.csv', 'glossary.csv',
     'timeline.csv', 'topics.csv']
    """
    if not ID_PATTERN.fullmatch(case_id):
        raise ValueError(f"case id {case_id!r} is not valid; expected lower-case letters, "
                         "digits, '-' or '_' only (e.g. us-china-2024).")
    root = Path(root)
    folder = root / case_id
    if folder.exists() or folder.is_symlink():
        raise FileExistsError(f"{folder} already exists; nothing was changed. Choose another "
                              "id, or edit the case that is there.")
    if article is not None and not Path(article).is_file():
        raise FileNotFoundError(f"article file {article} does not exist (or is not a file).")
    root.mkdir(parents=True, exist_ok=True)
    case_path = folder.as_posix()
    texts = {
        "case.toml": _template("case.toml").format(
            case_id=case_id, case_path=case_path, c0=NEW_CASE_SIDES[0], c1=NEW_CASE_SIDES[1],
            more_colours=", ".join(NEW_CASE_SIDES[2:]),
        ),
        "README.md": _template("README.md").format(case_id=case_id, case_path=case_path),
        **{name: _header(name) for name in CSV_COLUMNS},
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{case_id}.", dir=root))
    try:
        if article is None:
            write_atomic(staging / "article.txt", ARTICLE_PLACEHOLDER)
        else:
            write_atomic(staging / "article.txt", Path(article).read_bytes())  # byte for byte
        for name, text in texts.items():
            write_atomic(staging / name, text)
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private
        assert all((staging / name).is_file() for name in CASE_FILES)
        if folder.exists():  # created meanwhile by someone else: do not replace it
            raise FileExistsError(f"{folder} already exists; nothing was changed.")
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
