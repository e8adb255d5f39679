"""coursekit student-kit: what students get holds the lessons and exercises, never a solution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursekit import load_case, student_kit
from coursekit.cli import main
from coursekit.release import ReleaseError

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "exercises").glob("*.ipynb"))


def _solution_lines() -> list[str]:
    """Every non-empty answer line of the instructor sources, read straight from the JSON."""
    lines = []
    for path in SOURCES:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if any(t.startswith("answer:") for t in cell.get("metadata", {}).get("tags", [])):
                for line in "".join(cell["source"]).splitlines():
                    if "=" in line and not line.lstrip().startswith("#") and not line.rstrip().endswith("= None"):
                        lines.append(line.strip())
    return lines


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    return student_kit.build_student_kit(ROOT, tmp_path_factory.mktemp("kit") / "student-kit", timeout=120)


def test_kit_holds_what_students_need_and_nothing_of_the_instructor(kit):
    assert sorted(p.name for p in kit.iterdir()) == [
        ".coursekit-output", ".gitignore", "LICENSE", "Makefile", "README.md", "binder", "data", "exercises",
        "notebooks", "pyproject.toml", "requirements", "src",
    ]
    assert sorted(p.name for p in (kit / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (kit / "exercises").iterdir()) == [p.name for p in SOURCES]
    assert load_case(kit / "data" / "cases" / "nato-russia-2013").claims.shape[0] > 25
    assert (kit / "src" / "coursekit" / "cases_data").is_symlink()


def test_no_solution_line_appears_anywhere_in_the_kit(kit):
    solutions = _solution_lines()
    assert len(solutions) >= 25  # the sources really have solutions to look for
    found = []
    for path in kit.rglob("*"):
        if path.is_file() and not path.is_symlink():
            text = path.read_text(encoding="utf-8", errors="replace")
            found += [f"{path.relative_to(kit)}: {line}" for line in solutions if line in text]
    assert found == []


def test_exercise_copies_have_no_instructor_cells_and_blank_answers(kit):
    for path in (kit / "exercises").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            tags = cell.get("metadata", {}).get("tags", [])
            assert "instructor" not in tags and not any(t.startswith("spec:") for t in tags)
            if any(t.startswith("answer:") for t in tags):
                assert "".join(cell["source"]).rstrip().endswith("= None")


def test_refuses_to_replace_a_folder_without_force(kit, capsys):
    assert main(["student-kit", "--repo", str(ROOT), "--out", str(kit)]) == 1
    assert "exists; choose another folder or pass --force" in capsys.readouterr().err


def test_a_leak_stops_the_build_and_writes_nothing(tmp_path, monkeypatch):
    def leaky(text, ex, **kwargs):
        return ["q1: the solution appears"] if "Rasmussen" in text else []

    monkeypatch.setattr(student_kit, "solution_leaks", leaky)
    # The release itself is tested elsewhere; here it only needs to leave a folder.
    monkeypatch.setattr(student_kit, "release", lambda source, out, timeout: Path(out).mkdir())
    out = tmp_path / "student-kit"
    with pytest.raises(ReleaseError, match="the solution appears"):
        student_kit.build_student_kit(ROOT, out, timeout=120)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left behind


def test_a_changed_lesson_is_named_before_the_kit_copies_it(tmp_path):
    import shutil as _shutil
    import subprocess

    if _shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "notebooks" / "00_start_here.ipynb").write_text("{}", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "lessons"], check=True)
    assert student_kit.changed_lessons(repo) == []
    (repo / "notebooks" / "00_start_here.ipynb").write_text('{"autosaved": 1}', encoding="utf-8")
    assert student_kit.changed_lessons(repo) == ["notebooks/00_start_here.ipynb"]


def test_the_kit_installs_the_class_jupyterlab_settings(kit):
    """make lab and Binder both install the package, which brings the no-news settings along."""
    import tomllib

    project = tomllib.loads((kit / "pyproject.toml").read_text(encoding="utf-8"))
    shared = project["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert shared["src/coursekit/lab_settings.json"] == "share/jupyter/lab/settings/overrides.d/coursekit.json"
    settings = json.loads((kit / "src" / "coursekit" / "lab_settings.json").read_text(encoding="utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                     "checkForUpdates": False}
    assert "pip install" in (kit / "Makefile").read_text(encoding="utf-8")
    assert "pip install" in (kit / "binder" / "postBuild").read_text(encoding="utf-8")
