"""Launch and download buttons on the workbook's pages of the book.

The settings live in ``_config.yml`` (``repository`` and ``launch_buttons``). Left empty, as the
course ships, the built pages show no launch button at all (never a broken one) and still offer
the notebook itself for download. Filled in, a small book built with the same settings gets a
JupyterHub button that is an nbgitpuller link to the notebook and a Binder button.
"""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
import yaml
from conftest import BOOK_ROOT, toc_pages

ROOT = Path(__file__).resolve().parents[2]
JUPYTER_BOOK = ROOT / ".venv" / "bin" / "jupyter-book"
NOTEBOOK_PAGES = [p for p in toc_pages() if p.startswith("notebooks/")]


def links(page: Path) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page.read_text("utf-8"))]


def test_the_course_ships_without_launch_buttons_but_with_downloads(book: Path) -> None:
    config = yaml.safe_load((BOOK_ROOT / "_config.yml").read_text())
    assert config["repository"]["url"] == "" and not config["launch_buttons"]["jupyterhub_url"]
    assert len(NOTEBOOK_PAGES) == 7
    for page in NOTEBOOK_PAGES:
        hrefs = links(book / page)
        assert not [h for h in hrefs if "git-pull" in h or "/v2/gh/" in h], page
        ipynb = [h for h in hrefs if h.endswith(".ipynb")]
        assert ipynb, f"{page} offers no .ipynb download"
        assert all(((book / page).parent / h).resolve().is_file() for h in ipynb), ipynb


def test_filled_in_settings_give_a_hub_and_a_binder_button(tmp_path: Path) -> None:
    """A one-notebook book with the course's launch settings filled in."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    settings = {"repository": dict(config["repository"], url="https://github.com/our-school/"
                                                             "sales-course"),
                "launch_buttons": dict(config["launch_buttons"],
                                       jupyterhub_url="https://hub.our-school.edu",
                                       binderhub_url="https://mybinder.org")}
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# One")]),
                   tmp_path / "notebooks" / "01_two_sides.ipynb")
    (tmp_path / "intro.md").write_text("# Intro\n")
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": "intro",
        "chapters": [{"file": "notebooks/01_two_sides"}]}))
    (tmp_path / "_config.yml").write_text(yaml.safe_dump({
        "title": "t", "execute": {"execute_notebooks": "off"}, **settings}))
    result = subprocess.run([str(JUPYTER_BOOK), "build", str(tmp_path), "--builder", "html"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    hrefs = links(tmp_path / "_build" / "html" / "notebooks" / "01_two_sides.html")
    hub = [h for h in hrefs if h.startswith("https://hub.our-school.edu/")]
    assert len(hub) == 1, hrefs
    url = urlsplit(hub[0])
    assert url.path == "/hub/user-redirect/git-pull"
    query = parse_qs(url.query)
    assert query["repo"] == ["https://github.com/our-school/sales-course"]
    assert query["branch"] == [config["repository"]["branch"]]
    assert query["urlpath"] == ["lab/tree/sales-course/notebooks/01_two_sides.ipynb"]
    binder = [h for h in hrefs if h.startswith("https://mybinder.org/")]
    assert binder == ["https://mybinder.org/v2/gh/our-school/sales-course/main"
                      "?urlpath=lab/tree/notebooks/01_two_sides.ipynb"], binder


pytestmark = pytest.mark.browser
