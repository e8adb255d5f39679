"""Benchmark: grading a class by reading answer literals vs re-executing notebooks.

Builds a class of synthetic submissions, each a full exercise notebook as a
student saves it (the student copy made by ``coursekit release``, executed,
with answers filled in: right, wrong, partly right, unanswered, free text),
then measures

* ``coursekit grade`` end to end, in a fresh process (Python start-up,
  imports, loading the keys, grading, writing every output), several runs;
* the grading alone, in process, with the keys already loaded, several runs;
* executing a sample of the same submissions with nbclient, which is how
  nbgrader and otter-grader grade (they run each notebook, then its tests).

Run it as a script (``.venv/bin/python benchmarks/bench_grading.py``) or call
``run(quick=False)``; either writes the "grading" key of
``benchmarks/results.json`` (other keys kept) and the "Grading" section of
``benchmarks/results.md``.
"""

from __future__ import annotations

import copy
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
WRONG_SPAN = "By Nigel Chamberlain, NATO Watch"  # the byline: inside no claim
TARGET_SECONDS, TARGET_RATIO = 5.0, 300.0


def _answer(rng: random.Random, q: Any, solution: Any, ability: float) -> Any:
    """A plausible student answer: right with probability ``ability``, else a typical slip."""
    roll = rng.random()
    if roll < 0.04:
        return None
    if q.kind == "text":
        return rng.choice(["Lavrov spoke to Russian media, so the words were translated.",
                           "Both sides set conditions; missile defence is the main one.",
                           "I think the third condition was met, the others not really."])
    if roll < ability:
        return copy.deepcopy(solution)
    if q.kind == "single":
        return rng.choice([o for o in q.options if o != solution] or list(q.options))
    if q.kind == "multiple":
        return rng.sample(list(q.options), rng.randint(1, len(q.options)))
    if q.kind == "matching":
        return {item: rng.choice(list(q.options)) for item in q.items}
    if q.kind == "ordering":
        order = list(solution)
        rng.shuffle(order)
        return order
    if q.kind == "numeric":
        return solution + rng.choice([-2, -1, 1, 10])
    if q.kind == "span":
        return WRONG_SPAN
    return None


def fill_answers(nb: dict[str, Any], ex: Any, rng: random.Random, ability: float) -> dict[str, Any]:
    """A released copy (as JSON) with each answer cell's None replaced by a plausible answer."""
    for cell in nb["cells"]:
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith("answer:"):
                q = ex.question(tag[7:])
                value = _answer(rng, q, ex.solutions[q.qid], ability)
                source = "".join(cell["source"])
                cell["source"] = re.sub(rf"^{q.qid} = None$", f"{q.qid} = {value!r}", source, flags=re.M)
    return nb


def build_class(folder: Path, n_notebooks: int, seed: int = 2013) -> list[Path]:
    """n_notebooks submissions, three sets per student folder, from executed student copies."""
    from coursekit.grading import load_exercise_sets
    from coursekit.release import release

    released = release(EXERCISES, folder / "release")
    copies = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in released}
    sets = load_exercise_sets(EXERCISES)
    rng = random.Random(seed)
    paths = []
    for i in range(n_notebooks):
        ex = sets[i % len(sets)]
        if i % len(sets) == 0:
            ability = rng.uniform(0.3, 0.95)
        nb = fill_answers(copy.deepcopy(copies[ex.set_id]), ex, rng, ability)
        path = folder / "submissions" / f"student{i // len(sets):04d}" / f"{ex.set_id}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def time_cli(submissions: Path, out: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `coursekit grade` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coursekit.cli", "grade", str(submissions), "--exercises",
                    str(EXERCISES), "--out", str(out), "--quiet"], check=False, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def time_in_process(submissions: Path, out: Path, sets: list[Any]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of grade_class with the keys already loaded."""
    from coursekit.grading import grade_class

    started, cpu = time.perf_counter(), time.process_time()
    grade_class(submissions, sets, out)
    return time.perf_counter() - started, time.process_time() - cpu


def time_nbclient(paths: list[Path], workdir: Path) -> list[float]:
    """Execute each notebook with nbclient, as nbgrader and otter-grader do: seconds each."""
    import nbformat
    from nbclient import NotebookClient

    seconds = []
    for path in paths:
        started = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(workdir)}}).execute()
        seconds.append(time.perf_counter() - started)
    return seconds


def run(quick: bool = False) -> dict[str, Any]:
    """Measure, record under "grading" in results.json and results.md, and return the record."""
    from coursekit.grading import load_exercise_sets

    n_notebooks, runs, n_exec = (150, 3, 3) if quick else (1000, 5, 20)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        folder = Path(tmp)
        paths = build_class(folder, n_notebooks)
        submissions = folder / "submissions"
        sets = load_exercise_sets(EXERCISES)
        cli = [time_cli(submissions, folder / f"out-cli{i}") for i in range(runs)]
        inproc = [time_in_process(submissions, folder / f"out{i}", sets) for i in range(runs)]
        gradebook = (folder / "out0" / "gradebook.csv").read_text(encoding="utf-8")
        rng = random.Random(7)
        sample = sorted(rng.sample(paths, n_exec))
        executed = time_nbclient(sample, folder / "release")
    load_after = os.getloadavg()
    cli_cpu = [c for _, c in cli]
    inproc_cpu = [c for _, c in inproc]
    cli, inproc = [w for w, _ in cli], [w for w, _ in inproc]
    cli_median, inproc_median = statistics.median(cli), statistics.median(inproc)
    exec_median = statistics.median(executed)
    per_cli = cli_median / n_notebooks
    per_inproc = inproc_median / n_notebooks
    record = {
        "submissions": n_notebooks,
        "students": len(gradebook.splitlines()) - 1,
        "quick": quick,
        "cli_seconds_runs": [round(s, 3) for s in cli],
        "cli_seconds_median": round(cli_median, 3),
        "cli_cpu_seconds_runs": [round(s, 3) for s in cli_cpu],
        "cli_cpu_seconds_median": round(statistics.median(cli_cpu), 3),
        "grade_cpu_seconds_median": round(statistics.median(inproc_cpu), 3),
        "grade_seconds_runs": [round(s, 3) for s in inproc],
        "grade_seconds_median": round(inproc_median, 3),
        "ms_per_submission_cli": round(per_cli * 1000, 3),
        "ms_per_submission_grade": round(per_inproc * 1000, 3),
        "nbclient_executed": n_exec,
        "nbclient_seconds_each": [round(s, 3) for s in executed],
        "nbclient_seconds_median": round(exec_median, 3),
        "ratio_vs_cli": round(exec_median / per_cli, 1),
        "ratio_vs_grade": round(exec_median / per_inproc, 1),
        "target": {"seconds_for_1000": TARGET_SECONDS, "ratio": TARGET_RATIO},
        "meets_target": bool(cli_median * 1000 / n_notebooks < TARGET_SECONDS
                             and exec_median / per_cli >= TARGET_RATIO),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in load_after],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    _save(record)
    return record


def _save(record: dict[str, Any]) -> None:
    """Through the benchmarks' shared writer: other benchmarks' keys and sections are kept."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _results import update_json, update_section

    update_json("grading", record)
    update_section("Grading", _markdown(record).removeprefix("## Grading\n"))


def _markdown(r: dict[str, Any]) -> str:
    load = r["loadavg_before"][0], r["loadavg_after"][0]
    busy = " (the machine was busy: other engineers' tests were running)" if max(load) > r["cpus"] else ""
    per_k = 1000 / r["submissions"]
    return f"""## Grading

`benchmarks/bench_grading.py`{' --quick' if r['quick'] else ''}: {r['submissions']} synthetic submissions ({r['students']} students, a
folder each, three exercise sets), each a full student notebook as saved: the copy `coursekit release`
makes, executed, answers filled in (right, wrong, partly right, unanswered, free text).

| measure | median | per submission |
|---|---|---|
| `coursekit grade` end to end, fresh process ({len(r['cli_seconds_runs'])} runs: {', '.join(f'{s:.2f}' for s in r['cli_seconds_runs'])} s) | {r['cli_seconds_median']:.2f} s | {r['ms_per_submission_cli']:.2f} ms |
| the same, CPU time (user + system; less sensitive to other load) | {r['cli_cpu_seconds_median']:.2f} s | {r['cli_cpu_seconds_median'] * per_k:.2f} ms |
| grading in process, keys loaded ({len(r['grade_seconds_runs'])} runs; CPU {r['grade_cpu_seconds_median']:.2f} s) | {r['grade_seconds_median']:.2f} s | {r['ms_per_submission_grade']:.2f} ms |
| re-execution with nbclient (nbgrader, otter-grader), {r['nbclient_executed']} of the same notebooks | | {r['nbclient_seconds_median']:.2f} s |

- Re-execution takes **{r['ratio_vs_cli']:.0f}×** the time per submission of `coursekit grade` end to end
  ({r['ratio_vs_grade']:.0f}× the in-process grading). Target: ≥ {r['target']['ratio']:.0f}×, and 1,000
  submissions in under {r['target']['seconds_for_1000']:.0f} s: {'met' if r['meets_target'] else 'NOT met'}.
- End to end includes Python start-up, imports (pandas, matplotlib), loading the case and the three
  keys, and writing every output (gradebook, responses, item analysis and figure, one feedback page
  per student). Single process: no parallelism was needed.
- Machine: {r['cpus']} CPUs, Python {r['python']}; load average {load[0]:.2f} before, {load[1]:.2f} after{busy}.
"""


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    print(json.dumps(result, indent=2))
