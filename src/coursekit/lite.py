"""Build the student kit as a JupyterLite site: JupyterLab and Python in the browser, no server.

``coursekit lite --out SITE/`` writes a folder of static files.  Any web
space can serve it (a learning platform's file area, GitHub Pages, a plain
``python -m http.server``); each student's browser runs JupyterLab and a
Python kernel (Pyodide, CPython compiled to WebAssembly), so a class of any
size costs the host no memory, and work is kept in the browser's storage.

What the site holds:

* ``files/notebooks/``: the lessons as committed (executed), and
  ``files/exercises/``: the student copies that :func:`coursekit.release.release`
  makes.  Their kernel is the browser's ("python", Pyodide).  The site opens
  on lesson 00.
* the coursekit wheel (with the case data inside it) and the few pure-Python
  wheels Pyodide does not carry (ipywidgets, comm, jupyterlab_widgets) in
  ``static/coursekit/``; a small loader (``static/coursekit/boot.js``) that
  starts Pyodide, loads pandas and matplotlib from Pyodide's own builds and
  installs those wheels, so a lesson's ``import coursekit`` works unchanged.
* the kit's JupyterLab settings (no news pop-up, no update check).

Pyodide itself comes, by default, from the official distribution on the
jsDelivr CDN, as jupyterlite-pyodide-kernel loads it for its own users: the
site stays small, and students need the internet.  ``pyodide=DIR_OR_ARCHIVE``
(``--pyodide``) copies a Pyodide 0.27 distribution into ``static/pyodide/``
instead, trimmed to the packages the kit needs, so the site also works on a
network without internet; every package file is checked against the sha256
in the distribution's ``pyodide-lock.json``.

The build runs ``jupyter lite build`` from a separate environment,
``.venv-lite`` (``make lite`` creates it from ``requirements/lite.txt``): the
JupyterLab inside jupyterlite-core 0.6 is 4.4, whose widget manager
(jupyterlab_widgets 3.0.14) cannot share an environment with the kit's own
JupyterLab 4.6.  The build needs no network.  Nothing is written unless the
release and the leak scan over every notebook (and every text file we add)
of the site pass; the site appears all at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .release import ReleaseError, release, solution_leaks

__all__ = [
    "PYODIDE_CDN",
    "PYODIDE_VERSION",
    "build_lite_site",
    "leaks_in_site",
    "pyodide_packages",
]

PYODIDE_VERSION = "0.27.7"
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
# Pyodide's own builds the kernel loads when it starts: jupyterlite-pyodide-kernel
# needs micropip, ssl, sqlite3, ipython and jedi; the lessons need pandas and
# matplotlib.  Their dependencies come along (pyodide_packages).
PRELOAD = ("micropip", "ssl", "sqlite3", "ipython", "jedi", "pandas", "matplotlib")
# Pure-Python wheels from requirements/lite-kernel.txt (Pyodide 0.27.7 has none of them).
KERNEL_WHEELS = ("ipywidgets", "comm", "jupyterlab_widgets", "anywidget", "psygnal", "typing_extensions")
PYODIDE_CORE = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
LITE_KERNELSPEC = {"display_name": "Python (Pyodide)", "language": "python", "name": "python"}
START_NOTEBOOK = "notebooks/00_start_here.ipynb"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# The same settings `make lab` writes for JupyterLab: no news, no update check.
SETTINGS = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
LITE_ENV_HELP = ("run `make lite` once: it creates .venv-lite from requirements/lite.txt and "
                 "downloads the wheels of requirements/lite-kernel.txt")

BOOT_JS = """\
// Written by `coursekit lite`: the Pyodide loader of this site.
// jupyterlite-pyodide-kernel calls loadPyodide(options); this one loads
// Pyodide from options.indexURL (the official CDN, or this site's
// static/pyodide/), then installs the kit's own wheels from this site, so a
// lesson's `import coursekit` works without any install step.
(function () {
  "use strict";
  var KIT_WHEELS = %(wheels)s;
  var ours = function (options) {
    importScripts(options.indexURL + "pyodide.js");
    var official = self.loadPyodide;
    self.loadPyodide = ours;
    return official(options).then(function (pyodide) {
      var urls = KIT_WHEELS.map(function (name) {
        return new URL(name, options.coursekitWheelsURL).href;
      });
      return pyodide.loadPackage(urls).then(function () { return pyodide; });
    });
  };
  self.loadPyodide = ours;
})();
"""

# In the site's file browser beside notebooks/ and exercises/: how work is kept and handed in.
SITE_README = """\
# NATO and Russia, February 2013: who said what?

Start with `notebooks/00_start_here.ipynb`; the exercises are in `exercises/`.

Everything here runs in this browser tab: JupyterLab and Python (Pyodide).
The first start of a notebook takes a little while (Python and its packages
load into the tab); after that it is quicker.

## Your work is kept in this browser

Saving (File > Save Notebook, or Ctrl+S) keeps your notebook in this
browser, on this computer, for this site. It is **not** on a server: another
browser or computer does not see it, and clearing the browser's site data (or
closing a private window) deletes it.

## Handing in

1. Save the notebook (Ctrl+S).
2. In the file browser on the left, right-click the notebook and choose
   **Download**. Your browser saves a `.ipynb` file, usually in Downloads.
3. Hand in that file the way your instructor tells you (upload it to the
   course page, for example). Keep the file name.
"""

INDEX_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>NATO and Russia, February 2013: the lessons</title>
<meta http-equiv="refresh" content="0; url=lab/index.html?path={start}">
<!-- JupyterLite's pages read their settings from here up to this root (keep this element). -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
</head>
<body>
<main>
<h1>NATO and Russia, February 2013: who said what?</h1>
<p><a href="lab/index.html?path={start}">Open the first lesson</a>.
JupyterLab and Python run in this browser tab; the first start takes a little while.</p>
</main>
</body>
</html>
"""


def _problem(message: str) -> ReleaseError:
    return ReleaseError([message])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- Pyodide ----------------------------------------------------------------


def pyodide_packages(lock: dict[str, Any], wanted: tuple[str, ...] = PRELOAD) -> list[str]:
    """The lock's package names ``wanted`` needs, dependencies included, sorted."""
    packages = lock["packages"]
    seen: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        if key not in packages:
            raise _problem(f"pyodide-lock.json has no package {name!r}, which the kit needs")
        seen.add(key)
        todo += packages[key].get("depends", [])
    return sorted(seen)


def _find_distribution(root: Path) -> Path | None:
    for lock in sorted(root.rglob("pyodide-lock.json"), key=lambda p: len(p.parts)):
        if (lock.parent / "pyodide.js").is_file():
            return lock.parent
    return None


def _unpack(archive: Path, into: Path) -> None:
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(into)
    elif tarfile.is_tarfile(archive):
        with tarfile.open(archive) as tf:
            tf.extractall(into, filter="data")
    else:
        raise _problem(f"{archive}: not a folder, a .zip or a .tar archive of a Pyodide distribution")


def _copy_pyodide(source: Path, target: Path, scratch: Path) -> dict[str, Any]:
    """Copy the trimmed, checked distribution from ``source`` into ``target``; return its info."""
    if not source.exists():
        raise _problem(f"{source}: no such file or folder (--pyodide wants a Pyodide {PYODIDE_VERSION} "
                       "distribution: a folder or an archive holding pyodide.js and pyodide-lock.json)")
    if source.is_file():
        _unpack(source, scratch)
        source = scratch
    dist = _find_distribution(source)
    if dist is None:
        raise _problem(f"{source}: holds no pyodide.js beside a pyodide-lock.json; "
                       "--pyodide wants a Pyodide distribution (the 'full' folder of a release)")
    lock = json.loads((dist / "pyodide-lock.json").read_text(encoding="utf-8"))
    version = str(lock.get("info", {}).get("version", "?"))
    if not version.startswith("0.27."):
        raise _problem(f"{dist}: Pyodide {version}; jupyterlite-pyodide-kernel 0.6.1 needs Pyodide 0.27 "
                       f"(Python 3.12), e.g. {PYODIDE_VERSION}")
    names = pyodide_packages(lock)
    problems = [f"{dist / name}: missing (part of Pyodide's core)"
                for name in PYODIDE_CORE if not (dist / name).is_file()]
    for name in names:
        entry = lock["packages"][name]
        path = dist / entry["file_name"]
        if not path.is_file():
            problems.append(f"{path}: missing; the kit needs package {name} ({entry['file_name']})")
        elif _sha256(path) != entry["sha256"]:
            problems.append(f"{path}: its sha256 differs from pyodide-lock.json's; "
                            "it is not Pyodide's own build: replace it with the official file")
    if problems:
        raise ReleaseError(problems)
    target.mkdir(parents=True)
    for name in PYODIDE_CORE:
        shutil.copy2(dist / name, target / name)
    for name in names:
        shutil.copy2(dist / lock["packages"][name]["file_name"], target)
    trimmed = dict(lock)
    trimmed["packages"] = {name: lock["packages"][name] for name in names}
    (target / "pyodide-lock.json").write_text(json.dumps(trimmed, indent=1) + "\n", encoding="utf-8")
    return lock.get("info", {})


# --- the build --------------------------------------------------------------


def _lite_python(lite_env: Path) -> Path:
    python = lite_env / "bin" / "python"
    if not python.is_file():
        raise _problem(f"{lite_env}: no JupyterLite build environment there; {LITE_ENV_HELP}")
    return python


def _kernel_wheels(lite_env: Path) -> list[Path]:
    folder = lite_env / "share" / "coursekit-lite" / "wheels"
    found, problems = [], []
    for name in KERNEL_WHEELS:
        matches = sorted(folder.glob(f"{name}-*.whl"))
        if len(matches) != 1:
            problems.append(f"{folder}: expected one {name} wheel, found {len(matches)}; {LITE_ENV_HELP}")
        else:
            found += matches
    if problems:
        raise ReleaseError(problems)
    return found


def _run(args: list[str], what: str, cwd: Path, timeout: int) -> None:
    try:
        result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                                env={**os.environ, "PYTHONNOUSERSITE": "1"})
    except subprocess.TimeoutExpired:
        raise _problem(f"{what} took longer than {timeout} s; nothing was written") from None
    if result.returncode != 0:
        tail = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise ReleaseError([f"{what} failed (exit status {result.returncode}); nothing was written:",
                            *tail])


def _build_wheel(repo: Path, python: Path, out: Path, timeout: int) -> Path:
    _run([str(python), "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-q", "-w", str(out), str(repo)], "building the coursekit wheel", cwd=repo, timeout=timeout)
    [wheel] = out.glob("coursekit-*.whl")
    return wheel


def _for_the_browser(path: Path) -> None:
    """Give a notebook the browser's kernel, so JupyterLite does not ask which one to use."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb.setdefault("metadata", {})["kernelspec"] = dict(LITE_KERNELSPEC)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _contents(repo: Path, contents: Path, timeout: int) -> None:
    (contents / "notebooks").mkdir(parents=True)
    for lesson in sorted((repo / "notebooks").glob("*.ipynb")):
        shutil.copy2(lesson, contents / "notebooks" / lesson.name)
    release(repo / "exercises", contents / "exercises", timeout=timeout)
    for notebook in sorted(contents.rglob("*.ipynb")):
        _for_the_browser(notebook)
    (contents / "README.md").write_text(SITE_README, encoding="utf-8")


def _lite_config(pyodide_index: str) -> dict[str, Any]:
    return {
        "jupyter-lite-schema-version": 0,
        "jupyter-config-data": {
            "appName": "coursekit",
            "litePluginSettings": {
                KERNEL_PLUGIN: {
                    "pyodideUrl": "./static/coursekit/boot.js",
                    # Nothing from PyPI at run time: every package is Pyodide's or the site's.
                    "disablePyPIFallback": True,
                    "loadPyodideOptions": {
                        "indexURL": pyodide_index,
                        "packages": list(PRELOAD),
                        "coursekitWheelsURL": "./static/coursekit/",
                    },
                },
            },
        },
    }


_SCANNED = {".ipynb", ".json", ".html", ".md", ".txt", ".py", ".csv", ".css"}
_NOT_OURS = ("build", "extensions", "static/pyodide")  # JupyterLite's app and Pyodide, as installed


def _texts(site: Path):
    """(name, text) of every text file of the site that can hold our content, wheels opened."""
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if any(rel == top or rel.startswith(top + "/") for top in _NOT_OURS):
            continue
        if path.suffix == ".whl":
            if not path.name.startswith("coursekit-"):
                continue  # ipywidgets, comm, jupyterlab_widgets: pinned by hash, not ours
            with zipfile.ZipFile(path) as zf:
                for member in zf.namelist():
                    if Path(member).suffix in _SCANNED:
                        yield f"{rel}!{member}", zf.read(member).decode("utf-8", errors="replace")
        elif path.suffix in _SCANNED or path.suffix == ".js":
            yield rel, path.read_text(encoding="utf-8", errors="replace")


def leaks_in_site(site: str | Path, exercises: str | Path) -> list[str]:
    """The release's leak scan over every notebook of ``site`` and every other file we put there.

    JupyterLite's own application (``build/``, ``extensions/``), Pyodide and
    the third-party wheels (pinned by sha256) are not ours and are not
    scanned; the coursekit wheel is, file by file.  As in the student
    kit, span targets (claim ids) are looked for only in the exercise copies.
    """
    from .quiz import load_exercise_set

    site = Path(site)
    sets = [load_exercise_set(p) for p in sorted(Path(exercises).glob("*.ipynb"))]
    problems = []
    for name, text in _texts(site):
        in_exercises = "exercises/" in name or "exercises%2F" in name
        for ex in sets:
            problems += [f"{name}: {leak}" for leak in solution_leaks(text, ex, span_targets=in_exercises)]
    return problems


def build_lite_site(repo: str | Path, out: str | Path, *, pyodide: str | Path | None = None,
                    lite_env: str | Path | None = None, force: bool = False,
                    timeout: int = 300) -> Path:
    """Write the JupyterLite site of the instructor repository ``repo`` into ``out``.

    ``pyodide``: a Pyodide 0.27 distribution (folder or archive) to carry in
    the site; ``None`` loads the official one from the CDN.  ``lite_env``:
    the environment with jupyterlite-core (default ``repo/.venv-lite``).
    Raises :class:`~coursekit.release.ReleaseError` (nothing written) on any problem.
    """
    repo, out = Path(repo).resolve(), Path(out)
    if not (repo / "exercises").is_dir() or not (repo / "notebooks").is_dir():
        raise _problem(f"{repo}: not a coursekit repository (no exercises/ and notebooks/)")
    if out.exists() and not force:
        raise _problem(f"{out} exists; choose another folder or pass --force to replace it")
    lite_env = Path(lite_env) if lite_env is not None else repo / ".venv-lite"
    python = _lite_python(lite_env)
    wheels = _kernel_wheels(lite_env)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        site = staging / "site"
        extra = staging / "static"
        ours = extra / "coursekit"
        ours.mkdir(parents=True)
        if pyodide is not None:
            scratch = staging / "unpacked"
            scratch.mkdir()
            _copy_pyodide(Path(pyodide), extra / "pyodide", scratch)
            shutil.rmtree(scratch)
            index = "./static/pyodide/"
        else:
            index = PYODIDE_CDN
        _contents(repo, staging / "contents", timeout)
        kit_wheels = [_build_wheel(repo, python, staging / "wheel", timeout), *wheels]
        for wheel in kit_wheels:
            shutil.copy2(wheel, ours / wheel.name)
        names = sorted(w.name for w in kit_wheels)
        (ours / "boot.js").write_text(BOOT_JS % {"wheels": json.dumps(names)}, encoding="utf-8")

        lite_dir = staging / "lite"
        lite_dir.mkdir()
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(_lite_config(index), indent=2) + "\n",
                                                    encoding="utf-8")
        (lite_dir / "overrides.json").write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
        # Always from clean (an incremental rebuild was seen to drop the Pyodide settings).
        _run([str(python), "-m", "jupyterlite_core", "build",
              "--lite-dir", str(lite_dir), "--contents", str(staging / "contents"),
              "--output-dir", str(site), "--apps", "lab",
              "--no-sourcemaps", "--no-unused-shared-packages"],
             "jupyter lite build", cwd=lite_dir, timeout=timeout)
        shutil.copytree(extra, site / "static", dirs_exist_ok=True)
        (site / "index.html").write_text(INDEX_HTML.format(start=START_NOTEBOOK), encoding="utf-8")
        # GitHub Pages: serve every file as it is (no Jekyll processing).
        (site / ".nojekyll").write_text("", encoding="utf-8")
        for junk in (".jupyterlite.doit.db", "overrides.json"):
            (site / junk).unlink(missing_ok=True)

        leaks = leaks_in_site(site, repo / "exercises")
        if leaks:
            raise ReleaseError(leaks)
        site.chmod(0o755)
        if out.exists():
            shutil.rmtree(out)
        site.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
