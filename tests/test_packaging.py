"""The wheel: it ships the case data once, without symlinks, and works outside the repo."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from coursekit.validation import CASE_FILES

REPO_ROOT = Path(__file__).resolve().parent.parent
CASE_ID = "nato-russia-2013"
DATA_PREFIX = f"coursekit/cases_data/{CASE_ID}/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    if importlib.util.find_spec("hatchling") is not None:
        # Fast and offline: build with the hatchling installed here.
        how = ["--no-build-isolation", "--no-index"]
    else:
        # `pip install -e .[test]` does not put hatchling in the environment;
        # let pip fetch the build backend (as any `pip install .` would)
        # rather than skip: a skipped packaging test would hide a broken wheel.
        how = []
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", *how, "-q", "-w", str(out),
         str(REPO_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    [built] = out.glob("coursekit-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
         "--target", str(site), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return site


def test_the_wheel_ships_every_case_file_once(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        duplicates = [name for name, count in Counter(names).items() if count > 1]
        assert duplicates == []
        for name in CASE_FILES:
            path = DATA_PREFIX + name
            assert path in names
            assert archive.read(path) == (REPO_ROOT / "data" / "cases" / CASE_ID / name).read_bytes()
        # Data only under coursekit/cases_data/, not also under src/ or data/ or a nested copy.
        stray = [n for n in names if ("cases_data" in n or "claims.csv" in n)
                 and not n.startswith("coursekit/cases_data/")]
        assert stray == []
        assert not any(n.startswith("coursekit/cases_data/cases_data") for n in names)
        assert [n.count("claims.csv") for n in names if n.endswith("claims.csv")] == [1]


def test_the_wheel_holds_no_symlinks_and_the_package_files(wheel):
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            assert not stat.S_ISLNK(info.external_attr >> 16), info.filename
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "coursekit = coursekit.cli:main" in archive.read(entry_points).decode()
    for name in ("__init__.py", "cases.py", "validation.py", "cli.py", "py.typed",
                 "commands/validate.py", "quiz/__init__.py", "grading/templates/feedback.html",
                 "authoring/templates/case.toml", "authoring/templates/README.md"):
        assert f"coursekit/{name}" in names


def test_the_wheel_requires_only_what_a_lesson_needs_and_the_server_tools_are_an_extra(wheel):
    """Installable in the browser kernel (Pyodide: pandas, matplotlib, ipywidgets); the rest is "server"."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(next(n for n in archive.namelist()
                                     if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.split(":", 1)[1].strip() for line in metadata.splitlines()
                if line.startswith("Requires-Dist:")]
    plain = sorted(r.split(">")[0].split(";")[0].strip() for r in requires if "extra ==" not in r)
    assert plain == ["anywidget", "ipywidgets", "matplotlib", "pandas"]
    server = sorted(r.split(">")[0].strip() for r in requires if "extra == 'server'" in r
                    or 'extra == "server"' in r)
    assert server == ["ipykernel", "jupyterlab", "krippendorff", "mistune", "nbclient", "nbconvert", "nbformat",
                      "nbval"]  # krippendorff: class agreement when grading coding questions


def test_the_installed_wheel_loads_its_own_case_outside_the_repo(installed, tmp_path):
    code = (
        "import coursekit, pathlib\n"
        "from coursekit.cases import bundled_case_path\n"
        "print(pathlib.Path(coursekit.__file__).parent)\n"
        f"print(bundled_case_path({CASE_ID!r}).resolve())\n"
        f"print(coursekit.load_case({CASE_ID!r}).claims.shape)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(installed)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    package, data, shape = result.stdout.splitlines()
    # The installed copy, not the editable checkout, and its data is real files in site.
    assert Path(package) == installed / "coursekit"
    assert Path(data) == installed / "coursekit" / "cases_data" / CASE_ID
    rows = len((REPO_ROOT / "data" / "cases" / CASE_ID / "claims.csv").read_text().splitlines()) - 1
    assert shape == f"({rows}, 16)"


def test_import_coursekit_does_not_import_plotting_or_widgets(tmp_path):
    code = (
        "import sys, coursekit\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'matplotlib', 'ipywidgets', 'IPython'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_public_names_are_sorted_and_resolve():
    """`__all__` is the public API: sorted, and every name in it can be used."""
    import coursekit

    assert coursekit.__all__ == sorted(coursekit.__all__)
    missing = [name for name in coursekit.__all__ if getattr(coursekit, name, None) is None]
    assert missing == []
    assert "ClaimExplorer" in dir(coursekit)  # lazy names are listed too


SETTINGS_IN_WHEEL = "coursekit-0.1.0.data/data/share/jupyter/lab/settings/overrides.d/coursekit.json"
NO_NEWS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
           # widget state saved with the notebook: how a coding question's answer reaches the grader
           "@jupyter-widgets/jupyterlab-manager:plugin": {"saveState": True}}


def test_the_wheel_installs_the_class_jupyterlab_settings(wheel):
    """No "Jupyter news?" pop-up and no update check, wherever the package is installed."""
    import json

    with zipfile.ZipFile(wheel) as archive:
        assert json.loads(archive.read(SETTINGS_IN_WHEEL)) == NO_NEWS


def test_jupyterlab_here_reads_the_class_settings():
    """The environment the tests run in got them from the (editable) install, and JupyterLab reads them."""
    from jupyterlab_server.settings_utils import _get_overrides

    settings_dir = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings"
    overrides, error = _get_overrides(str(settings_dir))
    assert error == ""
    assert overrides["@jupyterlab/apputils-extension:notification"] == NO_NEWS[
        "@jupyterlab/apputils-extension:notification"]
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
