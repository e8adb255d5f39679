"""axe-core in the browser tests: inject the npm package, run the WCAG 2.0/2.1 A and AA rules.

axe-core comes from ``node_modules/axe-core`` (``make test`` installs the
version package.json names); it is injected from that file, never fetched
from a CDN.  ``check_page`` runs axe twice: once over what the kit renders
(the ``kit`` selectors: lesson outputs and prose, the presenter's cells, a
handout's body), where any violation fails the test, and once over the whole
page, whose results are only recorded in ``test-artifacts/axe-<name>.json``
(the upstream JupyterLab and Voila findings that docs/accessibility.md lists).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import ARTIFACTS, REPO_ROOT

AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async ([include, tags]) => {
  const context = include.length ? { include: include.map(s => [s]) } : document;
  const result = await axe.run(context, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
    nodes: v.nodes.map(n => ({ target: n.target, html: n.html.slice(0, 300), summary: n.failureSummary })),
  }));
}"""


def axe_available() -> Path:
    if not AXE_JS.is_file():
        pytest.skip(f"{AXE_JS.relative_to(REPO_ROOT)} is missing: run `make test` (it installs axe-core "
                    "from npm with the version package.json names), or `npm install --no-package-lock`")
    return AXE_JS


def run_axe(page, include: list[str] | None = None) -> list[dict]:
    """WCAG 2.0/2.1 A and AA violations on ``page`` (within ``include`` selectors, if given)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_available()))
    return page.evaluate(_RUN, [include or [], WCAG_AA])


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      ")[:400])
    return "\n".join(lines)


def check_page(page, name: str, kit: list[str]) -> list[dict]:
    """Fail on any violation inside ``kit``; record the whole page's violations; return those."""
    axe_available()
    page_wide = run_axe(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(page_wide, indent=1), encoding="utf-8")
    present = [s for s in kit if page.locator(s).count()]
    assert present, f"none of the kit's selectors {kit} is on the page: nothing to check"
    ours = run_axe(page, present)
    assert not ours, f"axe-core finds WCAG 2.1 A/AA violations in what the kit renders ({name}):\n" + describe(ours)
    return page_wide
