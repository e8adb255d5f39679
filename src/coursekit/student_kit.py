"""Build the student kit: everything students need, and none of the solutions.

This repository is the instructor's: ``exercises/`` holds the exercise
sources with every solution and marking guide.  Students must never get it,
so a JupyterHub link (nbgitpuller) or a Binder badge must point at a
*separate* repository holding the student kit that
``coursekit student-kit --out student-kit/`` writes:

* ``notebooks/``: the lessons, as committed (executed);
* ``exercises/``: the student copies that ``coursekit release`` makes
  (answers set to ``None``, keys replaced by salted hashes);
* the package (``src/``, ``pyproject.toml``, ``data/cases/``) so the lessons
  and the self-checks run, the pinned versions (``requirements/``), the
  Binder files (``binder/``), a Makefile with ``make lab``, and a README for
  students.

Every text file of the kit is scanned for the exercises' solutions before
anything is written, and the kit appears all at once (built in a temporary
folder, then renamed into place).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ._io import MARKER, OutputError, claim_output, mark_output, write_atomic
from .release import ReleaseError, release, solution_leaks

__all__ = ["build_student_kit", "changed_lessons"]

# What is copied from the instructor's repository, relative to its root.
KIT_FILES = ("pyproject.toml", "LICENSE", "requirements/constraints.txt")
KIT_TREES = ("src/coursekit", "data/cases", "binder")
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", ".*")

STUDENT_README = """\
# NATO and Russia, February 2013: who said what?

Lessons and exercises on one real article, *"NATO-Russia discussions ahead of
the Defence Ministers meeting in Brussels"* (Nigel Chamberlain, NATO Watch,
February 2013). You learn to tell, for every sentence, who is speaking, how
we know, and what position it expresses.

## Start

- **On your course's JupyterHub or Binder:** the link from your instructor
  opens `notebooks/00_start_here.ipynb`. Start there.
- **On your own computer** (Python 3.11 or newer and `make`): run `make lab`
  in this folder. It installs what the lessons need into `.venv/` and opens
  the first lesson in your browser.

## What is where

| folder | what |
|---|---|
| `notebooks/` | the lessons, in order: `00_start_here` … `05_what_happened_next` |
| `exercises/` | quiz exercises: put your answer in each answer cell and run the check below it |

Hand in your exercise notebooks the way your instructor tells you (save
first: File → Save Notebook). Answers are read as plain values; nothing in
your notebook is run when it is marked.
"""

STUDENT_MAKEFILE = """\
# The student kit: `make lab` sets up .venv and opens the first lesson.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.coursekit-installed
PORT   ?= 8888

.PHONY: lab setup

$(STAMP): pyproject.toml requirements/constraints.txt
\ttest -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e '.[server]'
\ttouch $(STAMP)

setup: $(STAMP)

lab: setup
\t$(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) $(if $(DISPLAY),,--no-browser) \\
\t\t$(if $(filter 0,$(shell id -u)),--allow-root) \\
\t\t--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \\
\t\t--LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
"""


def changed_lessons(repo: str | Path) -> list[str]:
    """Lessons in ``repo/notebooks`` that differ from the last commit (git), e.g. autosaved by JupyterLab.

    The kit copies ``notebooks/`` as it is on disk; ``make lab`` works on a
    separate copy, so a change here was made some other way.  Empty when
    ``repo`` is not a git checkout or git is missing.
    """
    git = shutil.which("git")
    if git is None or not (Path(repo) / ".git").exists():
        return []
    result = subprocess.run([git, "-C", str(repo), "status", "--porcelain", "--", "notebooks"],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        return []
    return sorted(line[3:].strip() for line in result.stdout.splitlines() if line.strip())


def _copy(repo: Path, kit: Path) -> None:
    for name in KIT_FILES:
        target = kit / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / name, target)
    for name in KIT_TREES:
        if (repo / name).exists():
            # symlinks=True keeps src/coursekit/cases_data -> ../../data/cases a link.
            shutil.copytree(repo / name, kit / name, symlinks=True, ignore=_IGNORE)
    (kit / "notebooks").mkdir()
    for lesson in sorted((repo / "notebooks").glob("*.ipynb")):
        shutil.copy2(lesson, kit / "notebooks" / lesson.name)
    write_atomic(kit / "README.md", STUDENT_README)
    write_atomic(kit / "Makefile", STUDENT_MAKEFILE)
    write_atomic(kit / ".gitignore", ".venv/\n__pycache__/\n.ipynb_checkpoints/\n")


def _leaks(kit: Path, exercises: Path) -> list[str]:
    """Every solution of every exercise set, looked for in every text file of the kit.

    The released exercise copies are checked by ``release`` itself, span targets
    included; elsewhere claim ids are public data, so span targets are not looked for.
    """
    from .quiz import load_exercise_set

    sets = [load_exercise_set(p) for p in sorted(exercises.glob("*.ipynb"))]
    problems = []
    for path in sorted(p for p in kit.rglob("*") if p.is_file() and not p.is_symlink()):
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (none today) cannot hold a typed solution
        for ex in sets:
            in_exercises = path.parent == kit / "exercises"
            problems += [f"{path.relative_to(kit)}: {leak}"
                         for leak in solution_leaks(text, ex, span_targets=in_exercises)]
    return problems


def build_student_kit(repo: str | Path, out: str | Path, *, force: bool = False,
                      timeout: int = 300) -> Path:
    """Write the student kit for the instructor repository ``repo`` into ``out``.

    Raises :class:`~coursekit.release.ReleaseError` (nothing written) when the
    exercises cannot be released, a solution would leak, or ``out`` exists
    and ``force`` is not given.
    """
    repo, out = Path(repo).resolve(), Path(out)
    if not (repo / "exercises").is_dir() or not (repo / "notebooks").is_dir():
        raise ReleaseError([f"{repo}: not a coursekit repository (no exercises/ and notebooks/)"])
    inputs = [repo / name for name in (*KIT_FILES, *KIT_TREES, "exercises", "notebooks")]
    try:  # never into, over or above what it copies, the repository, or a folder it did not make
        claim_output(out, command="student-kit", inputs=inputs, force=force)
    except OutputError as exc:
        raise ReleaseError([str(exc)]) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        kit = staging / "kit"
        kit.mkdir()
        _copy(repo, kit)
        release(repo / "exercises", kit / "exercises", timeout=timeout)
        leaks = _leaks(kit, repo / "exercises")
        if leaks:
            raise ReleaseError(leaks)
        kit.chmod(0o755)
        (kit / "exercises" / MARKER).unlink(missing_ok=True)  # the kit is one output: one marker
        mark_output(kit, "student-kit")
        if out.exists():  # claim_output made sure it is a kit an earlier run wrote, and --force was given
            shutil.rmtree(out)
        kit.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
