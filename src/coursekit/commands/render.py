"""``coursekit render --case PATH --out DIR``: run the case-generic lessons (and fitting exercises) on a case."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The lessons that serve any case (their first code cell, tagged
# `parameters`, sets CASE; cells about one case are tagged `case:<id>`).
# Lessons 00-03 and 05 are built on the NATO-Russia article paragraph by
# paragraph (and 05 on what happened after it) and are not rendered.
GENERIC_NOTEBOOKS: tuple[str, ...] = ("04_comparing_claims.ipynb", "explore_a_case.ipynb")

# Rendered exercise sets are instructor sources (solutions included): a name
# that says so, apart from the lessons that students may be shown.
EXERCISES_OUT = "instructor-exercises"

HELP = "run the case-generic notebooks on a case and write them as HTML"
DESCRIPTION = f"""\
Validate a case, then execute each case-generic lesson
({", ".join(GENERIC_NOTEBOOKS)}) for that case, and write the executed
notebook (.ipynb) and a web page (.html) of each into DIR. Cells tagged for
another case are left out; the case's commentary.md (one section per
anchor, see docs/authoring-a-case.md) is put in their place. CASE in the
written notebooks is the case id, or the case folder relative to DIR.

Exercise sets (exercises/*.ipynb) are rendered into DIR/instructor-exercises
(instructor copies, with solutions: make student copies with coursekit
release) when their keys follow the case (key_from rules the case's data answers); the
others are listed as skipped, each with the reason.

An invalid case or commentary is not rendered: its problems are listed
instead. Exit status 0 when every notebook ran, 1 otherwise.

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
    parser.add_argument("--exercises", metavar="DIR", default=None,
                        help="folder holding the exercise sources (default: ./exercises, else the "
                             "coursekit source checkout's exercises/)")
    parser.add_argument("--exercise", action="append", metavar="NAME", dest="exercise_names",
                        help="consider only this exercise set (repeatable); default: all")
    parser.add_argument("--no-exercises", action="store_true", help="render the lessons only")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    parser.set_defaults(func=run)


def _source_dir(given: str | None, name: str) -> Path | None:
    if given:
        return Path(given)
    for candidate in (Path(name), Path(__file__).resolve().parents[3] / name):
        if candidate.is_dir():
            return candidate
    return None


def run(args: argparse.Namespace) -> int:
    from ..cases import load_case, resolve_case
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
    source_dir = _source_dir(args.notebooks, "notebooks")
    if source_dir is None:
        print("coursekit render: no notebooks/ folder here; run it from the coursekit "
              "repository or give --notebooks DIR.", file=sys.stderr)
        return 1
    names = args.names or list(GENERIC_NOTEBOOKS)
    missing = [n for n in names if not (source_dir / n).is_file()]
    if missing:
        print(f"coursekit render: not found in {source_dir}: {', '.join(missing)}", file=sys.stderr)
        return 1
    exercises: list[Path] = []
    exercise_dir = None if args.no_exercises else _source_dir(args.exercises, "exercises")
    if exercise_dir is not None:
        wanted = args.exercise_names
        exercises = sorted(p for p in exercise_dir.glob("*.ipynb") if not wanted or p.name in wanted)
        unknown = sorted(set(wanted or ()) - {p.name for p in exercises})
        if unknown:
            print(f"coursekit render: not found in {exercise_dir}: {', '.join(unknown)}", file=sys.stderr)
            return 1
    out = Path(args.out)
    from .._io import OutputError, claim_output

    inputs = [source_dir, folder, *([exercise_dir] if exercise_dir else [])]
    try:  # never into, over or above the lessons, the case, the exercises, the repository, or a
        # folder it did not write (rendering never overwrites its inputs)
        claim_output(out, command="render", inputs=inputs)
    except OutputError as exc:
        print(exc, file=sys.stderr)
        return 1
    return render(folder, [source_dir / n for n in names], out, args.timeout,
                  case_arg=args.case, exercises=exercises, case=load_case(folder))


def known_anchors(notebooks: Sequence[Path]) -> list[str]:
    """The anchors of the lessons given and of every generic lesson beside them.

    A case's commentary may hold sections for every generic lesson, rendered
    this time or not; a section no lesson has is a mistake.
    """
    import nbformat

    from ..case_cells import anchors_in

    paths = list(notebooks) + [d / g for d in dict.fromkeys(p.parent for p in notebooks)
                               for g in GENERIC_NOTEBOOKS if (d / g).is_file()]
    return list(dict.fromkeys(a for p in dict.fromkeys(paths)
                              for a in anchors_in(nbformat.read(p, as_version=4))))


@dataclass(frozen=True)
class _Job:
    """What every notebook of one render shares."""

    case: Any
    folder: Path
    given: str  # the case as the instructor typed it: CASE in the written notebooks follows it
    timeout: int


def _bound_elsewhere(sources: dict[Path, Any], case_id: str) -> bool:
    """Report (and say True for) lessons tagged only for other cases: they do not render for this one."""
    from ..case_cells import cell_cases

    bound = {path.name: sorted(set().union(*map(cell_cases, nb.cells))) for path, nb in sources.items()
             if path.name not in GENERIC_NOTEBOOKS}
    bound = {name: ids for name, ids in bound.items() if case_id not in ids}
    for name, ids in bound.items():
        what = f"a lesson about one case ({', '.join(ids)})" if ids else "not a generic lesson"
        print(f"{name} is {what}, not about {case_id}; lessons that render for any case: "
              f"{', '.join(GENERIC_NOTEBOOKS)} (docs/authoring-a-case.md says why).", file=sys.stderr)
    if bound:
        print("not rendered: leave those lessons out.", file=sys.stderr)
    return bool(bound)


def _run_one(job: _Job, nb: Any, name: str, target: Path, html: bool) -> bool:
    """Set CASE, execute in the target's folder, write it (and its web page); report."""
    import nbformat
    from nbconvert import HTMLExporter

    from .._io import write_atomic
    from ..case_cells import case_parameter, set_case_parameter
    from ..notebooks import execute_node, problems_in

    set_case_parameter(nb, case_parameter(job.given, job.folder, target.parent))
    try:
        nb = execute_node(nb, timeout=job.timeout, cwd=target.parent)
    except Exception as exc:  # report and go on with the others
        last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        print(f"FAILED ({type(exc).__name__}: {last[:500]})")
        return False
    errors = problems_in(nb, name)
    write_atomic(target, nbformat.writes(nb) + "\n")
    written = [target]
    if html:
        body, _ = HTMLExporter().from_notebook_node(nb)
        write_atomic(target.with_suffix(".html"), body)
        written.append(target.with_suffix(".html"))
    if errors:
        print("written, with problems:")
        for p in errors:
            print(f"  {p}")
        return False
    print("wrote " + " and ".join(map(str, written)))
    return True


def _render_exercises(job: _Job, exercises: Sequence[Path], out: Path) -> int:
    """Render the exercise sets that fit the case; report the others. Returns how many failed."""
    import nbformat

    from .._io import write_atomic
    from ..case_cells import adapt, case_parameter, exercise_set_fits, set_case_parameter

    done, skipped = 0, 0
    for path in exercises:
        reason = exercise_set_fits(path, job.case)
        if reason:
            skipped += 1
            print(f"skipped exercise set {path.name}: {reason}.")
            continue
        target = out / EXERCISES_OUT / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nb = adapt(nbformat.read(path, as_version=4), job.case.id, {})
        set_case_parameter(nb, case_parameter(job.given, job.folder, target.parent))
        # The set-up cell reads its own notebook by name: it must be in place before it runs.
        write_atomic(target, nbformat.writes(nb) + "\n")
        print(f"rendering exercise set {path.name} for {job.case.id} … ", end="", flush=True)
        if _run_one(job, nb, path.name, target, html=False):
            done += 1
        else:
            target.unlink(missing_ok=True)
    if exercises:
        print(f"exercise sets: {done} rendered into {out / EXERCISES_OUT}, {skipped} skipped "
              f"(of {len(exercises)})")
    if done:
        print(f"{out / EXERCISES_OUT} holds instructor copies WITH SOLUTIONS: do not give it to students; "
              f"make their copies with: coursekit release {out / EXERCISES_OUT} --out DIR")
    return len(exercises) - skipped - done


def render(case_folder: Path, notebooks: list[Path], out: Path, timeout: int = 300, *,
           case_arg: str | None = None, exercises: Sequence[Path] = (), case: Any = None) -> int:
    """Execute each lesson for the case (its cells only, its commentary); write .ipynb and .html.

    ``case_arg`` is what the instructor typed for the case (an id or a
    folder); the written notebooks' ``CASE`` follows it.  Exercise sets that
    fit the case (see :func:`coursekit.case_cells.exercise_set_fits`) are
    executed into ``out/instructor-exercises``; the others are reported as skipped.
    """
    import nbformat

    from .._io import mark_output
    from ..case_cells import COMMENTARY_FILE, adapt, read_commentary
    from ..cases import load_case

    job = _Job(case if case is not None else load_case(case_folder), case_folder,
               case_arg or str(case_folder), timeout)
    sources = {path: nbformat.read(path, as_version=4) for path in notebooks}
    if _bound_elsewhere(sources, job.case.id):
        return 1
    commentary = read_commentary(case_folder, known_anchors(notebooks))
    if commentary.problems:
        for problem in commentary.problems:
            print(problem, file=sys.stderr)
        print(f"not rendered: fix the problems above in {commentary.path}.", file=sys.stderr)
        return 1
    if commentary.sections:
        print(f"commentary: {len(commentary.sections)} section(s) from {COMMENTARY_FILE}")
    out.mkdir(parents=True, exist_ok=True)
    mark_output(out, "render")
    done = 0
    for path, source in sources.items():
        print(f"rendering {path.name} for {job.case.id} … ", end="", flush=True)
        done += _run_one(job, adapt(source, job.case.id, commentary.sections), path.name,
                         out / path.name, html=True)
    print(f"{done} of {len(notebooks)} notebooks rendered into {out}")
    failed = (len(notebooks) - done) + _render_exercises(job, exercises, out)
    return 1 if failed else 0
