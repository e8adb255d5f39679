"""JupyterHub check: a class of simulated students on a local JupyterHub.

``make hub-check`` runs this (it is not part of ``make test``).  It

1. installs what a hub needs, on demand: ``jupyterhub`` from PyPI into this
   virtualenv (constrained by requirements/constraints.txt, so no pinned
   package moves; jupyterhub itself is not added to the constraints) and
   ``configurable-http-proxy`` from npm into ``node_modules/`` (git-ignored);
2. starts a JupyterHub on 127.0.0.1 only, with the dummy authenticator, the
   simple local-process spawner and an admin service token;
3. for each of N students (10 by default), all at once, as a class starting
   together: creates the user and starts the server through the hub's REST
   API, starts a kernel through the user server's ``/api/kernels`` and
   executes every code cell of a lesson over the kernel's websocket,
   checking each reply for errors;
4. records the memory of each student (the single-user server plus its
   kernel: RSS and, on Linux, PSS), the time to the first result and the
   failures under ``hub_check`` in benchmarks/results.json (other keys kept)
   and the "JupyterHub check" section of benchmarks/results.md;
5. stops everything it started (servers, hub, proxy), whatever happened.

Exit status: 0 when every student ran the lesson without error, 1 otherwise
(including when the hub could not be installed or started: the reason is
recorded).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
NODE_MODULES = ROOT / "node_modules"
CHP = NODE_MODULES / ".bin" / "configurable-http-proxy"
WORK_ROOT = ROOT / "benchmarks" / "_work"
DEFAULT_LESSON = ROOT / "notebooks" / "04_comparing_claims.ipynb"

HUB_START_TIMEOUT = 90  # s
SPAWN_TIMEOUT = 300  # s, per student, with the whole class spawning at once
CELL_TIMEOUT = 300  # s


# --- installing on demand -----------------------------------------------------


def ensure_jupyterhub() -> str | None:
    """Install jupyterhub into this virtualenv if missing; return an error message or None."""
    try:
        import jupyterhub  # noqa: F401
        return None
    except ImportError:
        pass
    print("installing jupyterhub into", sys.prefix, "(constrained by requirements/constraints.txt)")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "-c", str(CONSTRAINTS), "jupyterhub"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        return f"pip install jupyterhub failed (exit {result.returncode}): {result.stderr.strip()[-1500:]}"
    return None


def ensure_proxy() -> str | None:
    """Install configurable-http-proxy into node_modules/ if missing; return an error or None."""
    if CHP.exists():
        return None
    npm = shutil.which("npm")
    if npm is None:
        return ("configurable-http-proxy is needed and npm is not installed: install Node.js and npm "
                "(Debian: apt-get install nodejs npm), then run make hub-check again")
    print(f"installing configurable-http-proxy into {NODE_MODULES}")
    result = subprocess.run(
        [npm, "install", "--no-save", "--no-package-lock", "--no-audit", "--no-fund",
         "--prefix", str(ROOT), "configurable-http-proxy"],
        capture_output=True, text=True,
    )
    if result.returncode != 0 or not CHP.exists():
        return f"npm install configurable-http-proxy failed (exit {result.returncode}): {result.stderr.strip()[-1500:]}"
    return None


# --- small helpers ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Api:
    """JSON over HTTP with the admin service token."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base.rstrip("/"), token

    def call(self, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"token {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read().decode() or "null"
                return response.status, json.loads(text)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")


def code_cells(lesson: Path) -> list[str]:
    nb = json.loads(lesson.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def processes_with_children(pids: list[int]) -> list[Any]:
    import psutil

    found = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            found += [proc, *proc.children(recursive=True)]
        except psutil.Error:
            continue
    return found


def memory_of(pid: int) -> dict[str, float]:
    """RSS and PSS (MiB) of a process and all its descendants (the user's server and kernel)."""
    import psutil

    rss = pss = 0
    count = 0
    for proc in processes_with_children([pid]):
        try:
            info = proc.memory_full_info()
        except (psutil.Error, AttributeError):
            try:
                info = proc.memory_info()
            except psutil.Error:
                continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        count += 1
    return {"rss_mib": round(rss / 2**20, 1), "pss_mib": round(pss / 2**20, 1), "processes": count}


def singleuser_pids(hub_pid: int) -> dict[str, int]:
    """username -> pid of each jupyterhub-singleuser process below the hub."""
    import psutil

    found = {}
    for proc in processes_with_children([hub_pid]):
        try:
            if "jupyterhub-singleuser" in " ".join(proc.cmdline()):
                user = proc.environ().get("JUPYTERHUB_USER")
                if user:
                    found[user] = proc.pid
        except psutil.Error:
            continue
    return found


# --- the hub -------------------------------------------------------------------


def write_config(work: Path, token: str, ports: dict[str, int], as_root: bool) -> Path:
    config = work / "jupyterhub_config.py"
    singleuser_args = ["--allow-root"] if as_root else []
    config.write_text(f"""# Generated by benchmarks/hub_check.py: a throw-away local hub.
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['public']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['hub']}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
c.ConfigurableHTTPProxy.command = [{str(CHP)!r}]
c.JupyterHub.db_url = "sqlite:///{work / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(work / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(work / 'jupyterhub.pid')!r}
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {str(work / 'home' / '{username}')!r}
c.Spawner.cmd = [{str(BIN / 'jupyterhub-singleuser')!r}]
c.Spawner.args = {singleuser_args!r}
c.Spawner.start_timeout = {SPAWN_TIMEOUT}
c.Spawner.http_timeout = {SPAWN_TIMEOUT}
c.Spawner.environment = {{"PYTHONUNBUFFERED": "1"}}
c.JupyterHub.concurrent_spawn_limit = 0  # a class starts at once
c.JupyterHub.cleanup_servers = True
c.JupyterHub.services = [{{"name": "hub-check", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "admin", "services": ["hub-check"]}}]
""", encoding="utf-8")
    return config


def start_hub(work: Path, config: Path, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.Popen(
        [str(BIN / "jupyterhub"), "-f", str(config)], cwd=work, env=env,
        stdin=subprocess.DEVNULL, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_hub(api: Api, hub: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + HUB_START_TIMEOUT
    while time.monotonic() < deadline:
        if hub.poll() is not None:
            raise RuntimeError(f"the hub exited with status {hub.returncode} while starting:\n"
                               + log.read_text(errors="replace")[-3000:])
        try:
            status, _ = api.call("GET", "/hub/api/", timeout=2)
            if status == 200:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the hub did not answer within {HUB_START_TIMEOUT} s:\n"
                       + log.read_text(errors="replace")[-3000:])


# --- one student ------------------------------------------------------------------


def execute_cells(ws_url: str, token: str, cells: list[str]) -> tuple[float, list[str], float]:
    """Run cells in order over a kernel websocket; return (first result s, errors, total s)."""
    import websocket

    session = uuid.uuid4().hex
    ws = websocket.create_connection(ws_url, header=[f"Authorization: token {token}"], timeout=CELL_TIMEOUT)
    errors: list[str] = []
    start = time.perf_counter()
    first = -1.0
    try:
        for index, code in enumerate(cells, start=1):
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "username": "hub-check", "session": session,
                           "msg_type": "execute_request", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))
            replied = idle = False
            while not (replied and idle):
                message = json.loads(ws.recv())
                if message.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = message["header"]["msg_type"]
                if kind == "execute_reply":
                    replied = True
                    if message["content"].get("status") != "ok":
                        content = message["content"]
                        errors.append(f"cell {index}: {content.get('ename')}: {content.get('evalue')}")
                elif kind == "status" and message["content"].get("execution_state") == "idle":
                    idle = True
            if first < 0:
                first = time.perf_counter() - start
            if errors:
                break  # stop_on_error: the rest would not run in a notebook either
    finally:
        ws.close()
    return first, errors, time.perf_counter() - start


def run_student(name: str, api: Api, public: str, cells: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {"user": name, "ok": False, "errors": []}
    t0 = time.perf_counter()
    try:
        status, body = api.call("POST", f"/hub/api/users/{name}")
        if status not in (201, 409):
            raise RuntimeError(f"create user: HTTP {status} {body}")
        status, body = api.call("POST", f"/hub/api/users/{name}/server", timeout=SPAWN_TIMEOUT)
        if status not in (201, 202):
            raise RuntimeError(f"start server: HTTP {status} {body}")
        deadline = time.monotonic() + SPAWN_TIMEOUT
        while True:
            status, user = api.call("GET", f"/hub/api/users/{name}")
            server = (user.get("servers") or {}).get("", {}) if status == 200 else {}
            if server.get("ready"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server not ready after {SPAWN_TIMEOUT} s: {user}")
            time.sleep(0.5)
        record["server_ready_s"] = round(time.perf_counter() - t0, 2)

        user_api = Api(public + f"/user/{name}", api.token)
        status, kernel = user_api.call("POST", "/api/kernels", {"name": "python3"}, timeout=CELL_TIMEOUT)
        if status != 201:
            raise RuntimeError(f"start kernel: HTTP {status} {kernel}")
        record["kernel_started_s"] = round(time.perf_counter() - t0, 2)

        ws_url = public.replace("http://", "ws://") + f"/user/{name}/api/kernels/{kernel['id']}/channels"
        first, errors, total = execute_cells(ws_url, api.token, cells)
        record["first_result_s"] = round(record["kernel_started_s"] + first, 2)
        record["lesson_run_s"] = round(total, 2)
        record["total_s"] = round(time.perf_counter() - t0, 2)
        record["errors"] = errors
        record["ok"] = not errors
    except Exception as exc:  # one student's failure is a result, not a crash
        record["errors"].append(f"{type(exc).__name__}: {exc}")
        record["traceback"] = traceback.format_exc(limit=3)
    return record


# --- the whole check ----------------------------------------------------------------


def stop_everything(hub: subprocess.Popen | None, known: set[int]) -> list[int]:
    """Stop the hub (it stops the proxy and the servers), then kill whatever is left."""
    import psutil

    if hub is not None:
        known |= {p.pid for p in processes_with_children([hub.pid])}
        if hub.poll() is None:
            hub.send_signal(signal.SIGTERM)
            try:
                hub.wait(30)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(hub.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                hub.wait(10)
    leftovers = []
    for pid in sorted(known):
        try:
            proc = psutil.Process(pid)
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                leftovers.append(pid)
                proc.kill()
        except psutil.Error:
            continue
    psutil.wait_procs([p for p in processes_with_children(leftovers)], timeout=10)
    return leftovers


def check(students: int, lesson: Path, keep: bool) -> dict[str, Any]:
    record: dict[str, Any] = {
        "students": students, "lesson": lesson.relative_to(ROOT).as_posix(), "ok": False,
        "cpus": os.cpu_count(), "python": platform.python_version(),
        "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d"),
    }
    for step, fn in (("install jupyterhub", ensure_jupyterhub),
                     ("install configurable-http-proxy", ensure_proxy)):
        error = fn()
        if error:
            record["failure"] = f"{step}: {error}"
            return record
    import jupyterhub

    record["jupyterhub"] = jupyterhub.__version__
    record["configurable_http_proxy"] = subprocess.run(
        [str(CHP), "--version"], capture_output=True, text=True).stdout.strip()

    WORK_ROOT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="hub-", dir=WORK_ROOT))
    token = secrets.token_hex(32)
    ports = {"public": free_port(), "hub": free_port(), "proxy_api": free_port()}
    config = write_config(work, token, ports, as_root=os.geteuid() == 0)
    log = work / "jupyterhub.log"
    public = f"http://127.0.0.1:{ports['public']}"
    api = Api(public, token)
    cells = code_cells(lesson)
    record["cells"] = len(cells)
    hub = None
    known: set[int] = set()
    try:
        hub = start_hub(work, config, log)
        t_hub = time.perf_counter()
        wait_for_hub(api, hub, log)
        record["hub_start_s"] = round(time.perf_counter() - t_hub, 2)
        names = [f"student{i:02d}" for i in range(1, students + 1)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=students) as pool:
            results = list(pool.map(lambda n: run_student(n, api, public, cells), names))
        # Memory with every student's kernel alive and the lesson run: a class in full swing.
        pids = singleuser_pids(hub.pid)
        known |= {p.pid for p in processes_with_children([hub.pid])}
        for result in results:
            pid = pids.get(result["user"])
            result["memory"] = memory_of(pid) if pid else None
        record["students_detail"] = results
        record["failures"] = [f"{r['user']}: {'; '.join(r['errors'])}" for r in results if not r["ok"]]
        ok = [r for r in results if r["ok"]]
        mems = [r["memory"] for r in results if r.get("memory")]
        if mems:
            rss = [m["rss_mib"] for m in mems]
            pss = [m["pss_mib"] for m in mems]
            record["memory_mib"] = {
                "rss_median": round(statistics.median(rss), 1), "rss_max": max(rss),
                "pss_median": round(statistics.median(pss), 1), "pss_max": max(pss),
                "pss_total": round(sum(pss), 1),
            }
        if ok:
            firsts = [r["first_result_s"] for r in ok]
            ready = [r["server_ready_s"] for r in ok]
            runs = [r["lesson_run_s"] for r in ok]
            record["time_s"] = {
                "server_ready_median": round(statistics.median(ready), 2), "server_ready_max": max(ready),
                "first_result_median": round(statistics.median(firsts), 2), "first_result_max": max(firsts),
                "lesson_run_median": round(statistics.median(runs), 2), "lesson_run_max": max(runs),
            }
        # Stop the servers through the API, as an instructor's hub would at the end of class.
        for name in names:
            api.call("DELETE", f"/hub/api/users/{name}/server", timeout=60)
        record["ok"] = len(ok) == students
    except Exception as exc:
        record["failure"] = f"{type(exc).__name__}: {exc}"
    finally:
        leftovers = stop_everything(hub, known)
        record["killed_after_stop"] = len(leftovers)
        record["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            record["work_dir"] = str(work)
    return record


# --- recording -------------------------------------------------------------------


def save(record: dict[str, Any]) -> None:
    """Record under "hub_check" and the "JupyterHub check" section; others' results are kept."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _results import update_json, update_section

    update_json("hub_check", record)
    title, _, body = markdown(record).partition("\n")
    update_section(title.removeprefix("## ").strip(), body)


def markdown(r: dict[str, Any]) -> str:
    head = f"""## JupyterHub check

`make hub-check` (`benchmarks/hub_check.py`), {r['date']}: a local JupyterHub
{r.get('jupyterhub', '?')} (configurable-http-proxy {r.get('configurable_http_proxy', '?')}, dummy
authenticator, simple local-process spawner, 127.0.0.1 only) on a machine with {r['cpus']} CPUs.
{r['students']} simulated students start together: each is created and its server started through the
hub's REST API with an admin service token; then a kernel is started through the user server's
`/api/kernels` and the {r.get('cells', '?')} code cells of `{r['lesson']}` are executed over the kernel
websocket, each reply checked for errors. Load average before/after: {r['loadavg_before'][0]} / {r.get('loadavg_after', ['?'])[0]}.
"""
    if r.get("failure"):
        return head + f"\n**The check did not complete.** {r['failure']}\n"
    lines = [head, f"Result: **{'all' if r['ok'] else 'not all'} {r['students']} students ran the lesson without error**"
             f" ({len(r.get('failures', []))} failures). Hub start: {r.get('hub_start_s', '?')} s.", ""]
    m, t = r.get("memory_mib"), r.get("time_s")
    if m or t:
        lines += ["| measure | median | max |", "|---|---|---|"]
    if t:
        lines += [
            f"| server ready (from the start request) | {t['server_ready_median']} s | {t['server_ready_max']} s |",
            f"| time to first result (first cell's reply, from the start request) | {t['first_result_median']} s | {t['first_result_max']} s |",
            f"| whole lesson executed | {t['lesson_run_median']} s | {t['lesson_run_max']} s |",
        ]
    if m:
        lines += [
            f"| memory per student, RSS (server + kernel) | {m['rss_median']} MiB | {m['rss_max']} MiB |",
            f"| memory per student, PSS (shared pages split) | {m['pss_median']} MiB | {m['pss_max']} MiB |",
        ]
        lines += ["", f"All {r['students']} students together: {m['pss_total']} MiB PSS. RSS counts shared "
                  "libraries in full for every student, which is what each student's container costs on a "
                  "hub that gives every student a container (Kubernetes, Docker); PSS is the share on one "
                  "machine running every server as a process, as here."]
    if r.get("failures"):
        lines += ["", "Failures:", *[f"- {f}" for f in r["failures"]]]
    lines += ["", f"Processes still running after the hub stopped (then killed): {r.get('killed_after_stop', '?')}."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=10, help="simulated students (default 10)")
    parser.add_argument("--lesson", type=Path, default=DEFAULT_LESSON, help="lesson notebook to execute")
    parser.add_argument("--keep", action="store_true", help="keep the hub's work folder (logs) for debugging")
    parser.add_argument("--no-save", action="store_true", help="print the record, do not write results")
    args = parser.parse_args(argv)
    record = check(args.students, args.lesson.resolve(), args.keep)
    if not args.no_save:
        save(record)
    print(markdown(record))
    return 0 if record["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
