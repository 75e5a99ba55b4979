"""The workbook in a real JupyterLab, in Debian's Chromium, offline.

For every notebook with a dashboard: open it, run all cells, move the first slider of each
dashboard with the keyboard, and check that the dashboard's chart changed in place. Throughout,
no console error and no request to any host but 127.0.0.1 (others are aborted and recorded).

JupyterLab runs on a copy of ``notebooks/`` in a temporary folder (running cells must never
rewrite the committed notebooks), with its own settings and workspace folders, on a free port
of 127.0.0.1 with a known token; it is started, and each notebook opened and run, as by the
slider-to-pixels benchmark (:mod:`teamsim.bench.lab`, generous timeouts: a fresh kernel imports
the model, bundles Vega for offline use and runs every cell). ``LAB_NOTEBOOKS=<folder>`` tests
the notebooks of another folder. A summary is printed and written to ``_build/lab-summary.json``.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from playwright.sync_api import Page, sync_playwright

from teamsim.bench.browser import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium
from teamsim.bench.lab import lab_server, open_and_run_all

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("LAB_NOTEBOOKS", ROOT / "notebooks")).resolve()
SUMMARY_FILE = ROOT / "_build" / "lab-summary.json"
LOCAL_HOSTS = {"127.0.0.1"}
CHART_CHANGE_TIMEOUT_S = 60


def expected_dashboards(name: str) -> int:
    """Dashboards a notebook displays: its code cells tagged ``dashboard``."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    return sum(1 for cell in nb.cells if cell.cell_type == "code"
               and "dashboard" in cell.metadata.get("tags", []))


def dashboard_notebooks() -> list[str]:
    """The workbook's notebooks that display at least one dashboard."""
    return [p.name for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
            if expected_dashboards(p.name)]


@dataclass
class Summary:
    notebooks_opened: list[str] = field(default_factory=list)
    dashboards: int = 0
    sliders_moved: int = 0
    charts_changed: int = 0
    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)


SUMMARY = Summary()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the workbook; yields its base URL."""
    with lab_server(NOTEBOOKS, tmp_path_factory.mktemp("lab")) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """The machine's Chromium (teamsim.bench.browser); skipped, with the reason, where there is
    none (a bare `pytest` on such a machine; `make test-lab` installs Debian's first)."""
    path = find_chromium()
    if path is None:
        pytest.skip(f"No Chromium found to run the JupyterLab tests. {HOW_TO_GET_ONE}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def guard(page: Page, errors: list[str]) -> None:
    """Abort and record requests off 127.0.0.1; record console errors and page errors."""
    def route(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            SUMMARY.external_requests.append(route.request.url)
            route.abort()
    page.route("**/*", route)
    page.on("console", lambda m: errors.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))


CHART_SVG = ".jp-OutputArea-output .widget-vbox .vega-embed svg"
CURRENT = "window.jupyterapp.shell.currentWidget"


def chart_text(page: Page, index: int) -> str:
    """The SVG of the index-th dashboard chart in the notebook on show."""
    return page.evaluate(f"([sel, i]) => {CURRENT}.node.querySelectorAll(sel)[i].outerHTML",
                         [CHART_SVG, index])


# After a burst of key presses: every chart in the notebook on show draws exactly the rows its
# widget model holds (row for row, in any order), as the front end's row-by-row changesets keep
# them in step with the kernel's data.
SHOWS_MODEL = """() => {
    const charts = [...window.jupyterapp.shell.currentWidget.node
                    .querySelectorAll('.teamsim-livechart')];
    const key = (row, names) => JSON.stringify(names.map(n => row[n]));
    return charts.length > 0 && charts.every(el => {
        if (!el.teamsimView) return false;
        return Object.entries(el.teamsimModel.get('data')).every(([name, entry]) => {
            // the sent columns read back here on their own (see livechart.py's docstring)
            const n = entry.rows;
            const names = Object.keys(entry.columns);
            const value = (column, i) => {
                if (column.float64 !== undefined) {
                    const x = column.float64.getFloat64(8 * i, true);
                    return Number.isNaN(x) ? null : x;
                }
                if (column.codes !== undefined) {
                    const code = column.codes.getInt32(4 * i, true);
                    return code < 0 ? null : column.text[code];
                }
                return column.values[i] ?? null;
            };
            const want = [];
            for (let i = 0; i < n; i++) {
                want.push(JSON.stringify(names.map(c => value(entry.columns[c], i))));
            }
            const have = el.teamsimView.data(name).map(row => key(row, names));
            return JSON.stringify(want.sort()) === JSON.stringify(have.sort());
        });
    });
}"""
# In the kernel: every dashboard's chart holds the data of its levers' current values (the last
# value of a burst, not an earlier one). Run silently; returns "ok" or what differs.
KERNEL_UP_TO_DATE = """
import gc as _gc
from teamsim.course.dashboard import Dashboard as _D
from teamsim.course.livechart import columns as _columns
_stale = [type(d).__name__ for d in _gc.get_objects() if isinstance(d, _D)
          and any(_columns(f) != d.chart.data[k]['columns']
                  for k, f in d.compute(**d.settings()).items())]
"""
# In the kernel: every policy builder shows what the checks say of its rules as they are now (after
# a burst of presses, of the last rules). Run silently; returns "[]" or the rules of each builder
# whose preview is of other rules.
PREVIEWS_UP_TO_DATE = """
import gc as _gc, html as _html, re as _re
from teamsim.course.builder import check_preview as _check_preview
from teamsim.course.dashboard import PolicyBuilder as _PB
_unsaid = [b.policy.words() for b in _gc.get_objects() if isinstance(b, _PB)
           and [_html.unescape(s) for s in _re.findall('<li>(.*?)</li>', b.preview.value)]
           != _check_preview(b.policy)]
"""
SILENT = """async ([code, expr]) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const reply = await kernel.requestExecute({code, silent: true, store_history: false,
                                               user_expressions: {out: expr}}).done;
    const out = reply.content.user_expressions.out;
    return out.status === 'ok' ? out.data['text/plain'] : out.ename + ': ' + out.evalue;
}"""


@pytest.mark.parametrize("name", dashboard_notebooks())
def test_dashboards_run_and_respond(lab, browser, name):
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    guard(page, errors)
    try:
        # A workspace of its own, reset: no tab of an earlier test comes back.
        expected = expected_dashboards(name)
        open_and_run_all(page, lab, name, expected)
        SUMMARY.notebooks_opened.append(name)
        panel = '[id="' + page.evaluate(f"() => {CURRENT}.id") + '"]'
        errors_text = page.evaluate(
            f"() => [...{CURRENT}.node.querySelectorAll('.jp-OutputArea-output[data-mime-type="
            "\"application/vnd.jupyter.stderr\"], .jp-RenderedText[data-mime-type="
            "\"application/vnd.jupyter.error\"]')].map(e => e.textContent.slice(0, 300))")
        assert not errors_text, f"{name}: cells wrote errors or warnings: {errors_text}"
        boxes = page.locator(f"{panel} .jp-OutputArea-output .widget-vbox:has(.vega-embed)")
        count = boxes.count()
        assert count == expected, f"{name}: {count} dashboards drawn, expected {expected}"
        for i in range(count):
            SUMMARY.dashboards += 1
            box = boxes.nth(i)
            box.scroll_into_view_if_needed()
            before = chart_text(page, i)
            handle = box.locator(".widget-slider .noUi-handle").first
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
                time.sleep(0.2)
            SUMMARY.sliders_moved += 1
            deadline = time.monotonic() + CHART_CHANGE_TIMEOUT_S
            while chart_text(page, i) == before and time.monotonic() < deadline:
                time.sleep(0.25)
            assert chart_text(page, i) != before, f"{name}: dashboard {i + 1} did not change"
            SUMMARY.charts_changed += 1
            # A burst of presses with no pause: the kernel and the chart end on the last value.
            for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowRight", "ArrowRight"):
                handle.press(key, delay=0)
            page.wait_for_function(f"() => {CURRENT}.sessionContext.kernelDisplayStatus "
                                   "=== 'idle'", timeout=CHART_CHANGE_TIMEOUT_S * 1000)
            time.sleep(0.5)
            page.wait_for_function(SHOWS_MODEL, timeout=CHART_CHANGE_TIMEOUT_S * 1000)
        stale = page.evaluate(SILENT, [KERNEL_UP_TO_DATE, "_stale"])
        assert stale == "[]", f"{name}: charts not on their levers' last values: {stale}"
        unsaid = page.evaluate(SILENT, [PREVIEWS_UP_TO_DATE, "_unsaid"])
        assert unsaid == "[]", f"{name}: builders' previews not of their rules: {unsaid}"
        if os.environ.get("LAB_SCREENSHOTS"):
            Path(os.environ["LAB_SCREENSHOTS"]).mkdir(parents=True, exist_ok=True)
            boxes.first.screenshot(path=str(Path(os.environ["LAB_SCREENSHOTS"])
                                            / f"{Path(name).stem}.png"))
    finally:
        SUMMARY.console_errors.extend(f"{name}: {e}" for e in errors)
        page.evaluate("() => window.jupyterapp && window.jupyterapp.commands.execute("
                      "'kernelmenu:shutdown', {activate: false})") if not page.is_closed() \
            else None
        context.close()
    assert not errors, f"{name}: console errors: {errors}"
    assert not SUMMARY.external_requests, f"requests off 127.0.0.1: {SUMMARY.external_requests}"


def teardown_module(module):
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY_FILE.write_text(json.dumps(asdict(SUMMARY), indent=2))
    print("\nJupyterLab summary: "
          f"{len(SUMMARY.notebooks_opened)} notebooks opened "
          f"({', '.join(SUMMARY.notebooks_opened)}), {SUMMARY.dashboards} dashboards, "
          f"{SUMMARY.sliders_moved} sliders moved, {SUMMARY.charts_changed} charts changed, "
          f"{len(SUMMARY.console_errors)} console errors, "
          f"{len(SUMMARY.external_requests)} requests off 127.0.0.1")
