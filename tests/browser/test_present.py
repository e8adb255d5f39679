"""``coursekit present`` in a real browser: the projector dashboard of lesson 04.

The command runs from a copy of the lessons (see conftest.py), so it finds
its default notebook (``notebooks/04_comparing_claims.ipynb``) relative to
the current folder, as an instructor's would.  The test passes a short
kernel cull timeout so that it can check, within a minute, that reloading
the page does not leave a kernel behind per reload.
"""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import (
    ComparerOnPage,
    Server,
    _free_port,
    _isolated_env,
    check_missile_defence,
    copy_lessons,
    screenshot,
    wait_for_voila,
)

pytestmark = pytest.mark.browser

CULL_IDLE_TIMEOUT = 5  # seconds; the command's default is minutes
CULL_INTERVAL = 1
RELOADS = 2
ABANDONED = 2  # pages closed without unload handlers
FETCHED = 2  # pages fetched over plain HTTP, never connected
# After the cull: the open page's kernel, plus at most one the culler has not
# reached yet (a kernel goes idle a moment after its page has rendered).
MAX_KERNELS_AFTER_CULL = 2
PAGE_TIMEOUT = 90_000  # ms: each page load executes the whole notebook in a new kernel

LESSON_PATH = "voila/render/04_comparing_claims.ipynb"

# Source code as the notebook's own cells spell it: none of it may reach the page.
CODE_FRAGMENTS = ("import coursekit", "StanceComparer(case", "load_case(CASE)")


def kernel_processes(server: Server) -> list[int]:
    """Process ids of the ipykernel processes the server started."""
    import psutil

    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.Error:
        return []
    kernels = []
    for child in children:
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                kernels.append(child.pid)
        except psutil.Error:
            continue
    return kernels


@pytest.fixture
def presenter(tmp_path: Path):
    """``coursekit present --port N`` run from a copy of the lessons; stopped at teardown."""
    root = copy_lessons(tmp_path / "work").parent
    env = _isolated_env(tmp_path / "home")
    args = [
        sys.executable, "-m", "coursekit.cli", "present",
        f"--port={_free_port()}",
        f"--cull-idle-timeout={CULL_IDLE_TIMEOUT}",
        f"--cull-interval={CULL_INTERVAL}",
        "--max-kernels=10",  # the reload test starts 7 pages in under a minute (the cap is tested elsewhere)
    ]
    server = Server("coursekit present", args, cwd=root, env=env, log=tmp_path / "present.log")
    try:
        wait_for_voila(server)
        # It serves the lessons' folder; the lesson itself is one page of it.
        server.lesson_url = server.url + LESSON_PATH
        yield server
    finally:
        server.stop()
    assert not kernel_processes(server), "kernels outlived the presenter"


def open_dashboard(page, url: str) -> ComparerOnPage:
    page.goto(url, timeout=PAGE_TIMEOUT)
    comparer = ComparerOnPage(page)
    comparer.wait(timeout=PAGE_TIMEOUT)
    return comparer


def test_present_serves_lesson_04_without_code(presenter, page, missile_defence):
    """Outputs only, a working comparer, and no axe-core violations in what the kit renders."""
    from .axe import axe_available, check_page

    axe_available()
    log = presenter.log_tail()
    assert "04_comparing_claims.ipynb" in log, "present did not say which notebook it serves"
    assert presenter.url.startswith("http://127.0.0.1:"), "present must listen on loopback only"

    comparer = open_dashboard(page, presenter.lesson_url)

    # No code: no code cell input areas or editors (markdown cells keep theirs:
    # rendered text), and none of the notebook's source text.
    assert page.locator(".jp-CodeCell").count() > 0, "no code cell outputs on the page"
    for selector in (".jp-CodeCell .jp-InputArea", ".jp-InputArea-editor", ".cm-editor", ".CodeMirror"):
        assert page.locator(selector).count() == 0, f"the dashboard shows code ({selector})"
    text = page.locator("body").inner_text()
    for fragment in CODE_FRAGMENTS:
        assert fragment not in text, f"the dashboard shows source code: {fragment!r}"

    comparer.root.scroll_into_view_if_needed()
    check_missile_defence(comparer, missile_defence)
    screenshot(page, "present-04_comparing_claims-missile_defence")

    # Accessibility (in the same page load: each load runs the whole notebook).
    page.locator(".ck-figure img").first.wait_for(timeout=PAGE_TIMEOUT)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    check_page(page, "present-04", ["#rendered_cells .jp-MarkdownOutput", "#rendered_cells .jp-OutputArea-output"])


def test_reloads_do_not_pile_up_kernels(presenter, chromium, page, missile_defence):
    open_dashboard(page, presenter.lesson_url)
    for _ in range(RELOADS):
        page.reload(timeout=PAGE_TIMEOUT)
        ComparerOnPage(page).wait(timeout=PAGE_TIMEOUT)
    # Pages that go away without a goodbye (a laptop lid shut, a crashed tab):
    # Playwright closes them without running unload handlers, so only the
    # culler can reclaim their kernels.
    for _ in range(ABANDONED):
        context = chromium.new_context()
        try:
            open_dashboard(context.new_page(), presenter.lesson_url)
        finally:
            context.close()
    # Fetched without a browser: each request runs the notebook in a kernel no
    # page ever connects to (plain Voila keeps those kernels for good).
    for _ in range(FETCHED):
        with urllib.request.urlopen(presenter.lesson_url, timeout=PAGE_TIMEOUT / 1000) as response:
            assert response.status == 200
    peak = len(kernel_processes(presenter))
    # The fetched pages' kernels are fresh, so the culler has work to do; else this proves nothing.
    assert peak > MAX_KERNELS_AFTER_CULL, f"only {peak} kernels before the cull"

    # Wait for the culler: idle timeout plus a few intervals.
    deadline = time.monotonic() + CULL_IDLE_TIMEOUT + 10 * CULL_INTERVAL + 20
    while len(kernel_processes(presenter)) > 1 and time.monotonic() < deadline:
        time.sleep(CULL_INTERVAL)
    left = len(kernel_processes(presenter))
    assert 1 <= left <= MAX_KERNELS_AFTER_CULL, (
        f"{left} kernels after {RELOADS} reloads, {ABANDONED} abandoned pages, {FETCHED} fetches "
        f"and the cull "
        f"interval (peak {peak}); expected the open page's kernel and at most "
        f"{MAX_KERNELS_AFTER_CULL - 1} more"
    )

    # The open page's kernel is connected, so it was not culled: the widgets still answer.
    check_missile_defence(ComparerOnPage(page), missile_defence)
    print(f"kernels: peak {peak} after {RELOADS} reloads, {ABANDONED} abandoned pages "
          f"and {FETCHED} fetches, "
          f"{left} after the cull")


def test_present_links_to_the_next_lesson_and_stays_offline(presenter, page):
    """"Next: 05" opens lesson 05 in the presenter; no page asks anything of another host."""
    from playwright.sync_api import expect

    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((presenter.url, "blob:" + presenter.url, "data:")) else elsewhere.append(r.url))
    open_dashboard(page, presenter.lesson_url)
    link = page.locator("a[href$='05_what_happened_next.ipynb']").first
    with page.expect_response(lambda r: r.url.endswith("05_what_happened_next.ipynb")) as answer:
        link.click()
    assert answer.value.status == 200, f"the Next link answers {answer.value.status}"
    expect(page.locator("h1").first).to_contain_text("What happened next", timeout=PAGE_TIMEOUT)
    assert elsewhere == [], f"the presenter's pages requested other hosts: {elsewhere}"
