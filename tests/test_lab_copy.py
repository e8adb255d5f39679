"""`make lab` opens a git-ignored working copy of the lessons, never the committed notebooks."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((REPO_ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(["make", "-s", "-C", str(REPO_ROOT), *args], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_copy_is_made_once_and_kept(tmp_path):
    copy = tmp_path / "work"
    make("lab-copy", f"LAB_COPY={copy}")
    copied = sorted((copy / "notebooks").glob("*.ipynb"))
    assert [p.name for p in copied] == [p.name for p in LESSONS]
    assert all(filecmp.cmp(a, b, shallow=False) for a, b in zip(LESSONS, copied, strict=True))
    # A student's edits (JupyterLab's autosave) survive the next `make lab`.
    edited = copy / "notebooks" / LESSONS[0].name
    edited.write_text("my notes", encoding="utf-8")
    make("lab-copy", f"LAB_COPY={copy}")
    assert edited.read_text(encoding="utf-8") == "my notes"


def test_reset_sets_the_old_copy_aside_and_starts_afresh(tmp_path):
    copy = tmp_path / "work"
    make("lab-copy", f"LAB_COPY={copy}")
    (copy / "notebooks" / LESSONS[0].name).write_text("my notes", encoding="utf-8")
    result = make("lab-reset", f"LAB_COPY={copy}")
    assert "moved the old working copy" in result.stdout
    assert (tmp_path / "work.previous" / "notebooks" / LESSONS[0].name).read_text(encoding="utf-8") == "my notes"
    assert filecmp.cmp(copy / "notebooks" / LESSONS[0].name, LESSONS[0], shallow=False)


def test_make_lab_serves_the_copy_and_git_ignores_it():
    command = make("-n", "lab").stdout
    assert "--ServerApp.root_dir=lab-work" in command
    assert "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb" in command
    if shutil.which("git") and (REPO_ROOT / ".git").exists():
        ignored = subprocess.run(["git", "-C", str(REPO_ROOT), "check-ignore", "-q",
                                  "lab-work/notebooks/00_start_here.ipynb"])
        assert ignored.returncode == 0, "lab-work/ is not git-ignored"
