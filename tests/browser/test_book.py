"""Every page of the built book, in Chromium, offline: what a learner with no kernel gets.

Each page is loaded once served and once from disk (``test_page``): it must draw every chart,
redraw a chart when any of its sliders or menus moves, request nothing from any host but the
book's own and log no error; served, it must also pass axe-core with no critical, serious or
moderate violation, give every chart a text alternative and make every control at least 24 px.

Axe violations accepted on purpose (rule id: reason): none. Three the theme had are fixed by
templates in book/_ext/templates (the last, "region": the book's title at the top of the
sidebar sat outside any landmark), blank table header cells by book/_ext/access.py, and one of
vega-embed's by book/_ext/static/vega-embed-defaults.js. Add an entry to ``ACCEPTED_AXE`` only
with the reason the page cannot fix it. Minor ones are counted in the summary, not failed.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlunsplit

import pytest
from conftest import idle
from playwright.sync_api import ElementHandle, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser

ACCEPTED_AXE: dict[str, str] = {}
FAILING_IMPACTS = {"critical", "serious", "moderate"}
DRAW_TIMEOUT_MS = 20_000
REDRAW_TIMEOUT_MS = 5_000

# Altair's output div is "altair-viz-<hex>"; vega-embed adds .vega-embed once it has embedded.
CHART_SELECTOR = 'div[id^="altair-viz-"], .vega-embed'
# What Vega draws into: an <svg> or a <canvas> with class "marks".
DRAWN = """el => {
  const marks = el.querySelector('svg.marks, canvas.marks');
  if (!marks) return false;
  const box = marks.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}"""
SNAPSHOT = """el => {
  const marks = el.querySelector('svg.marks, canvas.marks');
  if (!marks) return '';
  return marks.tagName === 'CANVAS' ? marks.toDataURL() : marks.outerHTML;
}"""
# Vega labels a chart without a description "Vega visualization": that says nothing.
TEXT_ALTERNATIVE = """el => {
  const label = e => {
    const text = ((e && e.getAttribute('aria-label')) || '').trim();
    return text.toLowerCase() === 'vega visualization' ? '' : text;
  };
  const labelled = [el, ...el.querySelectorAll('[role="graphics-document"], [role="img"], svg')]
    .map(label).find(Boolean);
  const figure = el.closest('figure');
  const caption = figure && figure.querySelector('figcaption');
  return {label: labelled || '', caption: caption ? caption.innerText.trim() : ''};
}"""


# The book served over HTTP and opened from disk (file://), as a reader who downloads it would.
WHERE = pytest.mark.parametrize("where", ["served", "disk"])


def charts(page: Page) -> list[ElementHandle]:
    """Every chart container on the page, drawn or not."""
    return page.query_selector_all(CHART_SELECTOR)


def wait_until_drawn(page: Page, chart: ElementHandle) -> None:
    page.wait_for_function(DRAWN, arg=chart, timeout=DRAW_TIMEOUT_MS)


def settle(page: Page) -> list[ElementHandle]:
    """Let the page finish loading and drawing; return the charts that drew.

    A chart that does not draw fails ``test_charts_draw``; the other tests check the rest.
    """
    drawn = []
    for chart in charts(page):
        try:
            wait_until_drawn(page, chart)
            drawn.append(chart)
        except PlaywrightTimeoutError:
            pass
    idle(page)
    return drawn


def test_every_built_page_is_tested(book: Path, pages: list[str]) -> None:
    """The tests cover the table of contents, search and index: nothing built is left out."""
    built = {
        str(f.relative_to(book)) for f in book.rglob("*.html")
        if not set(f.relative_to(book).parts) & {"_static", "_sources", "_vendor", "_data"}
    }
    built.discard("index.html")  # a redirect to the first page, tested below
    missing = sorted(set(pages) - built)
    assert not missing, f"pages in _toc.yml that were not built: {missing}"
    untested = sorted(built - set(pages))
    assert not untested, f"built pages no test visits (add them to _toc.yml?): {untested}"


PAGE_BUDGET_BYTES = 1_500_000


def test_page_with_its_data_is_light(book: Path, page_path: str) -> None:
    """A page's HTML and the chart data scripts it loads stay under 1.5 MB together."""
    html = (book / page_path).read_text("utf-8")
    scripts = sorted(set(re.findall(r'src="[^"]*?_data/([A-Za-z0-9_-]+\.js)', html)))
    missing = [name for name in scripts if not (book / "_data" / name).is_file()]
    assert not missing, f"{page_path} loads data scripts that were not built: {missing}"
    size = len(html.encode()) + sum((book / "_data" / name).stat().st_size for name in scripts)
    assert size <= PAGE_BUDGET_BYTES, f"{page_path}: {size:,} bytes with its data"


def test_the_vega_bundle_fetches_nothing(book: Path) -> None:
    """The vega bundle holds vega's and vega-lite's code, not imports of them from elsewhere
    (book/_ext/offline_book.py names them by CDN addresses that vl-convert resolves offline)."""
    bundle = (book / "_vendor" / "vega" / "vega-bundle.js").read_text("utf-8")
    assert len(bundle) > 500_000, f"the vega bundle is only {len(bundle):,} characters"
    assert "cdn.jsdelivr" not in bundle and not re.search(r"\bimport\s*[({*\"']", bundle), (
        "the vega bundle imports code from elsewhere")


def test_download_links_lead_to_files(book: Path, page_path: str) -> None:
    """Links to the downloadable zip and PDF (and any other file the site links to by a relative
    path outside its pages) lead to a file that was built."""
    html = (book / page_path).read_text("utf-8")
    targets = re.findall(r'href="((?:\.\./)*downloads/[^"#?]+)"', html)
    missing = [t for t in targets if not ((book / page_path).parent / t).resolve().is_file()]
    assert not missing, f"{page_path} links to files that were not built: {missing}"
    if page_path == "book/intro.html":
        assert len(set(targets)) == 2, f"the intro should link the zip and the PDF: {targets}"


def test_index_opens_the_first_page(visit, pages: list[str]) -> None:
    page = visit("index.html").page
    page.wait_for_url(f"**/{pages[0]}")
    assert page.url.endswith(pages[0])


def test_the_recorders_catch_a_remote_request_and_an_error(visit, pages: list[str],
                                                          summary) -> None:
    """Self-check: a request to another host is blocked and recorded, an error is recorded."""
    v = visit(pages[0])
    remote = urlunsplit(("https", "example.invalid", "/self-check.js", "", ""))
    v.page.evaluate("url => fetch(url).catch(() => null)", remote)
    v.page.evaluate("() => console.error('self-check')")
    v.page.wait_for_function("() => true")
    assert remote in v.external
    assert any("self-check" in e for e in v.errors)
    # what this test provoked on purpose stays out of the session's summary
    summary.external_requests.remove(f"{pages[0]}: {remote}")
    summary.console_errors[:] = [e for e in summary.console_errors if "self-check" not in e]


def one_per_group(controls: list) -> list[tuple]:
    """Each chart control with its label, but only the first of each group of radio buttons
    (choosing another option of a group is one move)."""
    seen: set[str] = set()
    kept = []
    for control in controls:
        group = control.evaluate("el => el.type === 'radio' ? el.name : null")
        if group is not None:
            if group in seen:
                continue
            seen.add(group)
        kept.append((control, control.evaluate(
            "el => (el.closest('label') || el.parentElement).innerText.trim()")))
    return kept


def move(page: Page, control: ElementHandle) -> None:
    """Change one input the way a reader would: keyboard on a slider, a click or a choice."""
    kind = control.evaluate("el => el.tagName === 'SELECT' ? 'select' : el.type")
    if kind == "range":
        at_max = control.evaluate("el => Number(el.value) >= Number(el.max || 100)")
        before = control.input_value()
        control.focus()
        page.keyboard.press("Home" if at_max else "End")
        assert control.input_value() != before, "the slider did not move"
    elif kind == "select":
        options = control.evaluate("el => [...el.options].map(o => o.value)")
        current = control.input_value()
        other = next(o for o in options if o != current)
        control.select_option(other)
    else:  # radio or checkbox
        control.click()


def open_predictions(page: Page) -> None:
    """Lock in the first guess of every prediction, so that the charts behind them open."""
    for block in page.query_selector_all("div.predict"):
        block.query_selector("input[type=radio]").check()
        block.query_selector("button.predict-commit").click()


def drawn_charts(page: Page, summary, problems: list[str]) -> list[ElementHandle]:
    """Every chart once it has drawn something of nonzero size; one that does not is a problem."""
    drawn = []
    for chart in charts(page):
        try:
            wait_until_drawn(page, chart)
        except PlaywrightTimeoutError as error:
            name = chart.evaluate("el => el.id")
            shown = chart.evaluate("el => el.innerText.slice(0, 300)")
            problems.append(f"chart {name} did not draw ({error}); it shows: {shown!r}")
            continue
        drawn.append(chart)
        summary.charts_checked += 1
    idle(page)
    return drawn


def text_alternatives(drawn: list[ElementHandle], summary, problems: list[str]) -> None:
    """Each chart carries a label for screen readers (its description) or a figure caption."""
    unlabelled = []
    for chart in drawn:
        text = chart.evaluate(TEXT_ALTERNATIVE)
        if text["label"] or text["caption"]:
            summary.charts_with_text_alternative += 1
        else:
            unlabelled.append(chart.evaluate("el => el.id"))
    if unlabelled:
        problems.append(f"charts with no text alternative: {unlabelled}")


def controls_that_need_a_kernel(page: Page, problems: list[str]) -> None:
    """No ipywidgets control on the page: with no kernel behind it, it would move and do
    nothing. A widget cell shows a static rendering in the book and says where to run it live."""
    dead = page.evaluate("""() => [...document.querySelectorAll(
        '.jupyter-widgets input, .jupyter-widgets select, .jupyter-widgets button, '
        + '.jupyter-widgets textarea, .jupyter-widgets [role="slider"]')]
      .map(el => (el.closest('.jupyter-widgets').innerText || el.outerHTML).trim().slice(0, 80))""")
    if dead:
        problems.append(f"widget controls that need a kernel: {sorted(set(dead))}")


def axe_findings(page: Page, page_path: str, axe_script: Path, summary,
                 problems: list[str]) -> None:
    """axe-core finds no critical, serious or moderate violation (minor ones are counted)."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    for violation in result["violations"]:
        impact = violation.get("impact") or "unknown"
        summary.axe_violations[impact] += 1
        summary.axe_rules.setdefault(page_path, []).append(f"{violation['id']} ({impact})")
        if impact in FAILING_IMPACTS and violation["id"] not in ACCEPTED_AXE:
            targets = [" ".join(map(str, n["target"])) for n in violation["nodes"][:5]]
            problems.append(f"axe: {violation['id']} ({impact}): {violation['help']} at "
                            f"{targets}")


# Every control a reader uses: chart inputs, quiz answers, prediction choices.
CONTROLS = (".vega-bindings input, .vega-bindings select, fieldset.quiz input, "
            "div.predict input")
SIZES = """sel => [...document.querySelectorAll(sel)].map(el => {
  const box = el.getBoundingClientRect();
  return {what: (el.type || el.tagName) + ' ' + (el.name || el.id || ''),
          width: box.width, height: box.height};
})"""
LEAST_PX = 24


def controls_too_small(page: Page, problems: list[str]) -> None:
    """Every control is at least 24 px in each direction (WCAG 2.2's minimum target; a phone's
    44 px is checked by test_phone.py)."""
    small = [f"{s['what']} {s['width']:.0f}x{s['height']:.0f}"
             for s in page.evaluate(SIZES, CONTROLS)
             if min(s["width"], s["height"]) < LEAST_PX - 0.5]
    if small:
        problems.append(f"controls under {LEAST_PX} px: {small[:8]}")


def inputs_change_their_charts(page: Page, drawn: list[ElementHandle], summary,
                               problems: list[str]) -> None:
    """Moving any slider, menu, radio button or checkbox bound to a chart redraws it (charts
    behind a prediction once a guess is locked in)."""
    open_predictions(page)
    for chart in drawn:
        name = chart.evaluate("el => el.id")
        # one radio button per group: choosing another option of the group is the move
        inputs = chart.query_selector_all(
            ".vega-bindings input[type=range], .vega-bindings select, "
            ".vega-bindings input[type=checkbox], .vega-bindings input[type=radio]:not(:checked)")
        for control, label in one_per_group(inputs):
            before = chart.evaluate(SNAPSHOT)
            move(page, control)
            try:
                page.wait_for_function(
                    f"([el, before]) => ({SNAPSHOT})(el) !== before",
                    arg=[chart, before], timeout=REDRAW_TIMEOUT_MS)
            except PlaywrightTimeoutError:
                problems.append(f"moving '{label}' on chart {name} changed nothing")
                continue
            summary.sliders_moved += 1


@WHERE
def test_page(visit, page_path: str, where: str, axe_script: Path, summary) -> None:
    """What a reader with no kernel gets from the page, served and from disk, in one load.

    Every chart draws. Served (on a 1280 px screen), every chart has a text alternative, no
    widget control waits for a kernel, every control is at least 24 px and axe finds nothing
    critical, serious or moderate (checked before anything is moved). Every chart input
    redraws its chart. Through all of it, scrolled to the end, the page asks nothing of any
    host but the book's own and logs no error. Every problem found is listed, not only the
    first.
    """
    v = visit(page_path, where)
    problems: list[str] = []
    drawn = drawn_charts(v.page, summary, problems)
    if where == "served":
        text_alternatives(drawn, summary, problems)
        controls_that_need_a_kernel(v.page, problems)
        controls_too_small(v.page, problems)
        axe_findings(v.page, page_path, axe_script, summary, problems)
    inputs_change_their_charts(v.page, drawn, summary, problems)
    v.page.mouse.wheel(0, 100_000)
    idle(v.page)
    if v.external:
        problems.append(f"requested other hosts: {v.external}")
    if v.errors:
        problems.append(f"logged errors: {v.errors}")
    assert not problems, f"{page_path} ({where}):\n  " + "\n  ".join(problems)


def test_the_zip_opens_offline_from_disk(book: Path, browser, tmp_path: Path) -> None:
    """The downloadable zip, unzipped elsewhere, opens from disk: the start page leads to the
    course and a chart page draws its charts from the shipped data, with no error."""
    import zipfile

    archive = book / "downloads" / "managing-and-leading-course.zip"
    assert archive.is_file(), f"{archive} is missing: `make book` packs it"
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        assert not [n for n in names if n.endswith(".zip")], "the zip holds a zip"
        z.extractall(tmp_path)
    root = tmp_path / "managing-and-leading"
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((root / "START-HERE.html").as_uri())
        page.wait_for_url("**/book/intro.html")
        page.goto((root / "book" / "part1_two_sides.html").as_uri())
        drawn = settle(page)
        assert len(drawn) == len(charts(page)) > 0
        assert not errors, errors
    finally:
        context.close()
