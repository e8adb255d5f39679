"""Real-browser fixtures: JupyterLab and Voila servers on copies of the lessons, and Chromium.

Every server serves a copy of ``notebooks/`` (and ``data/``) in the test's
temporary directory: JupyterLab autosaves open notebooks, and running cells
in the repository's own files would rewrite the committed outputs.  Each
server also gets its own runtime, settings, workspace and IPython folders,
so parallel pytest-xdist workers share nothing but the read-only sources.
Servers listen on ports the OS hands out (JupyterLab: port 0, read back from
its runtime file; Voila: a free port, read back from its log), so workers
never collide on a port.

Chromium is Debian's (``/usr/bin/chromium``), driven through Playwright's
Python API; Playwright's own browser downloads are never used.  Screenshots
go to ``test-artifacts/`` at the repository root (git-ignored): one per test
on success (written by the test) and one on failure (written here).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root (CI containers); Chromium's sandbox refuses root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The network reaches package registries only: keep Chromium from calling home.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SERVER_START_TIMEOUT = 60  # seconds for a server to answer HTTP
SERVER_STOP_TIMEOUT = 10  # seconds for a graceful stop before SIGKILL
LOG_TAIL = 4000  # characters of a server log quoted in a failure message

# Lab user settings for the test profile: no news/update requests to the
# internet (and no toast asking about them over the page), and every cell
# attached to the DOM so the tests can see every prompt.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
    # as `make lab` sets it: the annotator's coding is saved with the notebook
    "@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings": {
        "saveState": True,
    },
}


# --- Chromium ---------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.skip(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium. "
            "Install it with: sudo apt-get install chromium  (`make test` does this when run as root)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium(chromium_path: Path) -> Iterator[object]:
    """One headless Chromium per pytest worker."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    # Keep each phase's report on the item so the page fixture knows the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(chromium, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser page (own context: no shared cookies); screenshot kept on failure."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(30_000)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            path = screenshot(page, f"{request.node.name}-FAILED")
            request.node.add_report_section(
                "call", "browser",
                f"failure screenshot: {path}\nbrowser console (last 40):\n" + "\n".join(console[-40:]),
            )
        context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``test-artifacts/<name>.png``; return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", name) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True, timeout=10_000)
    except Exception as exc:  # a screenshot must never hide the real failure
        return Path(f"(screenshot failed: {exc})")
    return path


# --- lesson copies ----------------------------------------------------------


def copy_lessons(destination: Path) -> Path:
    """Copy ``notebooks/`` and ``data/`` under ``destination``; return the notebooks copy.

    ``data/`` comes along so a notebook that reads ``../data/...`` finds it in
    the copy; the kernel imports coursekit from the environment as usual.
    """
    for name in ("notebooks", "data"):
        source = REPO_ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return destination / "notebooks"


def require_notebook(folder: Path, name: str) -> Path:
    path = folder / name
    if not path.is_file():
        pytest.fail(f"notebooks/{name} does not exist in the repository; the browser test drives it.")
    return path


# --- server processes ---------------------------------------------------------


class Server:
    """A Jupyter server process started in its own session, with its log in a file."""

    def __init__(self, name: str, args: list[str], cwd: Path, env: dict[str, str], log: Path):
        self.name = name
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.url = ""

    def log_tail(self) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return text[-LOG_TAIL:]

    def fail(self, message: str) -> None:
        self.stop()
        pytest.fail(f"{self.name}: {message}\n--- server log ({self.log_path}) ---\n{self.log_tail()}",
                    pytrace=False)

    def check_running(self) -> None:
        if self.process.poll() is not None:
            self.fail(f"exited with status {self.process.returncode} while starting")

    def stop(self) -> None:
        """Stop the server and everything it started (kernels), always."""
        import psutil  # ipykernel depends on it; only needed here

        if self.process.poll() is None:
            try:
                children = psutil.Process(self.process.pid).children(recursive=True)
            except psutil.Error:
                children = []
            # Jupyter servers shut their kernels down on SIGTERM.
            try:
                self.process.terminate()
            except ProcessLookupError:
                pass
            try:
                self.process.wait(SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _kill_group(self.process.pid)
                self.process.wait(SERVER_STOP_TIMEOUT)
            # Kernels run in sessions of their own: kill any that outlived the server.
            for child in children:
                try:
                    child.kill()
                except psutil.Error:
                    pass
            psutil.wait_procs(children, timeout=SERVER_STOP_TIMEOUT)
        if not self._log.closed:
            self._log.close()


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _isolated_env(home: Path) -> dict[str, str]:
    """Environment for a server: its own Jupyter/IPython state under ``home``."""
    env = dict(os.environ)
    for name, sub in (
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("IPYTHONDIR", "ipython"),
    ):
        (home / sub).mkdir(parents=True, exist_ok=True)
        env[name] = str(home / sub)
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("JUPYTER_TOKEN", None)
    return env


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer(Server):
    token: str
    root: Path

    def lab_url(self, notebook: str) -> str:
        return f"{self.url}lab/tree/{notebook}?token={self.token}"

    def kernel_state(self, notebook: str) -> str | None:
        """The execution state of the kernel of ``notebook``'s session, or None if it has none."""
        try:
            with urllib.request.urlopen(f"{self.url}api/sessions?token={self.token}", timeout=5) as response:
                sessions = json.load(response)
        except (urllib.error.URLError, OSError, ValueError):
            return None
        for session in sessions:
            if session.get("path") == notebook and session.get("kernel"):
                return session["kernel"].get("execution_state")
        return None


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab serving a copy of the lessons; stopped (with its kernels) at teardown."""
    base = tmp_path_factory.mktemp("lab")
    root = copy_lessons(base / "work")
    home = base / "home"
    env = _isolated_env(home)
    for relative, settings in LAB_SETTINGS.items():
        path = home / "lab-settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    token = secrets.token_hex(16)
    args = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--allow-root",  # CI containers run as root; harmless otherwise
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port=0",  # the OS picks a free port: no clash between xdist workers
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.extension_manager=readonly",  # no PyPI queries from the extension manager
        "--LabApp.news_url=",
        "--ServerApp.terminals_enabled=False",
    ]
    server = LabServer("JupyterLab", args, cwd=root, env=env, log=base / "jupyterlab.log")
    server.token, server.root = token, root
    try:
        runtime = home / "runtime"
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        info = None
        while info is None:
            server.check_running()
            if time.monotonic() > deadline:
                server.fail(f"wrote no server info to {runtime} within {SERVER_START_TIMEOUT} s")
            for path in runtime.glob("jpserver-*.json"):
                try:
                    info = json.loads(path.read_text(encoding="utf-8"))
                except (OSError, ValueError):  # being written
                    continue
            time.sleep(0.1)
        server.url = f"http://127.0.0.1:{info['port']}/"
        _wait_until_answers(server, f"{server.url}api/status?token={token}", deadline)
        yield server
    finally:
        server.stop()


class VoilaServer(Server):
    notebook: Path


_VOILA_URL = re.compile(r"Voil\S* is running at:\s*(http://127\.0\.0\.1:(\d+)/)")


def start_voila(notebook: Path, base: Path, started: list[Server] | None = None) -> VoilaServer:
    """Voila serving one notebook (a copy), on a free port; no token (it listens on 127.0.0.1 only).

    The server is appended to ``started`` as soon as its process exists, so
    the caller stops it even if waiting for it fails.
    """
    home = base / "home"
    env = _isolated_env(home)
    args = [
        sys.executable, "-m", "voila", str(notebook),
        f"--port={_free_port()}",  # if another worker grabs it first, Voila tries the next; the log says which
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        "--Voila.token=",  # no token: it listens on 127.0.0.1 only, for one test
        "--show_tracebacks=True",  # a cell that raises shows why, in the page and the screenshot
        f"--Voila.connection_dir_root={home / 'runtime'}",
    ]
    server = VoilaServer("Voila", args, cwd=notebook.parent, env=env, log=base / "voila.log")
    server.notebook = notebook
    if started is not None:
        started.append(server)
    wait_for_voila(server)
    return server


def wait_for_voila(server) -> None:
    """Wait until a Voila server (or `coursekit present`) has printed its URL and answers."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.url:
        server.check_running()
        if time.monotonic() > deadline:
            server.fail(f"did not report its URL within {SERVER_START_TIMEOUT} s")
        match = _VOILA_URL.search(server.log_tail())
        if match and match.group(2) != "0":
            server.url = match.group(1)
        else:
            time.sleep(0.1)
    # The notebook page itself runs the notebook; a static file proves the server answers.
    _wait_until_answers(server, f"{server.url}voila/static/voila.js", deadline)


def _wait_until_answers(server, url: str, deadline: float) -> None:
    """Poll ``url`` until it answers; fail with the server's log once ``deadline`` passes."""
    while not _http_ok(url):
        server.check_running()
        if time.monotonic() > deadline:
            server.fail(f"{url} did not answer within {SERVER_START_TIMEOUT} s")
        time.sleep(0.1)


@pytest.fixture
def voila_server_for(tmp_path: Path) -> Iterator[object]:
    """``voila_server_for(name)``: Voila serving a copy of ``notebooks/<name>``, stopped at teardown.

    A path outside ``notebooks/`` (e.g. a notebook the test generated) is served as it is.
    """
    started: list[Server] = []

    def start(notebook: str | Path) -> VoilaServer:
        if isinstance(notebook, Path) and notebook.is_absolute():
            path = notebook
        else:
            path = require_notebook(copy_lessons(tmp_path / "work"), str(notebook))
        return start_voila(path, tmp_path / f"voila{len(started)}", started)

    try:
        yield start
    finally:
        for server in started:
            server.stop()


# --- the StanceComparer, as the browser shows it ------------------------------

CASE_ID = "nato-russia-2013"
TOPIC_ID = "missile_defence"
LAVROV_CLAIM = "lavrov-auditors"

# The VBox whose direct children are a dropdown labelled "Topic" and the comparer's HTML.
_COMPARER_XPATH = (
    "xpath=//div[contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')]"
    "[div[contains(concat(' ', normalize-space(@class), ' '), ' widget-dropdown ')]"
    "[.//label[normalize-space()='Topic']]]"
    "[.//*[contains(concat(' ', normalize-space(@class), ' '), ' ck-compare ')]]"
)


def squash(text: str) -> str:
    """Text with runs of whitespace made one space, for comparing rendered text."""
    return " ".join(text.split())


class _SideColumns(HTMLParser):
    """Text of each ``<section class="ck-side">`` of a comparison, keyed by its heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.columns: dict[str, str] = {}
        self._depth = 0  # open elements inside the current section; 0 = outside
        self._heading: list[str] | None = None
        self._text: list[str] = []
        self._title = ""

    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._VOID:
            return
        if self._depth:
            self._depth += 1
            if tag == "h4":
                self._heading = []
        elif tag == "section" and "ck-side" in (dict(attrs).get("class") or "").split():
            self._depth, self._text, self._title = 1, [], ""

    def handle_endtag(self, tag: str) -> None:
        if not self._depth or tag in self._VOID:
            return
        if tag == "h4" and self._heading is not None:
            self._title, self._heading = squash("".join(self._heading)), None
        self._depth -= 1
        if not self._depth:
            self.columns[self._title] = squash("".join(self._text))

    def handle_data(self, data: str) -> None:
        if self._depth:
            self._text.append(data)
            if self._heading is not None:
                self._heading.append(data)


@dataclass(frozen=True)
class ComparerExpectation:
    """What the comparer must show for one topic, computed from the case data in this process."""

    topic_label: str
    lavrov_quote: str
    lavrov_side: str
    sides: list[str]
    claims_by_side: dict[str, list[str]]  # side -> quotes of its claims on the topic
    columns: dict[str, str]  # heading text -> whole column text, as render_comparison makes it
    summary_text: str


@pytest.fixture(scope="session")
def missile_defence() -> ComparerExpectation:
    """The StanceComparer's expected content for the missile-defence topic."""
    coursekit = pytest.importorskip("coursekit")
    widgets = pytest.importorskip("coursekit.widgets")
    case = coursekit.load_case(CASE_ID)
    claim = case.claim(LAVROV_CLAIM)
    assert claim.topic_id == TOPIC_ID, f"{LAVROV_CLAIM} is no longer a {TOPIC_ID} claim; update the test"
    on_topic = case.claims_by_topic(TOPIC_ID)
    parser = _SideColumns()
    parser.feed(widgets.render_comparison(case, TOPIC_ID, with_summary=False))
    summary = HTMLParser()
    summary_text: list[str] = []
    summary.handle_data = summary_text.append  # type: ignore[method-assign]
    summary.feed(widgets.render_agreement(case, TOPIC_ID))
    return ComparerExpectation(
        topic_label=case.topic_label(TOPIC_ID),
        lavrov_quote=claim.quote,
        lavrov_side=claim.side,
        sides=list(case.sides),
        claims_by_side={
            side: list(on_topic.loc[on_topic["side"] == side, "quote"]) for side in case.sides
        },
        columns=parser.columns,
        summary_text=squash("".join(summary_text)),
    )


class ComparerOnPage:
    """Drives the first StanceComparer on a page (JupyterLab or Voila)."""

    def __init__(self, page) -> None:
        self.page = page
        self.root = page.locator(_COMPARER_XPATH).first
        self.select = self.root.locator(
            "xpath=./div[contains(concat(' ', normalize-space(@class), ' '), ' widget-dropdown ')]//select"
        )
        self.body = self.root.locator(".ck-compare")
        self.summary = self.root.locator("xpath=./div[contains(@class, 'widget-html')]").last

    def wait(self, timeout: float) -> None:
        self.root.wait_for(state="visible", timeout=timeout)

    def options(self) -> list[str]:
        return [squash(t) for t in self.select.locator("option").all_text_contents()]

    def choose(self, label: str) -> None:
        matches = [o for o in self.options() if o == label] or [o for o in self.options() if label in o]
        assert matches, f"no Topic option reads {label!r}; options: {self.options()}"
        self.select.select_option(label=matches[0])

    def selected(self) -> str:
        return squash(self.select.evaluate("s => s.options[s.selectedIndex]?.text ?? ''"))

    def columns(self) -> dict[str, str]:
        """Heading text -> whole text of each side's column, as the browser holds it."""
        return {
            squash(section.locator("h4").text_content() or ""): squash(section.text_content() or "")
            for section in self.body.locator("section.ck-side").all()
        }


def check_missile_defence(comparer: ComparerOnPage, expected: ComparerExpectation) -> None:
    """Choose missile defence in the comparer and check what the browser then shows."""
    from playwright.sync_api import expect

    if comparer.selected() == expected.topic_label:
        # Already showing it: move away first, so the check below proves the dropdown works.
        other = next(o for o in comparer.options() if o != expected.topic_label)
        comparer.choose(other)
        expect(comparer.body).not_to_contain_text(expected.lavrov_quote, timeout=10_000)
    comparer.choose(expected.topic_label)
    # The kernel answers the change; the quote arriving proves the round trip.
    expect(comparer.body).to_contain_text(expected.lavrov_quote, timeout=15_000)
    expect(comparer.body).to_contain_text(expected.topic_label)

    shown = comparer.columns()
    assert list(shown) == list(expected.columns), "the browser shows other side columns than render_comparison"
    for heading, text in expected.columns.items():
        assert shown[heading] == text, f"column {heading!r} differs from render_comparison's"
    by_side = {side: next(h for h in shown if h.startswith(side + " ")) for side in expected.sides}
    assert expected.lavrov_quote in shown[by_side[expected.lavrov_side]]
    # NATO: its claims' quotes, or, when it made none on the topic, its heading and "no claim" line.
    nato = shown[by_side["NATO"]]
    if expected.claims_by_side["NATO"]:
        for quote in expected.claims_by_side["NATO"]:
            assert squash(quote) in nato
    else:
        assert by_side["NATO"].startswith("NATO (0 claims")
        assert "No claim from NATO on this topic." in nato
    expect(comparer.summary).to_have_text(expected.summary_text, use_inner_text=False)
