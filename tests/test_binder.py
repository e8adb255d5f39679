"""binder/: the Binder (repo2docker) configuration agrees with the pinned versions.

binder/requirements.txt repeats the pins of the direct dependencies and
constrains the rest with requirements/constraints.txt; these tests keep the
two from drifting apart.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
BINDER = REPO_ROOT / "binder"
CONSTRAINTS = REPO_ROOT / "requirements" / "constraints.txt"
# Extras a Binder user needs: "server" is JupyterLab and the kernel, "present"
# is coursekit present (Voila).  The "test" extra is for developers and stays
# out of the image.
BINDER_EXTRAS = ("server", "present")

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """PEP 503 normalised name: ``Jinja2`` and ``jinja2``, ``nest_asyncio`` and ``nest-asyncio`` match."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def pins(path: Path) -> dict[str, str]:
    """name -> version for every ``name==version`` line of a requirements file."""
    found = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.relative_to(REPO_ROOT)}: {line!r} is not pinned with =="
        found[canonical(name)] = version.strip()
    return found


def direct_dependencies() -> list[str]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in BINDER_EXTRAS:
        specs += project["optional-dependencies"][extra]
    return [canonical(_NAME.match(spec).group(1)) for spec in specs]


def test_binder_pins_every_direct_dependency_as_constraints_does():
    constraints = pins(CONSTRAINTS)
    binder = pins(BINDER / "requirements.txt")
    problems = []
    for name in direct_dependencies():
        if name not in constraints:
            problems.append(f"{name}: not pinned in requirements/constraints.txt")
        elif name not in binder:
            problems.append(f"{name}: missing from binder/requirements.txt; add {name}=={constraints[name]}")
        elif binder[name] != constraints[name]:
            problems.append(f"{name}: binder pins {binder[name]}, constraints.txt {constraints[name]}; "
                            f"set {name}=={constraints[name]} in binder/requirements.txt")
    assert not problems, "binder/requirements.txt has drifted:\n" + "\n".join(problems)


def test_binder_pins_nothing_that_constraints_does_not():
    constraints = pins(CONSTRAINTS)
    extra = {name: version for name, version in pins(BINDER / "requirements.txt").items()
             if constraints.get(name) != version}
    assert not extra, f"binder/requirements.txt pins versions constraints.txt does not: {extra}"


def test_binder_requirements_are_constrained_by_the_constraints_file():
    lines = requirement_lines(BINDER / "requirements.txt")
    constraint_lines = [line for line in lines if line.startswith(("-c", "--constraint"))]
    assert constraint_lines, "binder/requirements.txt must constrain every package with -c ../requirements/constraints.txt"
    for line in constraint_lines:
        target = line.split(maxsplit=1)[1] if " " in line else line.split("=", 1)[1]
        # pip resolves a nested -c path relative to the file that names it.
        assert (BINDER / target).resolve() == CONSTRAINTS.resolve(), f"{line!r} does not name constraints.txt"
    others = [line for line in lines if line.startswith("-") and line not in constraint_lines]
    assert not others, f"unexpected options in binder/requirements.txt: {others}"


def test_runtime_matches_requires_python():
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    match = re.fullmatch(r"python-(\d+)\.(\d+)", runtime)
    assert match, f"binder/runtime.txt should read python-X.Y, not {runtime!r}"
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    minimum = re.fullmatch(r">=\s*(\d+)\.(\d+)", project["requires-python"])
    assert minimum, project["requires-python"]
    assert tuple(map(int, match.groups())) >= tuple(map(int, minimum.groups()))


@pytest.mark.skipif(os.name != "posix", reason="executable bits are POSIX")
def test_postbuild_installs_the_kit_without_moving_pins():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable (git update-index --chmod=+x)"
    text = post_build.read_text(encoding="utf-8")
    assert text.startswith("#!"), "postBuild needs a shebang line"
    assert re.search(r"pip install\b.*--no-deps\b.*\s\.\s*$", text, re.MULTILINE), (
        "postBuild should install the kit itself with pip install --no-deps ."
    )
