"""coursekit present: what it runs (the browser tests in tests/browser/test_present.py drive it)."""

from __future__ import annotations

import sys
from pathlib import Path

from coursekit.commands.present import TEMPLATE, build_voila_args, lesson_path

REPO_ROOT = Path(__file__).resolve().parent.parent
OURS = REPO_ROOT / "src" / "coursekit" / "voila_templates" / TEMPLATE
CDN_LINK = "cdn.jsdelivr.net/npm/@fortawesome"


def test_present_serves_the_lessons_folder_with_the_kit_template():
    notebook = REPO_ROOT / "notebooks" / "04_comparing_claims.ipynb"
    args = build_voila_args(notebook, 8866, 300, 60)
    assert args[:4] == [sys.executable, "-m", "voila", str(notebook.parent)]
    assert f"--VoilaConfiguration.template={TEMPLATE}" in args
    assert lesson_path(notebook) == "voila/render/04_comparing_claims.ipynb"


def test_the_template_is_voilas_lab_template_without_the_cdn_links():
    """If Voila's template changes (a new Voila pin), this says so: update ours from it."""
    voila_lab = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "lab" / "index.html.j2"
    theirs = voila_lab.read_text(encoding="utf-8").splitlines()
    ours = (OURS / "index.html.j2").read_text(encoding="utf-8").splitlines()
    assert sum(CDN_LINK in line for line in theirs) == 2
    comment_end = next(i for i, line in enumerate(ours) if line.rstrip().endswith("-#}"))
    addition = next(i for i, line in enumerate(ours) if line.startswith("{#- coursekit addition"))
    assert ours[comment_end + 1:addition] == [line for line in theirs if CDN_LINK not in line]
    assert ours[addition + 1] == "{%- block extra_css -%}" and ours[-1] == "{%- endblock extra_css -%}"
    assert not any("<link" in line and "https://" in line for line in ours)


def test_the_template_is_installed_where_voila_looks():
    installed = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / TEMPLATE
    for name in ("index.html.j2", "conf.json"):
        assert (installed / name).read_text(encoding="utf-8") == (OURS / name).read_text(encoding="utf-8"), (
            f"{installed / name} is not the repository's: reinstall the package (pip install -e .)")
