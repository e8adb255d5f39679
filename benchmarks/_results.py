"""Shared by the benchmark scripts: record results without clobbering each other's.

``results.json`` holds one key per benchmark; ``results.md`` one ``## Title``
section per benchmark.  Each script replaces only its own key and section,
and every write goes through a temporary file renamed into place.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "benchmarks" / "results.json"
RESULTS_MD = ROOT / "benchmarks" / "results.md"
HEADER = "# Benchmark results\n"

sys.path.insert(0, str(ROOT / "src"))
from coursekit.notebooks import write_atomic  # noqa: E402


def read_json() -> dict[str, Any]:
    return json.loads(RESULTS_JSON.read_text(encoding="utf-8")) if RESULTS_JSON.exists() else {}


def update_json(key: str, value: Any) -> None:
    data = read_json()
    data[key] = value
    write_atomic(RESULTS_JSON, json.dumps(data, indent=2, sort_keys=True) + "\n")


def update_section(title: str, body: str, first: bool = False) -> None:
    """Replace (or add) the section ``## title`` of results.md with ``body``."""
    text = RESULTS_MD.read_text(encoding="utf-8") if RESULTS_MD.exists() else HEADER
    section = f"## {title}\n\n{body.strip()}\n\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    elif first:
        head, sep, rest = text.partition("\n## ")
        text = f"{head.rstrip()}\n\n{section}" + (f"## {rest}" if sep else "")
    else:
        text = text.rstrip() + "\n\n" + section
    write_atomic(RESULTS_MD, text.rstrip() + "\n")
