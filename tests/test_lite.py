"""coursekit lite: the JupyterLite site, built offline; its pins; the Pyodide checks; grading its notebooks.

The browser test (tests/browser/test_lite.py) runs the site in Chromium with
a self-hosted Pyodide.  These tests need no Pyodide packages: they build the
default site (Pyodide from the CDN, which nothing here contacts) and check
what it holds, and check the self-hosting code on a small made-up distribution.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coursekit.lite import (
    LITE_KERNELSPEC,
    PRELOAD,
    PYODIDE_CDN,
    START_NOTEBOOK,
    _copy_pyodide,
    build_lite_site,
    leaks_in_site,
    pyodide_packages,
)
from coursekit.release import ReleaseError

REPO_ROOT = Path(__file__).resolve().parent.parent
LITE_ENV = REPO_ROOT / ".venv-lite"
REQUIREMENTS = REPO_ROOT / "requirements"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lite"


def _pins(path: Path) -> dict[str, str]:
    found = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.split()[0].partition("==")
            found[re.sub(r"[-_.]+", "-", name).lower()] = version
    return found


def test_the_lite_environment_pins_what_constraints_pins_but_the_widget_manager():
    lite, constraints = _pins(REQUIREMENTS / "lite.txt"), _pins(REQUIREMENTS / "constraints.txt")
    assert lite["jupyterlite-core"] == constraints["jupyterlite-core"]
    assert lite["jupyterlite-pyodide-kernel"] == constraints["jupyterlite-pyodide-kernel"]
    # The one deliberate difference: the widget manager of JupyterLite's JupyterLab 4.4.
    assert lite.pop("jupyterlab-widgets") == "3.0.14" != constraints["jupyterlab-widgets"]
    differ = {name: (version, constraints.get(name)) for name, version in lite.items()
              if constraints.get(name) != version}
    assert differ == {}, f"requirements/lite.txt and constraints.txt disagree: {differ}"


def test_the_browser_kernel_wheels_are_pinned_by_hash():
    lines = [line.split("#", 1)[0].strip() for line in
             (REQUIREMENTS / "lite-kernel.txt").read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    assert {line.split("==")[0] for line in lines} == {"ipywidgets", "comm", "jupyterlab_widgets",
                                                         "anywidget", "psygnal", "typing_extensions"}
    for line in lines:
        assert re.fullmatch(r"[\w.-]+==[\w.]+ --hash=sha256:[0-9a-f]{64}", line), line
    assert "jupyterlab_widgets==3.0.14" in " ".join(lines)


# --- the self-hosted Pyodide, on a made-up distribution ------------------------


def _fake_distribution(folder: Path, *, tamper: str | None = None) -> Path:
    """pyodide.js and friends, and a lock whose packages are tiny files with their real sha256."""
    folder.mkdir()
    for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"):
        (folder / name).write_text(f"core {name}\n")
    names = {n for n in PRELOAD} | {"numpy", "numpy-extra", "unrelated"}
    packages = {}
    for name in sorted(names):
        file_name = f"{name}-1.0-py3-none-any.whl"
        data = f"build of {name}\n".encode()
        (folder / file_name).write_bytes(data)
        depends = {"pandas": ["numpy"], "numpy": ["numpy-extra"]}.get(name, [])
        packages[name] = {"name": name, "file_name": file_name, "depends": depends,
                          "sha256": hashlib.sha256(data).hexdigest()}
    if tamper:
        (folder / packages[tamper]["file_name"]).write_bytes(b"not pyodide's build\n")
    lock = {"info": {"version": "0.27.7", "python": "3.12.7"}, "packages": packages}
    (folder / "pyodide-lock.json").write_text(json.dumps(lock))
    return folder


def test_pyodide_packages_follow_dependencies(tmp_path):
    lock = json.loads((_fake_distribution(tmp_path / "d") / "pyodide-lock.json").read_text())
    wanted = pyodide_packages(lock)
    assert {"pandas", "numpy", "numpy-extra", "matplotlib", "ipython"} <= set(wanted)
    assert "unrelated" not in wanted


def test_a_self_hosted_pyodide_is_trimmed_and_checked(tmp_path):
    dist = _fake_distribution(tmp_path / "dist")
    target = tmp_path / "site" / "pyodide"
    _copy_pyodide(dist, target, tmp_path / "scratch")
    lock = json.loads((target / "pyodide-lock.json").read_text())
    assert "unrelated" not in lock["packages"] and "numpy-extra" in lock["packages"]
    assert not (target / "unrelated-1.0-py3-none-any.whl").exists()
    for entry in lock["packages"].values():
        assert hashlib.sha256((target / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]


def test_a_file_that_is_not_pyodides_build_is_refused(tmp_path):
    dist = _fake_distribution(tmp_path / "dist", tamper="pandas")
    with pytest.raises(ReleaseError) as caught:
        _copy_pyodide(dist, tmp_path / "site" / "pyodide", tmp_path / "scratch")
    [problem] = caught.value.problems
    assert "pandas-1.0-py3-none-any.whl" in problem and "sha256" in problem
    assert not (tmp_path / "site").exists()


def test_an_archive_is_accepted_and_a_wrong_version_refused(tmp_path):
    dist = _fake_distribution(tmp_path / "pyodide")
    archive = shutil.make_archive(str(tmp_path / "pyodide-0.27.7"), "gztar", tmp_path, "pyodide")
    (tmp_path / "scratch").mkdir()
    _copy_pyodide(Path(archive), tmp_path / "site" / "pyodide", tmp_path / "scratch")
    lock = json.loads((dist / "pyodide-lock.json").read_text())
    lock["info"]["version"] = "0.29.0"
    (dist / "pyodide-lock.json").write_text(json.dumps(lock))
    with pytest.raises(ReleaseError, match="needs Pyodide 0.27"):
        _copy_pyodide(dist, tmp_path / "other", tmp_path / "scratch2")


# --- the site, built (offline, CDN Pyodide) --------------------------------------


def _without_network() -> list[str] | None:
    """A command prefix running a program in a network namespace of its own (loopback only), if possible."""
    unshare, ip = shutil.which("unshare"), shutil.which("ip") or "/usr/sbin/ip"
    if unshare is None or not Path(ip).is_file():
        return None
    prefix = [unshare, "-rn", "sh", "-c", f'{ip} link set lo up && exec "$0" "$@"']
    probe = subprocess.run([*prefix, "true"], capture_output=True)
    return prefix if probe.returncode == 0 else None


@pytest.fixture(scope="module")
def offline_build(tmp_path_factory) -> tuple[Path, bool]:
    """The default site (Pyodide from the CDN), built by `coursekit lite` with no network when possible.

    Returns the site and whether the build ran without network.  Only the
    loopback interface exists in that namespace: the release runs the
    exercise copies in a local kernel.
    """
    if not (LITE_ENV / "bin" / "python").is_file():
        pytest.skip(f"{LITE_ENV} is missing: the site is built with it; run `make lite-setup` (make test does)")
    out = tmp_path_factory.mktemp("lite") / "site"
    prefix = _without_network() or []
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "coursekit.cli", "lite", "--repo", str(REPO_ROOT),
         "--out", str(out), "--lite-env", str(LITE_ENV)],
        capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail("coursekit lite failed:\n" + result.stderr[-4000:], pytrace=False)
    assert "wrote the JupyterLite site" in result.stdout
    return out, bool(prefix)


@pytest.fixture(scope="module")
def site(offline_build) -> Path:
    return offline_build[0]


def test_the_site_build_needs_no_network(offline_build):
    site, offline = offline_build
    if not offline:
        pytest.skip("unshare -rn (a network namespace without network) is not available here")
    assert (site / "files" / "notebooks" / "00_start_here.ipynb").is_file()


def test_the_site_holds_the_lessons_and_only_released_exercises(site):
    lessons = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (site / "files" / "notebooks").glob("*.ipynb")) == lessons
    exercises = sorted(p.name for p in (REPO_ROOT / "exercises").glob("*.ipynb"))
    assert sorted(p.name for p in (site / "files" / "exercises").glob("*.ipynb")) == exercises
    for path in (site / "files").rglob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"] == LITE_KERNELSPEC, path
        if path.parent.name == "exercises":
            tags = [t for c in nb["cells"] for t in c.get("metadata", {}).get("tags", [])]
            assert "instructor" not in tags, f"{path.name}: an instructor cell reached the site"
            setup = next(c for c in nb["cells"] if "setup" in c.get("metadata", {}).get("tags", []))
            assert "SelfCheck.from_json" in "".join(setup["source"])
    assert not list(site.rglob("*.doit.db")), "the build database must not be published"
    readme = (site / "files" / "README.md").read_text(encoding="utf-8")
    assert "Download" in readme and "kept in this browser" in readme


def test_the_release_leak_scan_passes_on_every_notebook_of_the_site_and_catches_a_planted_leak(site, tmp_path):
    assert leaks_in_site(site, REPO_ROOT / "exercises") == []
    copy = tmp_path / "site"
    shutil.copytree(site / "files", copy / "files")
    from coursekit.quiz import load_exercise_set

    ex = load_exercise_set(REPO_ROOT / "exercises" / "01_attribution.ipynb")
    leaked = copy / "files" / "notebooks" / "00_start_here.ipynb"
    nb = json.loads(leaked.read_text(encoding="utf-8"))
    nb["cells"][-1]["source"] = f"q7 = {ex.solutions['q7']!r}\n"
    leaked.write_text(json.dumps(nb), encoding="utf-8")
    # Inside the kit's own wheel it is found too; a third-party wheel (pinned by hash) is not opened.
    (copy / "static" / "coursekit").mkdir(parents=True)
    for name in ("coursekit-0.0-py3-none-any.whl", "ipywidgets-0.0-py3-none-any.whl"):
        with zipfile.ZipFile(copy / "static" / "coursekit" / name, "w") as zf:
            zf.writestr("pkg/leak.py", f"q7 = {ex.solutions['q7']!r}\n")
    problems = leaks_in_site(copy, REPO_ROOT / "exercises")
    assert problems and all("00_start_here.ipynb" in p or "coursekit-0.0" in p for p in problems)
    assert any("q7" in p and "00_start_here" in p for p in problems)
    assert any("coursekit-0.0-py3-none-any.whl!pkg/leak.py" in p for p in problems)
    assert not any("ipywidgets" in p for p in problems)


def test_the_site_opens_on_lesson_00_with_the_kits_settings(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert f"lab/index.html?path={START_NOTEBOOK}" in index
    assert 'id="jupyter-config-data"' in index  # JupyterLite's pages read their settings from it
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))["jupyter-config-data"]
    notification = config["settingsOverrides"]["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["pyodideUrl"] == "./static/coursekit/boot.js"
    assert kernel["disablePyPIFallback"] is True
    assert kernel["loadPyodideOptions"]["indexURL"] == PYODIDE_CDN
    assert set(PRELOAD) <= set(kernel["loadPyodideOptions"]["packages"])
    assert not (site / "static" / "pyodide").exists(), "the default site loads Pyodide from the CDN"
    # The widget manager is the one of JupyterLite's JupyterLab (3.0.14's labextension is 5.0.14).
    manager = site / "extensions" / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
    assert json.loads(manager.read_text(encoding="utf-8"))["version"] == "5.0.14"


def test_the_kit_wheel_in_the_site_installs_with_only_what_pyodide_has(site):
    boot = (site / "static" / "coursekit" / "boot.js").read_text(encoding="utf-8")
    [wheel] = (site / "static" / "coursekit").glob("coursekit-*.whl")
    for name in ("ipywidgets-8.1.6", "comm-0.2.2", "jupyterlab_widgets-3.0.14", wheel.name):
        assert name in boot
        assert list((site / "static" / "coursekit").glob(f"{name.removesuffix('.whl')}*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "coursekit/cases_data/nato-russia-2013/claims.csv" in names
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    required = sorted(line.split(":", 1)[1].split(">")[0].strip() for line in metadata.splitlines()
                      if line.startswith("Requires-Dist:") and "extra ==" not in line)
    assert required == ["anywidget", "ipywidgets", "matplotlib", "pandas"]


def test_an_existing_folder_is_not_replaced_without_force(tmp_path):
    out = tmp_path / "site"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(ReleaseError, match="--force"):
        build_lite_site(REPO_ROOT, out, lite_env=LITE_ENV)
    assert (out / "keep.txt").read_text() == "mine"


def test_a_missing_build_environment_says_how_to_make_it(tmp_path):
    with pytest.raises(ReleaseError, match="make lite"):
        build_lite_site(REPO_ROOT, tmp_path / "site", lite_env=tmp_path / "nowhere")
    assert not (tmp_path / "site").exists()


# --- grading a notebook saved by JupyterLite ------------------------------------


def test_coursekit_grade_grades_a_notebook_saved_by_jupyterlite(tmp_path):
    """The fixture is the file the browser test downloaded from the site, unchanged.

    JupyterLite saves it with the browser kernel's metadata (kernelspec
    "python", Pyodide's language_info) and whole-string sources; q1 answered right.
    """
    saved = FIXTURES / "01_attribution-saved-by-jupyterlite.ipynb"
    nb = json.loads(saved.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python"
    student = tmp_path / "submissions" / "student-lite"
    student.mkdir(parents=True)
    shutil.copy2(saved, student / "01_attribution.ipynb")
    result = subprocess.run(
        [sys.executable, "-m", "coursekit.cli", "grade", str(tmp_path / "submissions"),
         "--exercises", str(REPO_ROOT / "exercises"), "--out", str(tmp_path / "results")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    import csv

    with open(tmp_path / "results" / "responses.csv", encoding="utf-8", newline="") as fh:
        rows = {r["question"]: r for r in csv.DictReader(fh) if r["student"] == "student-lite"}
    assert rows["q1"]["status"] == "correct"
    assert rows["q2"]["status"] != "correct"  # left as None in the browser
