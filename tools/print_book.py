"""Print the whole course as one PDF, through Chromium, from the book built as a single page.

    make pdf        (builds the single page, then runs this)

Sphinx's ``singlehtml`` builder writes every chapter into one page. This script opens it from
disk in Chromium (Playwright driving the machine's browser, found by teamsim.bench.browser),
waits until every chart has drawn, opens every prediction and collapsed block (print shows the
answers), starts each of the book's pages on a new sheet (the single page opens with the book's
contents, linked), and prints A4 pages with the
page number in the footer and the parts as PDF bookmarks. It fails, naming them, when a chart
did not draw. The PDF goes into the HTML site's ``downloads/`` folder, beside the zip, and a JSON
report of what was printed beside it.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from teamsim.bench.browser import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium

ROOT = Path(__file__).resolve().parents[1]
SINGLE = ROOT / "_build" / "singlehtml"
SITE = ROOT / "_build" / "html"
PDF_NAME = "managing-and-leading-course.pdf"
CHART = 'div[id^="altair-viz-"]'
DRAWN = """sel => [...document.querySelectorAll(sel)].every(el => {
  const marks = el.querySelector('svg.marks, canvas.marks');
  return marks && marks.getBoundingClientRect().width > 0;
})"""
PREPARE = """() => {
  // Answers and hidden blocks show in print.
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.predict-answer').forEach(a => {
    a.classList.remove('predict-closed'); a.removeAttribute('inert'); });
  document.querySelectorAll('.toggle-hidden, .toggle-details__content').forEach(el => {
    el.classList.remove('toggle-hidden'); el.style.display = ''; });
  // Each of the book's pages (myst-nb marks a page's first section with the class
  // mathjax_ignore) starts on a new sheet; the single page opens with the book's contents.
  const main = document.querySelector('main') || document.body;
  const article = main.querySelector('article') || main;
  const sections = [...article.querySelectorAll('section.mathjax_ignore')].filter(
    s => s.querySelector(':scope > h1, :scope > h2'));
  const titles = [];
  sections.forEach((s, k) => {
    const heading = s.querySelector(':scope > h1, :scope > h2');
    if (!s.id) s.id = 'print-part-' + k;
    const text = heading.textContent.replace(/#\\s*$/, '').trim();
    titles.push(text);
    if (k > 0) s.style.breakBefore = 'page';
  });
  return titles;
}"""
FOOTER = ("<div style='width:100%;font-size:8px;color:#555;text-align:center;'>"
          "Managing and leading a sales team · page <span class='pageNumber'></span> of "
          "<span class='totalPages'></span></div>")


def print_pdf(single: Path = SINGLE, site: Path = SITE) -> dict[str, Any]:
    """Print the single-page book to ``site/downloads``; return the report."""
    root_page = single / "book" / "intro.html"
    if not root_page.is_file():
        raise SystemExit(f"print_book: {root_page} is missing: run `make pdf` (it builds the "
                         "single page first)")
    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(f"print_book: no Chromium found. {HOW_TO_GET_ONE}")
    # Sphinx writes the single page into book/ but links its assets from the site's root.
    page_file = single / "course.html"
    shutil.copyfile(root_page, page_file)
    target = site / "downloads" / PDF_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_file.as_uri(), wait_until="load")
            charts = page.locator(CHART).count()
            try:
                page.wait_for_function(DRAWN, arg=CHART, timeout=60_000)
            except Exception as error:  # noqa: BLE001 - name the charts, then stop
                missing = page.evaluate("""sel => [...document.querySelectorAll(sel)]
                  .filter(el => !el.querySelector('svg.marks, canvas.marks')).map(el => el.id)""",
                                        CHART)
                raise SystemExit(f"print_book: charts did not draw: {missing} ({error})") from None
            if errors:
                raise SystemExit(f"print_book: the page raised errors: {errors}")
            titles = page.evaluate(PREPARE)
            interactive = page.locator(".vega-embed:has(.vega-bindings)").count()
            page.emulate_media(media="print")
            page.pdf(path=str(target), format="A4", print_background=True,
                     display_header_footer=True, header_template="<div></div>",
                     footer_template=FOOTER, outline=True, tagged=True,
                     margin={"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    report = {"pdf": str(target.relative_to(site)), "bytes": target.stat().st_size,
              "charts": charts, "interactive_charts": interactive, "contents": titles}
    target.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    report = print_pdf()
    print(f"print_book: {SITE / str(report['pdf'])} ({report['bytes'] / 1e6:.1f} MB, "
          f"{report['charts']} charts, {len(report['contents'])} parts in the contents)")


if __name__ == "__main__":
    main()
