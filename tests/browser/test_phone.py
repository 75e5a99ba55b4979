"""Every page of the book on a phone (390 x 844, touch): charts that fit and charts that speak.

Each page is loaded once on a phone. With every prediction's guess locked in (so the charts
behind them open):

- nothing scrolls sideways: no chart is wider than its column, no control (slider, menu, radio
  button, checkbox) lies outside the screen, and the page itself is no wider than the screen;
- every control is at least 44 px in each direction, the usual size of a touch target (so
  also WCAG 2.2's minimum of 24 px, counted apart; test_book.py checks 24 px on a desktop);
- every chart carries a text summary under it (``.chart-summary``, a polite live region) and
  a "Show the data" table; for a chart with controls, moving each control changes the summary.

The counts (pages, charts, controls, charts overflowing, controls under 24 px and 44 px,
controls off-screen, summaries changed) are printed at the end of the run and kept in
``_build/browser-summary.json``.
"""

from __future__ import annotations

import pytest
from conftest import SUMMARY, toc_pages
from playwright.sync_api import Browser, ElementHandle, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from test_book import move, one_per_group, open_predictions, settle

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
LEAST = 24
TOUCH = 44

MEASURE = """() => {
  const screen = window.innerWidth;
  const charts = [...document.querySelectorAll('.vega-embed')].map(el => {
    const marks = el.querySelector('svg.marks, canvas.marks');
    const column = (el.closest('.cell_output, .output, figure') || el.parentElement)
      .getBoundingClientRect();
    const box = marks ? marks.getBoundingClientRect() : {left: 0, right: 0, width: 0};
    return {id: el.id, width: box.width, right: box.right, column: Math.min(column.right, screen),
            left: box.left};
  });
  const controls = [...document.querySelectorAll(
      '.vega-bindings input, .vega-bindings select, fieldset.quiz input, div.predict input')]
    .map(el => {
      const box = el.getBoundingClientRect();
      return {what: (el.type || el.tagName) + ' ' + (el.name || el.id || ''), width: box.width,
              height: box.height, left: box.left, right: box.right};
    });
  return {screen, page: document.documentElement.scrollWidth, charts, controls};
}"""
SUMMARY_OF = """el => {
  const next = el.nextElementSibling;
  const box = next && next.classList.contains('chart-extras') ? next : null;
  return box ? {summary: (box.querySelector('.chart-summary') || {}).textContent || '',
                live: (box.querySelector('.chart-summary') || {getAttribute: () => ''})
                        .getAttribute('aria-live') || '',
                table: !!box.querySelector('details.chart-data > summary')} : null;
}"""


CHART_PAGES = [p for p in toc_pages() if p.startswith("book/part") or p == "book/intro.html"]


def summaries_follow_their_controls(page: Page, drawn: list[ElementHandle],
                                    problems: list[str]) -> None:
    """Each chart has a summary (a polite live region) and a data table; moving any of its
    controls changes the summary's words; every slider gives its value in words."""
    for chart in drawn:
        name = chart.evaluate("el => el.closest('figure') ? el.closest('figure').id : el.id")
        try:
            page.wait_for_function(f"el => ({SUMMARY_OF})(el) !== null", arg=chart,
                                   timeout=5_000)
        except PlaywrightTimeoutError:
            problems.append(f"chart {name} has no summary and data table under it")
            continue
        said = chart.evaluate(SUMMARY_OF)
        if not said["table"]:
            problems.append(f"chart {name} has no 'Show the data' table")
        controls = chart.query_selector_all(
            ".vega-bindings input[type=range], .vega-bindings select, "
            ".vega-bindings input[type=checkbox], "
            ".vega-bindings input[type=radio]:not(:checked)")
        SUMMARY.phone["charts with a summary and a table"] += 1
        if not controls:
            continue
        if not said["summary"].strip():
            problems.append(f"chart {name} has controls but no summary")
        if said["live"] != "polite":
            problems.append(f"chart {name}'s summary is not a live region")
        for control, label in one_per_group(controls):
            before = chart.evaluate(SUMMARY_OF)["summary"]
            move(page, control)
            try:
                page.wait_for_function(
                    f"([el, before]) => ({SUMMARY_OF})(el).summary !== before",
                    arg=[chart, before], timeout=5_000)
            except PlaywrightTimeoutError:
                problems.append(f"moving '{label[:60]}' on chart {name} left its summary "
                                f"unchanged: {before[:120]!r}")
                continue
            SUMMARY.phone["summaries changed by a control"] += 1
        valuetext = chart.evaluate("""el => [...el.querySelectorAll(
            '.vega-bindings input[type=range]')].filter(i => !i.getAttribute('aria-valuetext'))
            .map(i => i.name)""")
        if valuetext:
            problems.append(f"chart {name}: sliders with no value in words: {valuetext}")


@pytest.mark.parametrize("part", toc_pages())
def test_page_on_a_phone(browser: Browser, base_url: str, part: str) -> None:
    """The page fits a phone, its controls are big enough to touch, and (on the pages with
    charts) each chart's summary follows its controls; every problem found is listed."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(base_url + part)
        SUMMARY.page_loads += 1
        SUMMARY.pages.add(part)
        drawn = settle(page)
        open_predictions(page)
        page.wait_for_timeout(300)  # charts opened by a guess redraw to their column
        seen = page.evaluate(MEASURE)
        wide = [f"{c['id']} ({c['width']:.0f} px wide, right edge {c['right']:.0f} px in a "
                f"column ending at {c['column']:.0f})" for c in seen["charts"]
                if c["right"] > c["column"] + 1 or c["left"] < -1]
        small = [f"{c['what']} {c['width']:.0f}x{c['height']:.0f}" for c in seen["controls"]
                 if min(c["width"], c["height"]) < LEAST - 0.5]
        untouchable = [f"{c['what']} {c['width']:.0f}x{c['height']:.0f}"
                       for c in seen["controls"] if min(c["width"], c["height"]) < TOUCH - 0.5]
        off = [c["what"] for c in seen["controls"]
               if c["right"] > seen["screen"] + 1 or c["left"] < -1]
        SUMMARY.phone["pages"] += 1
        SUMMARY.phone["charts"] += len(seen["charts"])
        SUMMARY.phone["controls"] += len(seen["controls"])
        SUMMARY.phone["charts overflowing"] += len(wide)
        SUMMARY.phone["controls under 24 px"] += len(small)
        SUMMARY.phone[f"controls under {TOUCH} px"] += len(untouchable)
        SUMMARY.phone["controls off-screen"] += len(off)
        problems = []
        if wide:
            problems.append(f"charts wider than their column: {wide}")
        if small:
            problems.append(f"controls under {LEAST} px: {small[:8]}")
        if untouchable:
            problems.append(f"controls under {TOUCH} px on a touch screen: {untouchable[:8]}")
        if off:
            problems.append(f"controls off-screen: {off[:8]}")
        if seen["page"] > seen["screen"]:
            problems.append(f"the page scrolls sideways: {seen['page']} px wide on a "
                            f"{seen['screen']} px screen")
        if part in CHART_PAGES:
            summaries_follow_their_controls(page, drawn, problems)
        assert not problems, f"{part} on a phone:\n  " + "\n  ".join(problems)
    finally:
        context.close()
