"""Every page of the book on a phone (390 x 844, touch): charts that fit and charts that speak.

On each page, with every prediction's guess locked in (so the charts behind them open):

- nothing scrolls sideways: no chart is wider than its column, no control (slider, menu, radio
  button, checkbox) lies outside the screen, and the page itself is no wider than the screen;
- every control is at least 24 px in each direction (WCAG 2.2's minimum target; the 44 px of a
  touch screen is checked by test_controls.py);
- every chart carries a text summary under it (``.chart-summary``, a polite live region) and
  a "Show the data" table; for a chart with controls, moving each control changes the summary.

The counts (charts overflowing, controls under 24 px, controls off-screen) are printed at the
end of the run.
"""

from __future__ import annotations

from collections import Counter

import pytest
from conftest import toc_pages
from playwright.sync_api import Browser
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from test_book import move, one_per_group, open_predictions, settle

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
LEAST = 24
COUNTS: Counter = Counter()

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


@pytest.mark.parametrize("part", toc_pages())
def test_page_fits_a_phone(browser: Browser, base_url: str, part: str) -> None:
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(base_url + part)
        settle(page)
        open_predictions(page)
        page.wait_for_timeout(300)  # charts opened by a guess redraw to their column
        seen = page.evaluate(MEASURE)
        wide = [f"{c['id']} ({c['width']:.0f} px wide, right edge {c['right']:.0f} px in a "
                f"column ending at {c['column']:.0f})" for c in seen["charts"]
                if c["right"] > c["column"] + 1 or c["left"] < -1]
        small = [f"{c['what']} {c['width']:.0f}x{c['height']:.0f}" for c in seen["controls"]
                 if min(c["width"], c["height"]) < LEAST - 0.5]
        off = [c["what"] for c in seen["controls"]
               if c["right"] > seen["screen"] + 1 or c["left"] < -1]
        COUNTS["pages"] += 1
        COUNTS["charts"] += len(seen["charts"])
        COUNTS["controls"] += len(seen["controls"])
        COUNTS["charts overflowing"] += len(wide)
        COUNTS["controls under 24 px"] += len(small)
        COUNTS["controls off-screen"] += len(off)
        assert not wide, f"{part} on a phone: charts wider than their column: {wide}"
        assert not small, f"{part} on a phone: controls under {LEAST} px: {small[:8]}"
        assert not off, f"{part} on a phone: controls off-screen: {off[:8]}"
        assert seen["page"] <= seen["screen"], (
            f"{part} on a phone scrolls sideways: {seen['page']} px wide on a "
            f"{seen['screen']} px screen")
    finally:
        context.close()


CHART_PAGES = [p for p in toc_pages() if p.startswith("book/part") or p == "book/intro.html"]


@pytest.mark.parametrize("part", CHART_PAGES)
def test_chart_summaries_follow_their_controls(browser: Browser, base_url: str,
                                               part: str) -> None:
    """Each chart has a summary (a polite live region) and a data table; moving any of its
    controls changes the summary's words."""
    context = browser.new_context(**PHONE)
    try:
        page = context.new_page()
        page.goto(base_url + part)
        drawn = settle(page)
        open_predictions(page)
        for chart in drawn:
            name = chart.evaluate("el => el.closest('figure') ? el.closest('figure').id : el.id")
            page.wait_for_function(f"el => ({SUMMARY_OF})(el) !== null", arg=chart)
            said = chart.evaluate(SUMMARY_OF)
            assert said["table"], f"{part}: chart {name} has no 'Show the data' table"
            controls = chart.query_selector_all(
                ".vega-bindings input[type=range], .vega-bindings select, "
                ".vega-bindings input[type=checkbox], "
                ".vega-bindings input[type=radio]:not(:checked)")
            COUNTS["charts with a summary and a table"] += 1
            if not controls:
                continue
            assert said["summary"].strip(), f"{part}: chart {name} has controls but no summary"
            assert said["live"] == "polite", f"{part}: chart {name}'s summary is not a live region"
            for control, label in one_per_group(controls):
                before = chart.evaluate(SUMMARY_OF)["summary"]
                move(page, control)
                try:
                    page.wait_for_function(
                        f"([el, before]) => ({SUMMARY_OF})(el).summary !== before",
                        arg=[chart, before], timeout=5_000)
                except PlaywrightTimeoutError:
                    pytest.fail(f"{part}: moving '{label[:60]}' on chart {name} left its "
                                f"summary unchanged: {before[:120]!r}")
                COUNTS["summaries changed by a control"] += 1
            valuetext = chart.evaluate("""el => [...el.querySelectorAll(
                '.vega-bindings input[type=range]')].filter(i => !i.getAttribute('aria-valuetext'))
                .map(i => i.name)""")
            assert not valuetext, f"{part}: sliders with no value in words: {valuetext}"
    finally:
        context.close()


def test_print_phone_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints what the phone tests above counted (run with them)."""
    if not COUNTS:
        pytest.skip("the phone tests did not run in this session")
    with capsys.disabled():
        print("\nphone (390 px): " + ", ".join(f"{k}: {v}" for k, v in COUNTS.items()))
