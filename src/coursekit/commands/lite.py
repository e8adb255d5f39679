"""``coursekit lite --out SITE``: the student kit as a JupyterLite site (no server)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "build the student kit as a JupyterLite site: lessons and exercises in the browser, no server"
DESCRIPTION = """\
Build a folder of static files that runs the lessons and the student copies
of the exercises entirely in the student's browser (JupyterLab and Python via
JupyterLite and Pyodide). Publish the folder on any web space; students open
it, and their work is kept in their browser. They hand work in by
downloading the notebook (File > Download). Every notebook of the site is
scanned for the exercises' solutions first.

By default the site loads Pyodide (Python for the browser) from the official
CDN: a small site, and students need the internet. With --pyodide the site
carries its own copy, trimmed to what the kit needs, and works on a network
without internet.

Needs the build environment .venv-lite: `make lite` creates it (and builds
the site into lite-site/). The build itself needs no network.

Exit status: 0 when the site was written, 1 when it could not be (every
problem is listed; nothing is written), 2 when the command was used wrongly.

Examples:
  coursekit lite --out lite-site/
  coursekit lite --out lite-site/ --pyodide pyodide-0.27.7.tar.bz2"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lite", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", metavar="SITE", default="lite-site",
                        help="where to write the site (default: lite-site)")
    parser.add_argument("--pyodide", metavar="DIR_OR_ARCHIVE", default=None,
                        help="carry this Pyodide 0.27 distribution in the site (default: load it from the CDN)")
    parser.add_argument("--repo", metavar="DIR", default=".",
                        help="the instructor repository (default: the current folder)")
    parser.add_argument("--lite-env", metavar="DIR", default=None,
                        help="the JupyterLite build environment (default: REPO/.venv-lite)")
    parser.add_argument("--force", action="store_true", help="replace SITE if it exists")
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell and per build step (default 300)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..lite import build_lite_site
    from ..release import ReleaseError

    try:
        out = build_lite_site(Path(args.repo), Path(args.out), pyodide=args.pyodide,
                              lite_env=args.lite_env, force=args.force, timeout=args.timeout)
    except ReleaseError as exc:
        print("JupyterLite site not written:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    where = "with its own copy of Pyodide" if args.pyodide else "loading Pyodide from the CDN: students need the internet"
    print(f"wrote the JupyterLite site to {out}, {where}; it opens on lesson 00")
    print(f"try it: python3 -m http.server --bind 127.0.0.1 --directory {out} 8000, then open http://127.0.0.1:8000/")
    return 0
