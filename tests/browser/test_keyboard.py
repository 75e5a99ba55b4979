"""The book with the keyboard alone, and on paper (issue 14, deliverable 6).

- Few stops before the content: the theme's skip link is the first stop and lands in the
  article; without it, a reader tabs past the header's search, the title, the open group of the
  sidebar and the page's toolbar, no control twice (book/_ext/static/access.js and access.css).
- A visible focus ring on every control a reader can tab to, the theme's buttons included.
- Each solution's toggle is named after its exercise, and says whether it shows or hides.
- Print: sliders give way to a note, a chart and its caption fit on one sheet, and solutions
  print only in the instructor's copy (``?solutions=1``), which opens every one of them.

A handful of pages; the pages open without waiting for the network to fall idle.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import toc_pages

pytestmark = pytest.mark.browser

PART = "book/part1_two_sides.html"
NOTEBOOK = "notebooks/01_two_sides.html"
MAX_STOPS_BEFORE_CONTENT = 20
"""Stops before the focus enters the article, without the skip link: the theme gave 32 (skip
link, search twice, title twice, 23 links of the sidebar, the toolbar's 4 buttons); now 19 on
Part 1 and 18 on a workbook page (the open group's links, the others' headings)."""
A4_CONTENT_PX = 1000
"""An A4 sheet's height at 96 px per inch (1123 px) less the print margins, roughly."""

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const words = (el.getAttribute('aria-label') || el.textContent || el.value || '')
    .replace(/\\s+/g, ' ').trim();
  return {
    tag: el.tagName, cls: String(el.className || ''), name: words.slice(0, 60),
    key: el.tagName + '|' + (el.getAttribute('href') || '') + '|' + words,
    inArticle: el.closest('main article.bd-article') !== null,
    outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0,
    shadow: style.boxShadow !== 'none',
    visible: el.getClientRects().length > 0,
  };
}"""

SOLUTION_PAGES = [p for p in toc_pages() if p.startswith("book/part")]


@pytest.fixture
def visit(browser, base_url: str):
    """Open a page of the book, served, in a fresh context: (path) -> an object with ``page``.
    Unlike test_book's, it waits for the page's load event only (the theme's scripts and
    sphinx-togglebutton have run by then), not for the network to fall idle."""
    contexts = []

    class Opened:
        def __init__(self, page) -> None:
            self.page = page

    def open_page(path: str) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        page.wait_for_function("document.querySelector('#pst-skip-link a') !== null")
        return Opened(page)

    yield open_page
    for context in contexts:
        context.close()


def tab_until_article(page, limit: int = 80) -> list[dict]:
    """Press Tab until the focus is inside the article; every stop on the way, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        if stop is None:
            continue
        stops.append(stop)
        if stop["inArticle"]:
            return stops
    pytest.fail(f"the focus never reached the article in {limit} presses: {stops[-5:]}")


@pytest.mark.parametrize("path", [PART, NOTEBOOK])
def test_few_stops_before_the_content_and_none_twice(visit, path: str) -> None:
    v = visit(path)
    stops = tab_until_article(v.page)
    before = stops[:-1]
    names = [s["name"] for s in before]
    print(f"{path}: {len(before)} stops before the content: {names}")
    assert before[0]["name"] == "Skip to main content"
    assert len(before) <= MAX_STOPS_BEFORE_CONTENT, names
    keys = [s["key"] for s in before]
    assert len(keys) == len(set(keys)), f"a control reached twice: {names}"
    assert sum("Search" in n for n in names) == 1, names
    assert sum(n == "Managing and leading a sales team" for n in names) == 1, names


def test_the_skip_link_lands_in_the_article(visit) -> None:
    v = visit(PART)
    v.page.keyboard.press("Tab")
    assert v.page.evaluate(FOCUSED)["name"] == "Skip to main content"
    v.page.keyboard.press("Enter")
    v.page.wait_for_function("document.activeElement.matches('main article.bd-article')")
    v.page.keyboard.press("Tab")
    assert v.page.evaluate(FOCUSED)["inArticle"]


def test_a_folded_sidebar_group_opens_with_the_keyboard(visit) -> None:
    v = visit(PART)
    toggle = v.page.locator("button.nav-group-toggle", has_text="The workbook")
    assert toggle.get_attribute("aria-expanded") == "false"
    first = v.page.locator("nav.bd-docs-nav a", has_text="Getting started")
    assert not first.is_visible()
    toggle.focus()
    v.page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert first.is_visible()
    # and the page's own group is open
    assert v.page.locator("button.nav-group-toggle", has_text="The course").get_attribute(
        "aria-expanded") == "true"


@pytest.mark.parametrize("path", [PART, NOTEBOOK])
def test_every_control_shows_a_focus_ring(visit, path: str) -> None:
    """Tab through the whole page: every stop that is on screen draws an outline of 2 px or
    more (or a ring of box-shadow). The theme's buttons must be among them."""
    v = visit(path)
    v.page.wait_for_timeout(500)  # sphinx-togglebutton adds the solutions' buttons on load
    seen, bare = [], []
    first = None
    for _ in range(400):
        v.page.keyboard.press("Tab")
        stop = v.page.evaluate(FOCUSED)
        if stop is None or not stop["visible"]:
            continue
        if stop["key"] == first:
            break  # round the page once
        first = first or stop["key"]
        seen.append(stop)
        if stop["outline"] < 2 and not stop["shadow"]:
            bare.append(f"{stop['tag']}.{stop['cls'][:30]} '{stop['name']}'")
    assert not bare, f"{path}: controls with no visible focus: {bare[:10]}"
    names = " | ".join(s["name"] for s in seen)
    for theme_button in ("Toggle primary sidebar", "Download this page", "Fullscreen mode",
                         "Search", "Color mode"):
        assert theme_button in names, f"{theme_button} not reached by Tab"
    if path == PART:
        assert "Show the solution to Exercise 1" in names


@pytest.mark.parametrize("path", SOLUTION_PAGES)
def test_solution_toggles_are_named_after_their_exercise(visit, path: str) -> None:
    v = visit(path)
    v.page.wait_for_timeout(300)
    buttons = v.page.locator(".solution button.toggle-button")
    if buttons.count() == 0:
        pytest.skip(f"{path} has no solutions")
    labels = buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    titles = v.page.locator(".solution > .admonition-title").evaluate_all(
        "ts => ts.map(t => t.textContent.replace(/\\s+/g, ' ').trim())")
    for label, title in zip(labels, titles, strict=True):
        number = re.search(r"Exercise\s+[\w.]+", title)
        assert number, title
        assert label == f"Show the solution to {number.group(0)}", (label, title)
    buttons.first.click()
    assert buttons.first.get_attribute("aria-label").startswith("Hide the solution to Exercise")
    assert buttons.first.get_attribute("aria-expanded") == "true"


def print_text(page, folder: Path) -> str:
    pdf = folder / "page.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4", print_background=True)
    tool = shutil.which("pdftotext")
    if not tool:
        pytest.fail("pdftotext is missing: `make chromium` installs Debian's poppler-utils",
                    pytrace=False)
    out = subprocess.run([tool, str(pdf), "-"], check=True, capture_output=True, text=True)
    return re.sub(r"\s+", " ", out.stdout)


def test_solutions_print_in_the_instructors_copy_only(visit, tmp_path: Path) -> None:
    v = visit(PART)
    v.page.wait_for_timeout(300)
    solution = v.page.locator(".solution section").first
    sample = re.sub(r"\s+", " ", solution.text_content()).strip()[:40]
    assert sample
    assert sample not in print_text(v.page, tmp_path), "a solution printed in the learner's copy"

    copy = visit(PART + "?solutions=1")
    copy.page.wait_for_timeout(300)
    assert copy.page.locator(".solution.toggle-hidden").count() == 0
    assert copy.page.locator(".instructor-copy-note").count() == 1
    text = print_text(copy.page, tmp_path)
    for section in copy.page.locator(".solution section").all():
        words = re.sub(r"\s+", " ", section.text_content()).strip()[:40]
        assert words in text, f"not in the instructor's print: {words!r}"


def test_print_replaces_sliders_with_a_note_and_keeps_charts_on_a_sheet(visit) -> None:
    v = visit(PART)
    v.page.wait_for_function("document.querySelectorAll('.vega-embed svg.marks').length > 0")
    v.page.emulate_media(media="print")
    found = v.page.evaluate("""() => [...document.querySelectorAll('.vega-embed')].map(el => ({
      sliders: [...el.querySelectorAll('.vega-bindings')]
        .filter(b => b.getClientRects().length).length,
      bound: el.querySelector('.vega-bindings') !== null,
      note: getComputedStyle(el, '::after').content,
      figure: el.closest('figure') ? el.closest('figure').getBoundingClientRect().height : 0,
    }))""")
    assert any(chart["bound"] for chart in found)
    for chart in found:
        assert chart["sliders"] == 0, "a slider prints"
        if chart["bound"]:
            assert "Interactive chart:" in chart["note"] and "open this page" in chart["note"]
        assert chart["figure"] <= A4_CONTENT_PX, f"a chart and caption taller than a sheet: {chart}"
