"""coursekit present: loopback names only, a cap on kernels, no execution over the websocket,
no path traversal.  A real presenter (Voila) on a one-cell notebook, driven over plain HTTP."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("voila")

NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3",
            "display_name": "Python 3", "language": "python"}},
            "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": None,
                       "outputs": [], "source": "print('presented')"}]}
URL = re.compile(r"Voil\S* is running at:\s*http://127\.0\.0\.1:(\d+)/")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def presenter(tmp_path_factory):
    top = tmp_path_factory.mktemp("present")
    root = top / "served"  # present serves the notebook's folder; the secret lies outside it
    root.mkdir()
    (root / "talk.ipynb").write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    (top / "secret.txt").write_text("instructor only", encoding="utf-8")
    env = dict(os.environ)
    for name in ("JUPYTER_RUNTIME_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR"):
        (root / name).mkdir()
        env[name] = str(root / name)
    log = root / "present.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "coursekit.cli", "present", "talk.ipynb", f"--port={free_port()}",
             "--max-kernels=1"], cwd=root, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while not (found := URL.search(log.read_text(errors="replace"))):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        yield int(found.group(1)), log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def get(port: int, path: str, host: str | None = None, timeout: float = 120) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def test_requests_for_another_host_name_are_refused(presenter):
    port, log = presenter
    for host in ("evil.example", f"evil.example:{port}", "192.168.1.20", "localhost.evil.example"):
        status, _ = get(port, "/", host)
        assert status == 403, host
    assert get(port, "/voila/static/voila.js", f"localhost:{port}")[0] == 200


@pytest.mark.parametrize("path", ["/voila/files/../secret.txt", "/voila/files/%2e%2e/secret.txt", "/voila/render/..%2fsecret.txt",
                                  "/voila/static/..%2f..%2f..%2fetc%2fpasswd",
                                  "/voila/files//etc/passwd", "/voila/render/..%2fsecret.txt"])
def test_paths_outside_the_served_folder_are_not_served(presenter, path):
    port, _ = presenter
    status, body = get(port, path)
    assert status in (302, 400, 403, 404), (path, status)  # 302: back to the one notebook served
    assert "instructor only" not in body and "root:" not in body


def test_kernels_are_capped_and_code_is_not_executed_over_the_websocket(presenter):
    port, log = presenter
    status, page = get(port, "/voila/render/talk.ipynb")
    assert status == 200 and "presented" in page
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page) or re.search(
        r"kernel_id[\"']?\s*[:=]\s*[\"']([0-9a-f-]{36})", page)
    assert kernel, "no kernel id in the page"
    # The first page's kernel is young (a page may still be loading): the second load is refused.
    status, body = get(port, "/voila/render/talk.ipynb")
    assert status == 503 and "presented" not in body
    assert "already runs 1 kernels, its limit (--max-kernels)" in log.read_text(errors="replace")
    # An execute_request over the kernel's websocket is dropped: the kernel never runs it.
    from tornado.httpclient import HTTPRequest
    from tornado.ioloop import IOLoop
    from tornado.websocket import websocket_connect

    async def try_execute() -> list[str]:
        request = HTTPRequest(f"ws://127.0.0.1:{port}/api/kernels/{kernel.group(1)}/channels",
                              headers={"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}"})
        ws = await websocket_connect(request)
        msg = {"header": {"msg_id": "x1", "msg_type": "execute_request", "username": "", "session": "s",
                          "version": "5.3", "date": ""}, "parent_header": {}, "metadata": {},
               "channel": "shell", "content": {"code": "open('PWNED', 'w').write('ran')", "silent": False,
                                                "store_history": False, "user_expressions": {},
                                                "allow_stdin": False, "stop_on_error": True}}
        ws.write_message(json.dumps(msg))
        seen = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                import asyncio

                reply = await asyncio.wait_for(ws.read_message(), timeout=1)
            except Exception:
                continue
            if reply is None:
                break
            seen.append(reply if isinstance(reply, str) else "binary")
        ws.close()
        return seen

    seen = IOLoop.current().run_sync(try_execute)
    assert not any("execute_reply" in m for m in seen)
    root = Path(presenter[1]).parent
    assert not (root / "PWNED").exists()


def test_a_cross_site_websocket_is_refused(presenter):
    port, _ = presenter
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/kernels/00000000-0000-0000-0000-000000000000/channels", headers={
        "Host": f"127.0.0.1:{port}", "Origin": "http://evil.example", "Upgrade": "websocket",
        "Connection": "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    assert conn.getresponse().status in (403, 404)
