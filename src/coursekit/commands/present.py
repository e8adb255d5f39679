"""``coursekit present [NOTEBOOK]``: show a lesson on the projector as a Voila dashboard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HELP = "serve a lesson as a dashboard for the projector (no code, live widgets)"
DEFAULT_NOTEBOOK = Path("notebooks") / "04_comparing_claims.ipynb"
DEFAULT_PORT = 8866
# A kernel whose page has been closed or reloaded is shut down after this
# many idle seconds.  Connected kernels are never culled (see build_voila_args),
# so the page on the projector keeps its kernel however long the class talks.
DEFAULT_CULL_IDLE_TIMEOUT = 300
DEFAULT_CULL_INTERVAL = 60
DEFAULT_MAX_KERNELS = 4  # page loads running at once (each kernel is about 140 MB)

DESCRIPTION = f"""\
Serve a notebook with Voila for the projector: outputs and widgets only, no
code; every widget is live (each page load runs the notebook in a fresh
kernel). It listens on 127.0.0.1 only, answers only requests addressed to
127.0.0.1 or localhost (so a page on another site cannot reach it through
its own host name), and prints the URL to open. The notebook's folder is
served, so links between lessons ("Next: 05") open the next lesson the same
way. Nothing is loaded from the internet (coursekit's Voila template leaves
out Voila's Font Awesome CDN links).

At most --max-kernels pages run at once: a new page load first shuts down
the oldest kernel no page is connected to; when every kernel is in use, it
is refused with a message to close a page.

Page reloads do not pile up kernels: a kernel whose page is gone (no open
connection) is shut down once it has been idle for --cull-idle-timeout
seconds, checked every --cull-interval seconds. The kernel of an open page is
never shut down, however long it sits idle.

NOTEBOOK defaults to {DEFAULT_NOTEBOOK.as_posix()}, looked up in the current
folder, then in the repository this command was installed from. Stop the
server with Ctrl+C.

Examples:
  coursekit present
  coursekit present notebooks/02_nato_position.ipynb --port 8870"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "present", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("notebook", metavar="NOTEBOOK", nargs="?", default=None,
                        help=f"the notebook to show (default: {DEFAULT_NOTEBOOK.as_posix()})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; the next free one if taken)")
    parser.add_argument("--cull-idle-timeout", type=int, default=DEFAULT_CULL_IDLE_TIMEOUT,
                        metavar="SECONDS",
                        help=f"shut down a kernel with no open page after this many idle seconds "
                             f"(default {DEFAULT_CULL_IDLE_TIMEOUT})")
    parser.add_argument("--cull-interval", type=int, default=DEFAULT_CULL_INTERVAL, metavar="SECONDS",
                        help=f"how often to look for such kernels (default {DEFAULT_CULL_INTERVAL})")
    parser.add_argument("--max-kernels", type=int, default=DEFAULT_MAX_KERNELS, metavar="N",
                        help=f"at most this many kernels (page loads) at once (default {DEFAULT_MAX_KERNELS})")
    parser.set_defaults(func=run)


def find_notebook(name: str | None, cwd: Path | None = None) -> Path | None:
    """The notebook to present: ``name`` (or the default lesson) under ``cwd``, else in the repo.

    >>> find_notebook("no-such-notebook.ipynb", Path("/")) is None
    True
    """
    relative = Path(name) if name else DEFAULT_NOTEBOOK
    cwd = cwd or Path.cwd()
    candidates = [relative if relative.is_absolute() else cwd / relative]
    if not relative.is_absolute():
        # A source checkout: src/coursekit/commands/present.py -> the repository root.
        # (Only a fallback for the lessons, which do not ship in the wheel.)
        candidates.append(Path(__file__).resolve().parents[3] / relative)
    for path in candidates:
        if path.is_file():
            return path.resolve()
    return None


TEMPLATE = "coursekit"


def lesson_path(notebook: Path) -> str:
    """The URL path of ``notebook`` on the server ``present`` starts (it serves the notebook's folder).

    >>> lesson_path(Path("/x/notebooks/04_comparing_claims.ipynb"))
    'voila/render/04_comparing_claims.ipynb'
    """
    from urllib.parse import quote

    return "voila/render/" + quote(notebook.name)


def build_voila_args(notebook: Path, port: int, cull_idle_timeout: int, cull_interval: int,
                     max_kernels: int = DEFAULT_MAX_KERNELS) -> list[str]:
    """The ``python -m voila`` command line that ``present`` runs (see :mod:`coursekit.presenter`).

    Voila serves the notebook's folder, not the one file: served alone, a
    notebook's links to the other lessons answer 403 Forbidden.
    """
    from ..presenter import TORNADO_SETTINGS

    args = [
        sys.executable, "-m", "voila", str(notebook.parent),
        f"--port={port}",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        # Loopback only, for the projector laptop: no token to type on the lectern.
        "--Voila.token=",
        f"--VoilaConfiguration.template={TEMPLATE}",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        # Voila's kernel manager is a jupyter_server MappingKernelManager
        # subclass, so these reach it.  cull_connected stays False: a reload
        # closes the old page's websocket, which makes its kernel cullable,
        # while the page on the projector stays connected and is never culled.
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_timeout}",
        f"--MappingKernelManager.cull_interval={cull_interval}",
        "--MappingKernelManager.cull_connected=False",
        # Requests must name a loopback host; kernels are capped (coursekit.presenter).
        f"--Voila.tornado_settings={TORNADO_SETTINGS!r}",
        "--VoilaConfiguration.multi_kernel_manager_class=coursekit.presenter.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={max_kernels}",
    ]
    return args


def run(args: argparse.Namespace) -> int:
    notebook = find_notebook(args.notebook)
    if notebook is None:
        wanted = args.notebook or DEFAULT_NOTEBOOK.as_posix()
        print(f"coursekit present: no notebook {wanted!r} here ({Path.cwd()}) or in the repository",
              file=sys.stderr)
        return 2
    try:
        import voila  # noqa: F401  (only to say clearly what is missing)
    except ImportError:
        print("coursekit present needs Voila: pip install 'coursekit[present]' (or voila>=0.5)",
              file=sys.stderr)
        return 1
    if args.max_kernels < 1:
        print("coursekit present: --max-kernels must be 1 or more", file=sys.stderr)
        return 2
    command = build_voila_args(notebook, args.port, args.cull_idle_timeout, args.cull_interval,
                               args.max_kernels)
    # Voila prints "Voilà is running at: http://127.0.0.1:PORT/" once it listens
    # (the port may differ if PORT was taken).  Say what to open before that.
    print(f"Presenting {notebook}", flush=True)
    print(f"Open http://127.0.0.1:{args.port}/{lesson_path(notebook)} in the browser on the projector "
          "(if that port is taken, Voila says below which one it uses instead). Stop with Ctrl+C.",
          flush=True)
    # Replace this process, so Ctrl+C and SIGTERM reach Voila directly.
    os.execv(sys.executable, command)
    return 0  # pragma: no cover - execv does not return
