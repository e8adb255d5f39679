"""The package's shape (issue 11): small modules, no private names shared between them, light imports."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import coursekit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "coursekit"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "cases_data" not in p.parts)
MAX_LINES = 450


def test_no_module_is_over_450_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"split these modules (over {MAX_LINES} lines): {long}"


def _private_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.level > 0 or (node.module or "").startswith("coursekit")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(PACKAGE)}: from {'.' * node.level}{node.module or ''} "
                                 f"import {alias.name}")
    return found


def test_no_module_imports_a_private_name_from_another():
    found = [line for p in MODULES for line in _private_imports(p)]
    assert found == []


def test_importing_the_quiz_loads_neither_pandas_nor_matplotlib_nor_ipywidgets():
    # What a released notebook's set-up cell does: it must stay quick.
    code = ("import sys; from coursekit.quiz import SelfCheck, load_exercise_set; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'ipywidgets') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_version_is_kept_in_one_place():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "src/coursekit/__init__.py"
    from importlib.metadata import version

    assert version("coursekit") == coursekit.__version__


def test_conventions_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    assert "--dist loadfile" in config["pytest"]["ini_options"]["addopts"]
    assert "C90" in config["ruff"]["lint"]["select"]
    assert config["ruff"]["lint"]["mccabe"]["max-complexity"] == 15
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make lint" in ci and "make typecheck" in ci and "make test" in ci
