"""Benchmark: the whole grading loop for 1,000 students, marks and late work included, then an export.

Builds 1,000 students, one notebook each of exercise set 01 (the copy
`coursekit release` makes, executed, answers filled in as in
``bench_grading.py``), a ``marks.csv`` with a mark for every written answer,
a late-work policy with every student's submission time, and a Canvas
roster of the same 1,000; then measures, each in a fresh process as an
instructor runs them:

* ``coursekit grade`` (reading marks.csv and the times; every output);
* ``coursekit export --to canvas --roster``;

and the two together, several runs.  Target: under 5 s together on the
2-core machine.  Writes the "grading_loop" key of ``results.json`` and the
"Grading loop" section of ``results.md``.  ``--quick``: 200 students, 2 runs.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_grading import fill_answers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
TARGET_SECONDS = 5.0
SET_ID = "01_attribution"


def build(folder: Path, students: int) -> tuple[Path, Path, Path]:
    """Submissions, a grading.toml with times, and a Canvas roster; returns (subs, config, roster)."""
    import random

    from coursekit.grading import load_exercise_sets
    from coursekit.release import release

    released = {p.stem: p for p in release(EXERCISES, folder / "release")}
    blank = json.loads(released[SET_ID].read_text(encoding="utf-8"))
    (ex,) = [s for s in load_exercise_sets(EXERCISES) if s.set_id == SET_ID]
    rng = random.Random(2013)
    subs = folder / "submissions"
    subs.mkdir()
    times = ["student,submitted"]
    roster = ["Student,ID,SIS User ID,SIS Login ID,Section", "    Points Possible,,,,"]
    for i in range(students):
        name = f"student{i:04d}"
        ability = rng.uniform(0.3, 0.95)
        nb = fill_answers(json.loads(json.dumps(blank)), ex, rng, ability)
        (subs / f"{name}.ipynb").write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                            encoding="utf-8")
        day = 8 if rng.random() < 0.85 else rng.choice([9, 10, 12])
        times.append(f"{name},2026-12-{day:02d}T16:{rng.randint(0, 59):02d}:00+00:00")
        roster.append(f'"Student, {i:04d}",{10000 + i},S{i},{name},Section {i % 3 + 1}')
    config = folder / "grading.toml"
    config.write_text('[late]\ndue = "2026-12-08T17:00:00+00:00"\npolicy = "percent-per-day"\n'
                      'percent = 10\ntimes = "submitted.csv"\n', encoding="utf-8")
    (folder / "submitted.csv").write_text("\n".join(times) + "\n", encoding="utf-8")
    roster_path = folder / "canvas.csv"
    roster_path.write_text("\n".join(roster) + "\n", encoding="utf-8")
    return subs, config, roster_path


def _cli(*args: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds: user + system) of one command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coursekit.cli", *args], check=False, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run(quick: bool = False) -> dict[str, Any]:
    from coursekit.grading.marking import read_to_mark
    from coursekit.grading.marks import Mark, write_marks

    students, runs = (200, 2) if quick else (1000, 5)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as tmp:
        folder = Path(tmp)
        subs, config, roster = build(folder, students)
        out = folder / "results"
        grade = ["grade", str(subs), "--exercises", str(EXERCISES), "--out", str(out), "-q",
                 "--late-config", str(config)]
        _cli(*grade)  # a first run lists the written answers; the instructor marks them all
        marks = [Mark(q.set_id, q.qid, a.student, min(q.points, 1 + i % 2), "ok", a.sha)
                 for q in read_to_mark(out) for i, a in enumerate(q.answers)]
        write_marks(out / "marks.csv", marks)
        grade_s, export_s, cpu = [], [], []
        for _ in range(runs):
            (g, gc), (e, ec) = _cli(*grade), _cli("export", str(out), "--to", "canvas", "--roster", str(roster))
            grade_s.append(g)
            export_s.append(e)
            cpu.append(gc + ec)
        book = (out / "gradebook.csv").read_text(encoding="utf-8").splitlines()
        exported = (out / "export-canvas.csv").read_text(encoding="utf-8").splitlines()
        late = sum(1 for line in book[1:] if re.search(r",[1-9]\d*,[\d.]+,(graded|partial)", line))
    both = [g + e for g, e in zip(grade_s, export_s, strict=True)]
    record = {
        "students": students, "quick": quick, "marks": len(marks),
        "late_students": late, "exported_rows": len(exported) - 2,
        "grade_seconds_runs": [round(s, 3) for s in grade_s],
        "export_seconds_runs": [round(s, 3) for s in export_s],
        "grade_seconds_median": round(statistics.median(grade_s), 3),
        "export_seconds_median": round(statistics.median(export_s), 3),
        "loop_seconds_median": round(statistics.median(both), 3),
        "loop_cpu_seconds_median": round(statistics.median(cpu), 3),
        "target_seconds": TARGET_SECONDS,
        "meets_target": bool(statistics.median(both) < TARGET_SECONDS),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(), "python": platform.python_version(),
    }
    from _results import update_json, update_section

    update_json("grading_loop", record)
    update_section("Grading loop", _markdown(record))
    return record


def _markdown(r: dict[str, Any]) -> str:
    load = r["loadavg_before"][0], r["loadavg_after"][0]
    busy = " (the machine was busy: other work was running)" if max(load) > r["cpus"] else ""
    return f"""`benchmarks/bench_loop.py`{' --quick' if r['quick'] else ''}: {r['students']} students, one notebook each
(exercise set 01 as released and executed, answers filled in), {r['marks']} marks in `marks.csv` (every
written answer), a late policy with each student's submission time ({r['late_students']} late), and a
Canvas roster of the same students. Each command in a fresh process, as an instructor runs it.

| measure | median | runs (s) |
|---|---|---|
| `coursekit grade` with marks and late work | {r['grade_seconds_median']:.2f} s | {', '.join(f'{s:.2f}' for s in r['grade_seconds_runs'])} |
| `coursekit export --to canvas --roster` ({r['exported_rows']} rows) | {r['export_seconds_median']:.2f} s | {', '.join(f'{s:.2f}' for s in r['export_seconds_runs'])} |
| both | **{r['loop_seconds_median']:.2f} s** | |
| both, CPU time (user + system; less sensitive to other load) | {r['loop_cpu_seconds_median']:.2f} s | |

Target: under {r['target_seconds']:.0f} s for both: {'met' if r['meets_target'] else 'NOT met'}.
Machine: {r['cpus']} CPUs, Python {r['python']}; load average {load[0]:.2f} before, {load[1]:.2f} after{busy}.
"""


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
