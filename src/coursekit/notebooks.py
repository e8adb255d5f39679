"""Execute notebooks headlessly and save them in a stable, reviewable form.

``make notebooks`` runs ``python -m coursekit.notebooks build``: every
lesson and exercise source notebook is re-executed top to bottom in a fresh
kernel and saved with its outputs, so nbval has something to compare.  The
saved form is normalised (execution counts 1, 2, 3 …, no timing metadata,
no interpreter version) so that re-running on another machine gives the same
file, and a diff shows only real changes.

A notebook is written only if it ran without error, and through a temporary
file renamed into place, so an interrupted build never leaves a half-written
notebook.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ._io import write_atomic

__all__ = [
    "MACHINE_SPECIFIC",
    "execute_node",
    "execute_notebook",
    "local_kernel",
    "find_notebooks",
    "normalise",
    "problems_in",
    "write_atomic",
]

# Output text that would differ on another machine: nbval would fail there.
MACHINE_SPECIFIC = re.compile(r"(/root/|/tmp/|/work/|/home/\w+/|/Users/\w+/|0x[0-9a-f]{6,})")

# Notebook metadata kept as is; everything else (e.g. widget state, which
# holds random model ids) is dropped.
_KEEP_METADATA = ("kernelspec", "language_info", "title")
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3"}

DEFAULT_DIRS = ("notebooks", "exercises")


def find_notebooks(paths: Iterable[str | Path]) -> list[Path]:
    """Notebook files named or found (recursively) under the given paths, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [
                q for q in p.rglob("*.ipynb")
                if not any(part.startswith(".") for part in q.parts)
            ]
        elif p.suffix == ".ipynb":
            found.append(p)
    return sorted(set(found))


def normalise(nb: Any) -> Any:
    """Strip what changes from run to run or machine to machine."""
    nb.metadata = {k: v for k, v in nb.metadata.items() if k in _KEEP_METADATA}
    nb.metadata["kernelspec"] = dict(_KERNELSPEC)
    nb.metadata["language_info"] = dict(_LANGUAGE_INFO)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type != "code":
            continue
        if cell.source.strip():
            count += 1
            cell.execution_count = count
            cell.outputs = _coalesce_streams(cell.get("outputs", []))
            for k, out in enumerate(cell.get("outputs", [])):
                if "execution_count" in out:
                    out["execution_count"] = count
                out.get("metadata", {}).pop("execution", None)
                # Widget model ids are random and their state is not saved, so the
                # stored id points at nothing; a fixed one keeps rebuilds diff-free.
                view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
                if view and "model_id" in view:
                    view["model_id"] = f"{count:04d}{k:04d}" + "0" * 24
        else:
            cell.execution_count = None
            cell.outputs = []
    return nb


def _coalesce_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive writes to the same stream: where the kernel split them depends on timing."""
    joined: list[Any] = []
    for out in outputs:
        prev = joined[-1] if joined else None
        if (prev is not None and out.get("output_type") == "stream" == prev.get("output_type")
                and out.get("name") == prev.get("name")):
            prev["text"] = prev["text"] + out["text"]
        else:
            joined.append(out)
    return joined


def problems_in(nb: Any, name: str) -> list[str]:
    """What would make nbval fail or test nothing: errors, unexecuted cells, machine paths."""
    problems = []
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.get("execution_count") is None:
            problems.append(f"{name} cell {i}: not executed")
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"{name} cell {i}: raised {out.get('ename')}: {out.get('evalue')}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{name} cell {i}: wrote to stderr: {out.get('text', '')[:200]!r}")
        text = json.dumps(
            [{k: v for k, v in o.items() if k != "data"} | {"data": {
                m: d for m, d in o.get("data", {}).items() if not m.startswith("image/")}}
             for o in cell.get("outputs", [])]
        )
        m = MACHINE_SPECIFIC.search(text)
        if m:
            problems.append(f"{name} cell {i}: output holds a machine-specific value {m.group(0)!r}")
    return problems


@contextmanager
def local_kernel(kernel_name: str = "python3") -> Iterator[Any]:
    """A kernel manager whose kernel talks over Unix sockets in a private temporary folder.

    Over TCP (the default) ipykernel warns on the terminal, for every kernel,
    that it "is running over TCP without encryption"; ``release``,
    ``student-kit`` and ``make notebooks`` start one kernel per notebook.
    IPC sockets in a folder only this user can read need no such warning and
    listen on no port.  Pass the manager to ``NotebookClient(km=...)``.
    """
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="ck-kernel-") as folder:
        km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(folder, "kernel"))
        try:
            yield km
        finally:
            # NotebookClient leaves a kernel it was handed running; stop it before its sockets go.
            if km.has_kernel:
                km.shutdown_kernel(now=True)


def execute_notebook(path: Path, timeout: int = 300, parameters: dict[str, Any] | None = None,
                     cwd: Path | None = None) -> Any:
    """Execute a notebook in a fresh kernel and return it, normalised.

    ``parameters`` replace the assignments in the cell tagged ``parameters``
    (papermill's convention), e.g. ``{"CASE": "path/to/case"}``.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if parameters:
        set_parameters(nb, parameters)
    return execute_node(nb, timeout=timeout, cwd=cwd or path.parent)


def execute_node(nb: Any, timeout: int = 300, cwd: Path | None = None) -> Any:
    """Execute an in-memory notebook in a fresh kernel (working folder ``cwd``); return it normalised.

    The kernel talks to us over local IPC sockets where the platform has them,
    so it does not print ipykernel's warning about unencrypted TCP.
    """
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    env_backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    sockets = tempfile.TemporaryDirectory(prefix="coursekit-kernel-") if os.name == "posix" else None
    try:
        km = KernelManager(kernel_name="python3")
        if sockets is not None:
            km.transport = "ipc"
            km.ip = os.path.join(sockets.name, "kernel")  # absolute: kernel and client agree
        client = NotebookClient(
            nb, km=km, timeout=timeout, kernel_name="python3",
            resources={"metadata": {"path": str(cwd or Path.cwd())}},
        )
        try:
            client.execute()
        finally:  # the client shuts down only kernels it started itself
            if km.has_kernel:
                km.shutdown_kernel(now=True)
    finally:
        if sockets is not None:
            sockets.cleanup()
        if env_backend is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = env_backend
    return normalise(nb)


def set_parameters(nb: Any, parameters: dict[str, Any]) -> None:
    """Rewrite the cell tagged ``parameters`` to assign the given values."""
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            lines = [line for line in cell.source.splitlines()
                     if not any(re.match(rf"\s*{re.escape(k)}\s*=", line) for k in parameters)]
            lines += [f"{k} = {v!r}" for k, v in parameters.items()]
            cell.source = "\n".join(lines)
            return
    raise ValueError("the notebook has no cell tagged 'parameters'")


def build(paths: Sequence[str | Path], timeout: int = 300) -> int:
    """Re-execute and save each notebook; report failures, keep going."""
    import nbformat

    notebooks = find_notebooks(paths)
    if not notebooks:
        print("no notebooks found under: " + ", ".join(map(str, paths)), file=sys.stderr)
        return 1
    failed = 0
    for path in notebooks:
        print(f"executing {path} … ", end="", flush=True)
        try:
            nb = execute_notebook(path, timeout=timeout)
        except Exception as exc:  # report and go on with the others
            failed += 1
            first = str(exc).strip().splitlines()[-1:] or [type(exc).__name__]
            print(f"FAILED ({type(exc).__name__}: {first[0][:300]}); left unchanged")
            continue
        problems = problems_in(nb, str(path))
        if problems:
            failed += 1
            print("FAILED; left unchanged")
            for p in problems:
                print(f"  {p}")
            continue
        write_atomic(path, nbformat.writes(nb) + "\n")
        print("saved")
    print(f"{len(notebooks) - failed} of {len(notebooks)} notebooks executed and saved")
    return 1 if failed else 0


if __name__ == "__main__":  # pragma: no cover - `python -m coursekit.notebooks build …` still works
    from .cli import main

    sys.exit(main(["build-notebooks", *sys.argv[2:]] if sys.argv[1:2] == ["build"] else ["build-notebooks", "--help"]))
