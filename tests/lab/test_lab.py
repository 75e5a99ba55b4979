"""The workbook in a real JupyterLab, in Debian's Chromium, offline.

For every notebook with a dashboard: open it, run all cells, move the first slider of each
dashboard with the keyboard, and check that the dashboard's chart changed in place. Throughout,
no console error and no request to any host but 127.0.0.1 (others are aborted and recorded).

JupyterLab runs on a copy of ``notebooks/`` in a temporary folder (running cells must never
rewrite the committed notebooks), with its own settings and workspace folders, on a free port
of 127.0.0.1 with a known token. ``LAB_NOTEBOOKS=<folder>`` tests the notebooks of another
folder. A summary is printed and written to ``_build/lab-summary.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from playwright.sync_api import Page, sync_playwright

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = Path(os.environ.get("LAB_NOTEBOOKS", ROOT / "notebooks")).resolve()
SUMMARY_FILE = ROOT / "_build" / "lab-summary.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
TOKEN = "workbook-lab-test"
LOCAL_HOSTS = {"127.0.0.1"}
# Generous: a fresh kernel imports the model, bundles Vega for offline use and runs every cell.
RUN_ALL_TIMEOUT_S = 240
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the workbook; yields its base URL."""
    work = tmp_path_factory.mktemp("lab")
    root = work / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    env = dict(os.environ)
    # The kernel spec runs "python": make it this environment's, which has teamsim.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_CONFIG_DIR"] = str(work / "config")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(work / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(work / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(work / "runtime")
    log = (work / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False",
         "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={root}",
         "--ServerApp.allow_root=True", "--LabApp.extension_manager=readonly",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("JupyterLab did not start:\n"
                                   + (work / "lab.log").read_text()[-3000:]) from None
            time.sleep(0.5)
    yield base
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium; skipped, with the reason, where it is not installed (a bare `pytest`
    on a machine without it; `make test-lab` installs it first)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Debian's chromium is not installed ({CHROMIUM} not found): run "
                    "`make chromium` (as root) to run the JupyterLab tests")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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


def wait_for_run_all(page: Page, expected_dashboards: int) -> None:
    """Run every cell and wait until the kernel is idle and every dashboard has drawn."""
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext.session"
                           ".kernel", timeout=RUN_ALL_TIMEOUT_S * 1000)
    page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext"
                           ".kernelDisplayStatus === 'idle'", timeout=RUN_ALL_TIMEOUT_S * 1000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """([n, sel]) => {
            const nb = window.jupyterapp.shell.currentWidget;
            const busy = nb.sessionContext.kernelDisplayStatus !== 'idle';
            const pending = [...nb.node.querySelectorAll('.jp-InputPrompt')]
                .some(p => p.textContent.includes('*'));
            return !busy && !pending && nb.node.querySelectorAll(sel).length >= n;
        }""", arg=[expected_dashboards, CHART_SVG], timeout=RUN_ALL_TIMEOUT_S * 1000,
        polling=500)


def chart_text(page: Page, index: int) -> str:
    """The SVG of the index-th dashboard chart in the notebook on show."""
    return page.evaluate(f"([sel, i]) => {CURRENT}.node.querySelectorAll(sel)[i].outerHTML",
                         [CHART_SVG, index])


@pytest.mark.parametrize("name", dashboard_notebooks())
def test_dashboards_run_and_respond(lab, browser, name):
    errors: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    guard(page, errors)
    try:
        # A workspace of its own, reset: no tab of an earlier test comes back.
        workspace = Path(name).stem.replace("_", "-")
        page.goto(f"{lab}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}",
                  timeout=120_000)
        expected = expected_dashboards(name)
        wait_for_run_all(page, expected)
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
