"""JupyterLite site: its size, time to first output in Chromium, and the tab's memory.

``make lite-bench`` (not part of ``make test``):

1. builds the site twice with ``coursekit lite``: the default (Pyodide from
   the CDN) and self-hosted (``--pyodide`` with the fixture of
   ``tests/browser/lite_fixture.py``), and records each one's size on disk;
2. serves the self-hosted site on 127.0.0.1 with ``python -m http.server``
   and, in Debian's Chromium (Playwright), opens lesson 00 and lesson 04:
   **cold** (a new browser context: empty cache, no service worker) and
   **warm** (the same context again: the HTTP cache holds Pyodide and the
   packages).  Each time: clear the outputs, Run All, and measure from the
   navigation to the first output of a code cell, and to the last cell;
3. after lesson 04, the resident memory of the tab's renderer process (the
   page and its Web Worker, where Pyodide runs);

and writes them under "lite" in results.json and the "JupyterLite site"
section of results.md, beside the hub's per-student memory (``make hub-check``).

The default site cannot be timed here (no internet: it loads Pyodide from
the CDN); its first load fetches the same Pyodide files from the CDN instead
of the site.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
WORK = ROOT / "benchmarks" / "_work" / "lite"
CELLS = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell"
LESSONS = ("notebooks/00_start_here.ipynb", "notebooks/04_comparing_claims.ipynb")
TIMEOUT = 300_000


def size_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def build(out: Path, pyodide: Path | None) -> None:
    from coursekit.lite import build_lite_site

    build_lite_site(ROOT, out, pyodide=pyodide, lite_env=ROOT / ".venv-lite", force=True)


def every_cell_attached(site: Path) -> None:
    """As the browser test does: no notebook windowing, so the last cell can be watched."""
    path = site / "jupyter-lite.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["jupyter-config-data"].setdefault("settingsOverrides", {})[
        "@jupyterlab/notebook-extension:tracker"] = {"windowingMode": "none"}
    path.write_text(json.dumps(config), encoding="utf-8")


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar").get_by_role("menuitem", name=top, exact=True).click()
    page.locator(".lm-Menu").get_by_role("menuitem", name=re.compile("^" + re.escape(item))).first.click()


def run_lesson(page, url: str) -> dict[str, float]:
    """Open, clear, Run All; seconds from navigation to the first output and to the last cell."""
    start = time.monotonic()
    page.goto(url)
    page.locator(CELLS).first.wait_for(timeout=TIMEOUT)
    shown = time.monotonic() - start
    menu(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function("sel => !document.querySelector(sel + ' .jp-OutputArea-output')",
                           arg=CELLS, timeout=TIMEOUT)
    menu(page, "Run", "Run All Cells")
    page.locator(f"{CELLS} .jp-OutputArea-output").first.wait_for(state="attached", timeout=TIMEOUT)
    first = time.monotonic() - start
    page.wait_for_function(
        """sel => { const c = [...document.querySelectorAll(sel)]; const last = c[c.length - 1];
                    return last && [...last.querySelectorAll('.jp-InputPrompt, .jp-OutputPrompt')]
                           .some(p => /\\[\\d+\\]/.test(p.textContent)); }""",
        arg=CELLS, timeout=TIMEOUT, polling=200)
    return {"notebook_shown_s": round(shown, 1), "first_output_s": round(first, 1),
            "all_cells_s": round(time.monotonic() - start, 1)}


def renderer_mib() -> float | None:
    """Resident memory of the largest Chromium renderer among our descendants (the tab)."""
    import psutil

    best = None
    for proc in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "--type=renderer" in " ".join(proc.cmdline()):
                rss = proc.memory_info().rss
                best = rss if best is None or rss > best else best
        except psutil.Error:
            continue
    return None if best is None else round(best / 2**20, 1)


def measure(site: Path) -> dict:
    from conftest import CHROMIUM_ARGS, _free_port
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1",
                               "--directory", str(site), str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results: dict = {}
    try:
        time.sleep(1)
        base = f"http://127.0.0.1:{port}/lab/index.html?path="
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                         args=CHROMIUM_ARGS)
            for lesson in LESSONS:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                cold = run_lesson(page, base + lesson)
                memory = renderer_mib()
                page.close()
                page = context.new_page()
                warm = run_lesson(page, base + lesson)
                results[lesson] = {"cold": cold, "warm": warm, "tab_rss_mib": memory}
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
    return results


def markdown(r: dict) -> str:
    hub = r.get("hub_memory_mib") or {}
    lines = [
        f"`make lite-bench` (`benchmarks/lite_bench.py`), {r['date']}, on a machine with {r['cpus']} CPUs "
        f"(load average before/after: {r['loadavg_before']} / {r['loadavg_after']}; other work was running, "
        "so the times are upper bounds). The site is `coursekit lite` with jupyterlite-core "
        f"{r['jupyterlite_core']}, jupyterlite-pyodide-kernel {r['pyodide_kernel']} and Pyodide "
        f"{r['pyodide']}; timed in Debian's Chromium (headless) from a plain static file server on "
        "127.0.0.1, so no network latency is included.",
        "",
        "| site | size on disk |",
        "|---|---|",
        f"| default (Pyodide from the CDN) | {r['size_mb']['default']} MB |",
        f"| self-hosted (`--pyodide`, trimmed to the kit's packages) | {r['size_mb']['self_hosted']} MB "
        f"(of which Pyodide {r['size_mb']['pyodide']} MB) |",
        "",
        "| lesson | cold: first output | cold: all cells | warm: first output | warm: all cells | "
        "tab memory (renderer RSS) |",
        "|---|---|---|---|---|---|",
    ]
    for lesson, m in r["lessons"].items():
        lines.append(f"| `{Path(lesson).name}` | {m['cold']['first_output_s']} s | {m['cold']['all_cells_s']} s | "
                     f"{m['warm']['first_output_s']} s | {m['warm']['all_cells_s']} s | "
                     f"{m['tab_rss_mib']} MiB |")
    lines += [
        "",
        "Cold: a new browser context (empty cache, no service worker); notebook windowing off, as in the "
        "browser test, so the last cell can be watched; times from the navigation, with Run "
        "All clicked as soon as the notebook shows, so they include starting Pyodide and loading pandas, "
        "matplotlib and the kit's wheels. Warm: the same context, a new tab (HTTP cache warm; Pyodide "
        "starts again in each tab). The tab memory is the resident memory of the tab's renderer process "
        "(the page and the Web Worker running Pyodide) after the lesson ran; it is on the student's "
        "computer.",
        "",
        f"Beside the hub: a JupyterHub student costs the server about {hub.get('rss_median', '?')} MiB RSS "
        f"({hub.get('pss_median', '?')} MiB PSS) after lesson 04 (\"JupyterHub check\" above); the "
        "JupyterLite site costs the server nothing per student beyond serving static files (a class "
        f"downloads the site's {r['size_mb']['self_hosted']} MB once per browser when self-hosted; with the "
        "default site, Pyodide comes from the CDN).",
    ]
    return "\n".join(lines) + "\n"


def report() -> int:
    """Rewrite the section from results.json, measuring nothing."""
    from _results import read_json, update_section

    update_section("JupyterLite site", markdown(read_json()["lite"]))
    return 0


def main() -> int:
    if "--report" in sys.argv[1:]:
        return report()
    from _results import read_json, update_json, update_section
    from lite_fixture import FixtureUnavailable, pyodide_distribution

    try:
        pyodide = pyodide_distribution()
    except FixtureUnavailable as exc:
        print(f"lite-bench: the self-hosted Pyodide cannot be had: {exc}", file=sys.stderr)
        return 1
    loadavg_before = round(os.getloadavg()[0], 2)
    WORK.mkdir(parents=True, exist_ok=True)
    build(WORK / "default", None)
    build(WORK / "self-hosted", pyodide)
    sizes = {"default": size_mb(WORK / "default"), "self_hosted": size_mb(WORK / "self-hosted"),
             "pyodide": size_mb(WORK / "self-hosted" / "static" / "pyodide")}
    every_cell_attached(WORK / "self-hosted")
    lessons = measure(WORK / "self-hosted")
    versions = {}
    for line in (ROOT / "requirements" / "lite.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        versions[name.strip()] = version.strip()
    record = {
        "date": date.today().isoformat(),
        "cpus": os.cpu_count(),
        "loadavg_before": loadavg_before,
        "loadavg_after": round(os.getloadavg()[0], 2),
        "jupyterlite_core": versions.get("jupyterlite-core"),
        "pyodide_kernel": versions.get("jupyterlite-pyodide-kernel"),
        "pyodide": json.loads((pyodide / "pyodide-lock.json").read_text())["info"]["version"],
        "size_mb": sizes,
        "lessons": lessons,
        "hub_memory_mib": (read_json().get("hub_check") or {}).get("memory_mib"),
    }
    update_json("lite", record)
    update_section("JupyterLite site", markdown(record))
    print(markdown(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
