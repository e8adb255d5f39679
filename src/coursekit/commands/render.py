"""``coursekit render --case PATH --out DIR``: run the case-generic notebooks on a case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The notebooks that serve any case (their first code cell, tagged
# `parameters`, sets CASE). The numbered lessons around them tell the
# NATO-Russia story and are not rendered for other cases.
GENERIC_NOTEBOOKS: tuple[str, ...] = ("04_comparing_claims.ipynb", "explore_a_case.ipynb")

HELP = "run the case-generic notebooks on a case and write them as HTML"
DESCRIPTION = f"""\
Validate a case, then execute each case-generic notebook
({", ".join(GENERIC_NOTEBOOKS)}) with CASE set to that case, and write the
executed notebook (.ipynb) and a web page (.html) of each into DIR.

An invalid case is not rendered: its problems are listed instead. Exit
status 0 when every notebook ran, 1 otherwise.

Example:
  coursekit render --case data/cases/water-talks-2024 --out rendered/water-talks-2024"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "render", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--case", required=True, metavar="PATH",
                        help="a case folder, or the id of a bundled case")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    parser.add_argument("--notebooks", metavar="DIR", default=None,
                        help="folder holding the notebooks (default: ./notebooks, else the "
                             "coursekit source checkout's notebooks/)")
    parser.add_argument("--notebook", action="append", metavar="NAME", dest="names",
                        help="render only this notebook (repeatable); default: "
                             + ", ".join(GENERIC_NOTEBOOKS))
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def _notebook_dir(given: str | None) -> Path | None:
    if given:
        return Path(given)
    for candidate in (Path("notebooks"), Path(__file__).resolve().parents[3] / "notebooks"):
        if candidate.is_dir():
            return candidate
    return None


def run(args: argparse.Namespace) -> int:
    from ..cases import resolve_case
    from ..validation import CaseError, read_case_folder

    try:
        folder = resolve_case(args.case).resolve()
    except CaseError as exc:
        print(exc, file=sys.stderr)
        return 1
    raw = read_case_folder(folder)
    if raw.problems:
        print(CaseError(folder, raw.problems), file=sys.stderr)
        print("not rendered: fix the problems above (coursekit validate lists them too).",
              file=sys.stderr)
        return 1
    source_dir = _notebook_dir(args.notebooks)
    if source_dir is None:
        print("coursekit render: no notebooks/ folder here; run it from the coursekit "
              "repository or give --notebooks DIR.", file=sys.stderr)
        return 1
    names = args.names or list(GENERIC_NOTEBOOKS)
    missing = [n for n in names if not (source_dir / n).is_file()]
    if missing:
        print(f"coursekit render: not found in {source_dir}: {', '.join(missing)}", file=sys.stderr)
        return 1
    return render(folder, [source_dir / n for n in names], Path(args.out), args.timeout)


def render(case_folder: Path, notebooks: list[Path], out: Path, timeout: int = 300) -> int:
    """Execute each notebook with ``CASE`` set to ``case_folder``; write .ipynb and .html."""
    import nbformat
    from nbconvert import HTMLExporter

    from .._io import write_atomic
    from ..notebooks import execute_notebook, problems_in

    out.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter()
    failed = 0
    for path in notebooks:
        print(f"rendering {path.name} for {case_folder.name} … ", end="", flush=True)
        try:
            nb = execute_notebook(path, timeout=timeout,
                                  parameters={"CASE": str(case_folder)}, cwd=path.parent)
        except Exception as exc:  # report and go on with the others
            failed += 1
            last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
            print(f"FAILED ({type(exc).__name__}: {last[:500]})")
            continue
        # Machine paths are expected here (CASE is an absolute path); errors are not.
        errors = [p for p in problems_in(nb, path.name) if "machine-specific" not in p]
        write_atomic(out / path.name, nbformat.writes(nb) + "\n")
        body, _ = exporter.from_notebook_node(nb)
        write_atomic(out / (path.stem + ".html"), body)
        if errors:
            failed += 1
            print("written, with problems:")
            for p in errors:
                print(f"  {p}")
        else:
            print(f"wrote {out / path.name} and {out / (path.stem + '.html')}")
    print(f"{len(notebooks) - failed} of {len(notebooks)} notebooks rendered into {out}")
    return 1 if failed else 0
