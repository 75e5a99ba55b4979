"""Controls people can hit: every slider, radio button, checkbox and menu of the book's charts,
quizzes and predictions is at least 24 px in each direction with a mouse and 44 px on a touch
screen (WCAG 2.2's minimum target, and the usual touch size).

The phone run also checks that no control sits off-screen (beyond the right edge of a 390 px
screen, as they did when charts were wider than a phone), and prints how many there are.
"""

from __future__ import annotations

import pytest
from conftest import BOOK_ROOT, toc_pages
from playwright.sync_api import Browser
from test_book import settle

pytestmark = pytest.mark.browser

CONTROLS = (".vega-bindings input, .vega-bindings select, fieldset.quiz input, "
            "div.predict input")
SIZES = """sel => [...document.querySelectorAll(sel)].map(el => {
  const box = el.getBoundingClientRect();
  return {what: (el.type || el.tagName) + ' ' + (el.name || el.id || ''),
          width: box.width, height: box.height, right: box.right};
})"""
PAGES = [p for p in toc_pages() if p.startswith("book/part")]
DEVICES = {
    "desktop": ({"viewport": {"width": 1280, "height": 900}}, 24),
    "phone": ({"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
               "device_scale_factor": 2}, 44),
}


@pytest.mark.parametrize("device", sorted(DEVICES))
@pytest.mark.parametrize("part", PAGES)
def test_controls_are_big_enough(browser: Browser, part: str, device: str) -> None:
    options, least = DEVICES[device]
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        page.goto((BOOK_ROOT / "_build" / "html" / part).as_uri())
        settle(page)
        sizes = page.evaluate(SIZES, CONTROLS)
        assert sizes, f"{part}: no controls found"
        small = [f"{s['what']} {s['width']:.0f}x{s['height']:.0f}" for s in sizes
                 if min(s["width"], s["height"]) < least - 0.5]
        assert not small, f"{part} on a {device}: controls under {least} px: {small[:8]}"
        if device == "phone":
            off = [s["what"] for s in sizes if s["right"] > options["viewport"]["width"]]
            print(f"{part}: {len(sizes)} controls, {len(off)} off-screen at 390 px")
            assert not off, f"{part} on a phone: controls off-screen: {off[:8]}"
    finally:
        context.close()
