"""Sam's year, the decision game, in the static book.

In a MyST page::

    ```{samsyear}
    ```

The directive draws the game's frame; ``static/samsyear.js`` plays it from the data script
``_data/sams_year.js``, which this extension writes into the site at every build from
:mod:`teamsim.course.game` (all 625 paths, computed once and kept in ``_build/game-cache`` until
teamsim's code changes). Without JavaScript, and in print, the page shows a table of the five
choices each held for the whole year instead.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
MARK = 'class="samsyear"'


class samsyear_node(nodes.General, nodes.Element):
    """The game's frame; written out as HTML only."""


class SamsYear(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        return [samsyear_node()]


def cached_data(app: Sphinx) -> dict[str, Any]:
    """The game's data, computed again only when teamsim's source changed."""
    import teamsim
    from teamsim.course import game

    source = Path(teamsim.__file__).parent
    digest = hashlib.sha256()
    for f in sorted([*source.glob("model/*.py"), source / "course" / "game.py"]):
        digest.update(f.name.encode() + f.read_bytes())
    name = f"{game.DATA_NAME}-{digest.hexdigest()[:16]}.js"
    cache = Path(app.outdir).parent / "game-cache" / name
    if cache.is_file():
        return game.parse_script(cache.read_text("utf-8"))
    logger.info("samsyear: running the game's 625 paths through teamsim")
    script = game.data_script()
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.glob(f"{game.DATA_NAME}-*.js"):
        old.unlink()
    cache.write_text(script, "utf-8")
    return game.parse_script(script)


def write_data(app: Sphinx) -> None:
    """Write ``_data/sams_year.js`` into the site before the pages are written."""
    if app.builder.format != "html":
        return
    from teamsim.course import game
    from teamsim.course.book import SITE_FOLDER

    data = cached_data(app)
    app.env.samsyear_static = static_table(data)  # type: ignore[attr-defined]
    target = Path(app.outdir) / SITE_FOLDER / f"{game.DATA_NAME}.js"
    text = game.data_script(data)
    if not (target.is_file() and target.read_text("utf-8") == text):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")


def static_table(data: dict[str, Any]) -> str:
    """The five choices each held all year, as a table: what readers without scripts see."""
    names = list(data["summary_metrics"])
    factor = data["summary_metrics"]
    rows = []
    for k, choice in enumerate(data["choices"]):
        values = dict(zip(names, data["paths"][str(k) * 4]))
        rows.append(
            f"<tr><th scope=\"row\">{html.escape(choice['name'])}</th>"
            f"<td>${values['revenue'] / factor['revenue'] / 1000:.2f} million</td>"
            f"<td>{values['quits'] / factor['quits']:.1f}</td>"
            f"<td>{values['engagement'] / factor['engagement']:.2f}</td>"
            f"<td>{values['exhaustion_end'] / factor['exhaustion_end']:.2f}</td></tr>")
    return (
        '<div class="samsyear-static"><p>The game is played in a web browser with JavaScript '
        "on. On paper, or without it, here is the year under each of the five choices held for "
        f"all four quarters (the model's mean over "
        f"{data['runs']} simulated years of the same team; an illustration, not a forecast).</p>"
        '<div class="samsyear-scroll"><table class="samsyear-table"><caption>A whole year of one '
        "style</caption><thead><tr><th scope=\"col\">Style all year</th>"
        '<th scope="col">Revenue</th><th scope="col">People who left</th>'
        '<th scope="col">Mean engagement (0-1)</th><th scope="col">Exhaustion at the end (0-1)'
        f"</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></div>")


def visit_html(self: Any, node: samsyear_node) -> None:
    table = getattr(self.builder.env, "samsyear_static", "")
    self.body.append(
        '<div class="samsyear" id="samsyear">'
        '<div class="samsyear-app" hidden></div>'
        f"{table}</div>")
    raise nodes.SkipNode


def skip(self: Any, node: samsyear_node) -> None:
    raise nodes.SkipNode


def add_game_files(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: Any) -> None:
    """Load the game's script, style and data only on the page that holds the game."""
    from teamsim.course import game
    from teamsim.course.book import SITE_FOLDER

    if MARK not in context.get("body", ""):
        return
    app.add_js_file(f"../{SITE_FOLDER}/{game.DATA_NAME}.js")
    app.add_js_file("samsyear.js")
    app.add_css_file("samsyear.css")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(samsyear_node, html=(visit_html, None), singlehtml=(visit_html, None),
                 latex=(skip, None), text=(skip, None), man=(skip, None),
                 texinfo=(skip, None))
    app.add_directive("samsyear", SamsYear)
    app.connect("builder-inited", write_data)
    app.connect("html-page-context", add_game_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
