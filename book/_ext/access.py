"""The theme for keyboard and screen-reader users, and for print (issue 14, deliverable 6).

Loaded by ``active`` (``app.setup_extension``). It adds ``access.js`` and ``access.css`` to
every page, and turns the blank header cells of tables into ordinary cells when each page is
written: the corner cell of a two-way table and the empty cells pandas writes above and beside
a DataFrame's index label nothing, and a header that labels nothing is an error for screen
readers (axe: empty-table-header). A blank cell that is not a header is what they are.

It also keeps sphinx-togglebutton from opening every hidden block when a page is printed: a
learner's print holds the solutions they opened, and the instructor's copy (``?solutions=1``,
see the instructor guide) holds all of them. And the toggles' visible hint is the first word
of their name.
"""

from __future__ import annotations

import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

EMPTY_HEADER = re.compile(r"<th(\s[^>]*)?>(?:\s|&nbsp;|&#160;|<p>\s*</p>)*</th>")
"""An empty header cell: pandas writes ``<th></th>``, docutils ``<th class="head"><p></p></th>``."""


def blank_cells(html: str) -> str:
    """``html`` with every empty ``<th>`` written as a ``<td>`` with the same attributes."""
    return EMPTY_HEADER.sub(lambda m: f"<td{m.group(1) or ''}></td>", html)


CODE_TOGGLE = re.compile(r'<summary aria-label="Toggle hidden content">(?=\s*<p class="collapsed)')
"""myst-nb's toggle of a folded code cell (``hide-input``): its visible words ("Show code cell
source") name it; the fixed label it also carries hid them (axe: label-content-name-mismatch)."""


def named_by_its_words(html: str) -> str:
    """``html`` with each folded code cell's toggle named by its visible words."""
    return CODE_TOGGLE.sub("<summary>", html)


def on_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
            doctree: object) -> None:
    body = context.get("body")
    if isinstance(body, str) and "<th" in body:
        body = blank_cells(body)
    if isinstance(body, str):
        context["body"] = named_by_its_words(body)


def togglebutton_settings(app: Sphinx, config: Config) -> None:
    """Solutions print as they stand on screen; a toggle's visible words ("Show", "Hide") begin
    the name access.js gives it ("Show the solution to Exercise 2"), as WCAG's label in name
    asks ("Click to show" did not)."""
    config.togglebutton_open_on_print = False
    config.togglebutton_hint = "Show"
    config.togglebutton_hint_hide = "Hide"


def setup(app: Sphinx) -> dict[str, object]:
    # before sphinx-togglebutton's own handler writes the setting into every page
    app.connect("config-inited", togglebutton_settings, priority=100)
    app.add_js_file("access.js")
    app.add_css_file("access.css")
    app.connect("html-page-context", on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
