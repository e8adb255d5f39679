"""The ``coursekit`` command line: ``validate``, help and exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import __version__, available_cases, load_case
from coursekit.cli import main
from coursekit.validation import read_case_folder

REPO_ROOT = Path(__file__).resolve().parent.parent
CASE_REL = "data/cases/nato-russia-2013"


def coursekit_command() -> list[str]:
    """The installed console script when there is one, else the module."""
    script = Path(sys.executable).with_name("coursekit")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "coursekit.cli"]


def run(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*coursekit_command(), *args], capture_output=True, text=True, cwd=cwd, timeout=60,
    )


def call(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``coursekit ARGS`` in this process; return (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's --help and usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --- validate -------------------------------------------------------------------------


def test_validate_the_real_case_from_a_shell():
    result = run("validate", CASE_REL)
    assert result.returncode == 0, result.stderr
    claims = len(load_case("nato-russia-2013").claims)
    assert result.stdout == f"{CASE_REL}: valid ({claims} claims, 8 actors, 10 topics)\n"
    assert result.stderr == ""


def test_validate_counts_what_it_read(capsys, real_case_dir):
    raw = read_case_folder(real_case_dir)
    code, out, err = call(capsys, "validate", str(real_case_dir))
    assert (code, err) == (0, "")
    assert out == (
        f"{real_case_dir}: valid ({len(raw.tables['claims.csv'])} claims, "
        f"{len(raw.tables['actors.csv'])} actors, {len(raw.tables['topics.csv'])} topics)\n"
    )


def test_validate_a_bundled_case_by_id(capsys):
    code, out, err = call(capsys, "validate", "nato-russia-2013")
    assert code == 0, err
    claims = len(load_case("nato-russia-2013").claims)
    assert out.endswith(f"nato-russia-2013: valid ({claims} claims, 8 actors, 10 topics)\n")


def test_validate_a_broken_copy_lists_every_problem_on_stderr(case_copy, capsys):
    stance = case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "stance", "maybe")
    kind = case_copy.set_cell("actors.csv", ("actor_id", "nato"), "kind", "bloc")
    case_copy.file("glossary.csv").unlink()
    code, out, err = call(capsys, "validate", str(case_copy.path))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{case_copy.path}: 3 problems in this case folder",
        "  glossary.csv: is missing; every case folder needs article.txt, case.toml, actors.csv, "
        "topics.csv, claims.csv, timeline.csv, glossary.csv. Fix: add the file (coursekit "
        "new-case writes a template of each).",
        f"  actors.csv:{kind}: column 'kind': is 'bloc', which is not a known kind of actor; "
        "expected one of: person, organisation, state, group.",
        f"  claims.csv:{stance}: column 'stance': is 'maybe', which is not a known stance; "
        "expected one of: support, oppose, neutral.",
    ]


def test_validate_a_broken_copy_from_a_shell(case_copy):
    case_copy.set_cell("claims.csv", ("claim_id", "lavrov-auditors"), "start", "x")
    result = run("validate", str(case_copy.path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "claims.csv:12: column 'start': is 'x'; expected a whole number" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("where", ["no/such/case", "no-such-case"])
def test_validate_a_path_that_does_not_exist(where, tmp_path):
    result = run("validate", where, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    bundled = ", ".join(available_cases())
    if "/" in where:
        assert result.stderr.splitlines()[-1] == (
            f"  {where}: does not exist; expected a case id (one of: {bundled}) or the path "
            "of a case folder."
        )
    else:
        assert result.stderr.splitlines()[-1] == (
            f"  {where}: is neither a case folder nor a bundled case id; bundled cases: {bundled}."
        )


def test_validate_a_file_instead_of_a_folder(capsys, real_case_dir):
    code, out, err = call(capsys, "validate", str(real_case_dir / "claims.csv"))
    assert code == 1
    assert "claims.csv: is a file, not a case folder" in err


def test_validate_an_empty_folder_lists_every_missing_file(capsys, tmp_path):
    code, out, err = call(capsys, "validate", str(tmp_path))
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"{tmp_path}: 7 problems in this case folder"
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "article.txt", "case.toml", "actors.csv", "topics.csv", "claims.csv", "timeline.csv",
        "glossary.csv",
    ]


def test_validate_needs_a_path(capsys):
    code, out, err = call(capsys, "validate")
    assert code == 2
    assert "the following arguments are required: PATH" in err


# --- help ---------------------------------------------------------------------------------


def test_help_says_what_the_kit_and_its_commands_do(capsys):
    code, out, err = call(capsys, "--help")
    assert code == 0
    assert out.startswith("usage: coursekit")
    assert "a Jupyter teaching kit on arms-control diplomacy" in out
    assert "validate" in out and "check a case folder and list every problem" in out


def test_validate_help_says_what_it_checks_and_its_exit_codes(capsys):
    code, out, err = call(capsys, "validate", "--help")
    assert code == 0
    assert out.startswith("usage: coursekit validate [-h] PATH")
    assert "against the case data contract" in out
    assert "Exit status: 0 when the case is valid, 1 when it has" in out
    assert "coursekit validate data/cases/nato-russia-2013" in out


def test_no_arguments_prints_help(capsys):
    code, out, err = call(capsys)
    assert code == 2  # a usage error, as argparse reports one, but with the whole help
    assert out.startswith("usage: coursekit")
    assert "Run `coursekit COMMAND --help`" in out


def test_no_arguments_from_a_shell():
    result = run()
    assert result.returncode == 2
    assert "usage: coursekit" in result.stdout
    assert "Traceback" not in result.stderr


def test_version(capsys):
    code, out, _ = call(capsys, "--version")
    assert (code, out) == (0, f"coursekit {__version__}\n")


def test_the_console_script_is_installed():
    # pyproject's [project.scripts]; the tests above fall back to `python -m` without it.
    assert shutil.which("coursekit") or Path(sys.executable).with_name("coursekit").is_file()
