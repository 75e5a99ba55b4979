"""What each page of the book weighs when a reader opens it: every byte the browser receives.

Each page is opened served over HTTP in a fresh browser (nothing cached) and left until it has
drawn its charts and stopped loading; the weight is the sum of the bodies of every response of
that load, uncompressed (the test server sends files as they are): the page, the theme's files,
the shared vendor files (vega and vega-lite on chart pages), fonts and the chart data. No page
may pass 1.5 MB (those that still do are listed in ``OVER_BUDGET``, with why).
The weights are printed in the summary at the end of the run (``page weights``) and written to
``_build/browser-summary.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from conftest import idle
from playwright.sync_api import Browser, Response
from test_book import DRAW_TIMEOUT_MS, PAGE_BUDGET_BYTES

pytestmark = pytest.mark.browser

# Every chart container has drawn its marks (an empty page passes at once).
ALL_CHARTS_DRAWN = """() => [...document.querySelectorAll('div[id^="altair-viz-"], .vega-embed')]
  .every(el => { const m = el.querySelector('svg.marks, canvas.marks');
                 return m && m.getBoundingClientRect().width > 0; })"""
# Never loaded by any page of the book (see book/_ext/light_pages.py and offline_book.py): the
# icon JavaScript, MathJax (the appendix's equations are MathML, written when the book is built)
# and the theme's full icon font (each page gets the glyphs the book uses, a few kB).
NEVER = ("/fontawesome.js", "/tex-chtml.js", "/fa-solid-900.woff2", "/fa-solid-900.ttf")

# Pages still over the budget, and why. Each is checked like any other and expected to fail
# (strictly: once it weighs 1.5 MB or less, its test fails until its entry goes). Add a page
# only with the reason it cannot be lighter yet. Every page fits since the charts were drawn
# without vega-embed (vega and vega-lite only), the theme kept only the icons the book shows and
# the appendix's equations became MathML.
OVER_BUDGET: dict[str, str] = {}


@dataclass
class Load:
    """The responses of one page load."""

    sizes: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def largest(self, n: int = 3) -> list[tuple[str, int]]:
        return sorted(self.sizes.items(), key=lambda item: -item[1])[:n]


def body_size(response: Response) -> int:
    """The response body's length; the Content-Length the server sent if the body is gone."""
    try:
        return len(response.body())
    except Exception:  # noqa: BLE001 - a body the browser no longer holds (redirects too)
        return int(response.headers.get("content-length", "0") or 0)


def weigh(browser: Browser, url: str) -> Load:
    """Open ``url`` in a fresh context and sum what it received until the page is idle."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        responses: list[Response] = []
        page = context.new_page()
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="load")
        page.wait_for_function(ALL_CHARTS_DRAWN, timeout=DRAW_TIMEOUT_MS)
        idle(page)
        load = Load()
        for response in responses:
            path = urlsplit(response.url).path
            load.sizes[path] = load.sizes.get(path, 0) + body_size(response)
        return load
    finally:
        context.close()


def test_page_weight(browser: Browser, base_url: str, page_path: str, summary,
                     request: pytest.FixtureRequest) -> None:
    """The page with everything it loads stays under 1.5 MB, and loads no icon JavaScript."""
    load = weigh(browser, base_url + page_path)
    summary.page_weights[page_path] = {
        "bytes": load.total, "requests": len(load.sizes),
        "largest": [[path.rsplit("/", 1)[-1], size] for path, size in load.largest()]}
    summary.pages.add(page_path)
    summary.page_loads += 1
    assert len(load.sizes) > 1, f"{page_path}: loaded nothing besides itself? {load.sizes}"
    banned = [path for path in load.sizes if path.endswith(NEVER)]
    assert not banned, f"{page_path} loads {banned}, which the book leaves out"
    largest = ", ".join(f"{path} {size:,}" for path, size in load.largest(5))
    if page_path in OVER_BUDGET:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OVER_BUDGET[page_path]))
    assert load.total <= PAGE_BUDGET_BYTES, (
        f"{page_path} weighs {load.total:,} bytes with what it loads (budget "
        f"{PAGE_BUDGET_BYTES:,}); largest: {largest}")


# The theme's icons the reader sees (sidebar toggle, download, full screen, colour mode, search,
# previous/next): each draws a glyph of the theme's Font Awesome webfont, loaded, served or from
# disk, with no icon JavaScript on the page.
ICONS = """() => [...document.querySelectorAll('[class*="fa-"]')]
  .filter(el => el.offsetParent !== null)
  .map(el => { const before = getComputedStyle(el, '::before');
               return {icon: el.className, glyph: before.content,
                       font: before.fontFamily, width: el.getBoundingClientRect().width}; })"""
ICON_FONT = "Font Awesome 6 Free"


@pytest.mark.parametrize(("where", "width"), [("served", 1280), ("disk", 390)])
def test_theme_icons_draw_without_icon_javascript(visit, pages: list[str], where: str,
                                                   width: int) -> None:
    """The theme's header icons still draw, from the webfont, on a laptop and on a phone."""
    chart_page = next(p for p in pages if p.startswith("book/part1"))
    seen = visit(chart_page, where)
    page = seen.page
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate("() => document.fonts.ready.then(() => true)")
    icons = page.evaluate(ICONS)
    names = " ".join(icon["icon"] for icon in icons)
    for wanted in ("fa-bars", "fa-download", "fa-expand", "fa-magnifying-glass"):
        assert wanted in names, f"{chart_page} at {width} px shows no {wanted} icon: {names}"
    blank = [icon for icon in icons
             if icon["glyph"] in ("none", "normal", '""') or ICON_FONT not in icon["font"]
             or icon["width"] < 8]
    assert not blank, f"icons that draw nothing at {width} px ({where}): {blank}"
    assert page.evaluate(f"() => document.fonts.check('900 16px \"{ICON_FONT}\"')"), (
        f"the icon font did not load ({where})")
    assert not page.query_selector('script[src*="fontawesome.js"]')
    assert not page.query_selector("svg.svg-inline--fa"), "icons turned into SVG by a script?"
