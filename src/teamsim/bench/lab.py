"""Slider-to-pixels: what a student feels when they move a dashboard's slider in JupyterLab.

``python -m teamsim.bench lab`` starts JupyterLab on a copy of the workbook's notebooks, opens
each notebook with a dashboard in Debian's Chromium (headless, through Playwright), runs all its
cells and then, for every dashboard, focuses its first slider and presses ArrowRight and
ArrowLeft in turn (so the value stays in range). Each press is timed in the page with
``performance.now()``: from the ``keydown`` event to the first change of the chart's SVG seen by
a ``MutationObserver`` ("to svg"), and to the animation frame after it ("to frame", when the
change can be painted). A few presses warm up first; the rest are reported as median and p95.

The page waits for the kernel to be idle between presses, so each press is measured alone.
Where the time went is printed beside each figure: in the page, when the chart's new data
arrived and when Vega had drawn it (the LiveChart's performance marks); in the kernel, read
through a probe installed by a silent execution (nothing shows in the notebook, the method of
timing is unchanged), when the page made the widget message, when the dashboard's refresh
started and how long it took (model, frames, sending the data). The presses alternate between
two slider values; the dashboards keep no results by slider value (only the lines that do not
depend on the sliders, and the model's random draws), so every press runs the model afresh.
Environment variables: ``LAB_NOTEBOOKS`` (a folder of notebooks, default ``notebooks/``),
``LAB_KERNEL_PYTHONPATH`` (put first on the kernel's ``sys.path``, e.g. another checkout's
``src`` to measure it), ``BENCH_LAB_MOVES`` (timed presses per dashboard, default 25).
Only requests to 127.0.0.1 are let through.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from teamsim.bench.browser import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium
from teamsim.bench.timing import p95
from teamsim.course.book import REPO

if TYPE_CHECKING:  # Playwright is imported when the benchmark runs (see bench_lab)
    from playwright.sync_api import Page, Route

ROOT = REPO
TOKEN = "workbook-lab-bench"
RUN_ALL_TIMEOUT_S = 240
MOVE_TIMEOUT_S = 20
WARMUP = 3
GOAL_MS = 60.0
# A dashboard is an ipywidgets box holding a vega-embed chart (JupyterChart or LiveChart).
DASHBOARD = ".jp-OutputArea-output .widget-vbox:has(.vega-embed)"
CURRENT = "window.jupyterapp.shell.currentWidget"

# Arm a one-shot timer in the page: the next keydown starts it, the next change of the chart's
# SVG (in dashboard ``i`` of the notebook on show) stops it, and the frame after that is noted.
ARM = """([sel, i]) => {
    const box = window.jupyterapp.shell.currentWidget.node.querySelectorAll(sel)[i];
    const svg = box.querySelector('.vega-embed svg');
    const probe = {start: null, svg: null, frame: null};
    performance.clearMarks('teamsim-livechart:data');
    performance.clearMarks('teamsim-livechart:drawn');
    const observer = new MutationObserver(() => {
        if (probe.start === null || probe.svg !== null) return;
        probe.svg = performance.now();
        observer.disconnect();
        requestAnimationFrame(() => { probe.frame = performance.now(); });
    });
    observer.observe(svg, {subtree: true, childList: true, attributes: true,
                           characterData: true});
    document.addEventListener('keydown', () => { probe.start = performance.now(); },
                              {capture: true, once: true});
    window.__sliderProbe = probe;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def lab_server(notebooks: Path, work: Path, kernel_pythonpath: str | None = None
               ) -> Iterator[str]:
    """JupyterLab on a copy of ``notebooks`` in ``work``, on a free port; yields its base URL.

    Running cells never rewrites ``notebooks``. Settings, workspaces and runtime files stay in
    ``work``; the kernel is this environment's Python.
    """
    root = work / "notebooks"
    shutil.copytree(notebooks, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    port = free_port()
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_CONFIG_DIR"] = str(work / "config")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(work / "settings")
    env["JUPYTERLAB_WORKSPACES_DIR"] = str(work / "workspaces")
    env["JUPYTER_RUNTIME_DIR"] = str(work / "runtime")
    if kernel_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [kernel_pythonpath,
                                                          env.get("PYTHONPATH")]))
    log_path = work / "lab.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={TOKEN}", "--ServerApp.open_browser=False",
             "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={root}",
             "--ServerApp.allow_root=True", "--LabApp.extension_manager=readonly",
             "--LabApp.news_url=",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("JupyterLab did not start:\n"
                                           + log_path.read_text()[-3000:]) from None
                    time.sleep(0.5)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def local_only(page: Page, blocked: list[str]) -> None:
    """Abort (and record in ``blocked``) every request that is not to 127.0.0.1."""
    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(url)
            route.abort()
    page.route("**/*", route)


def wait_until_idle(page: Page, timeout_s: float = RUN_ALL_TIMEOUT_S) -> None:
    page.wait_for_function(f"() => {CURRENT}.sessionContext.kernelDisplayStatus === 'idle'",
                           timeout=timeout_s * 1000)


def open_and_run_all(page: Page, base: str, name: str, dashboards: int) -> None:
    """Open notebook ``name`` in a fresh workspace, run all cells, wait for the dashboards."""
    workspace = Path(name).stem.replace("_", "-")
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?reset&token={TOKEN}",
              timeout=120_000)
    page.wait_for_function(f"() => window.jupyterapp && {CURRENT} && {CURRENT}.sessionContext "
                           f"&& {CURRENT}.sessionContext.session "
                           f"&& {CURRENT}.sessionContext.session.kernel",
                           timeout=RUN_ALL_TIMEOUT_S * 1000)
    wait_until_idle(page)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        """([n, sel]) => {
            const nb = window.jupyterapp.shell.currentWidget;
            const busy = nb.sessionContext.kernelDisplayStatus !== 'idle';
            const pending = [...nb.node.querySelectorAll('.jp-InputPrompt')]
                .some(p => p.textContent.includes('*'));
            return !busy && !pending && [...nb.node.querySelectorAll(sel)]
                .filter(b => b.querySelector('.vega-embed svg')).length >= n;
        }""", arg=[dashboards, DASHBOARD], timeout=RUN_ALL_TIMEOUT_S * 1000, polling=500)


def dashboard_counts(notebooks: Path) -> dict[str, int]:
    """Notebooks that display dashboards (code cells tagged ``dashboard``) and how many."""
    import nbformat

    counts = {}
    for path in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        n = sum(1 for c in nb.cells if c.cell_type == "code"
                and "dashboard" in c.metadata.get("tags", []))
        if n:
            counts[path.name] = n
    return counts


# Where the time of one press went, in ms from keydown: the LiveChart front end marks when new
# data arrives from the kernel and when Vega has drawn it (absent for other charts).
SPLIT = """() => {
    const p = window.__sliderProbe;
    const at = name => {
        const marks = performance.getEntriesByName(name, 'mark');
        return marks.length ? marks[marks.length - 1].startTime - p.start : null;
    };
    return {at: performance.timeOrigin + p.start, svg: p.svg - p.start,
            frame: p.frame - p.start,
            data: at('teamsim-livechart:data'), drawn: at('teamsim-livechart:drawn')};
}"""


# Kernel-side timing, installed by a silent execution (nothing shows in the notebook): every
# Dashboard.refresh logs, in ms since the epoch, when the widget message that caused it was made
# in the page (its header's date), when refresh started and when it ended (the chart's new data
# is sent inside refresh). The log is read back through a silent execution's user expression.
KERNEL_PROBE = """
import time as _bench_time
from teamsim.course import dashboard as _bench_dashboard
if not hasattr(_bench_dashboard.Dashboard, '_bench_refresh'):
    _bench_dashboard.Dashboard._bench_refresh = _bench_dashboard.Dashboard.refresh
    _bench_dashboard.Dashboard._bench_log = []
    def _bench_timed_refresh(self):
        start = _bench_time.time()
        self._bench_refresh()
        end = _bench_time.time()
        try:
            sent = get_ipython().kernel.get_parent()['header']['date'].timestamp()
        except Exception:
            sent = None
        _bench_dashboard.Dashboard._bench_log.append(
            (sent and sent * 1e3, start * 1e3, end * 1e3))
    _bench_dashboard.Dashboard.refresh = _bench_timed_refresh
_bench_dashboard.Dashboard._bench_log.clear()
"""
KERNEL_READ = "__import__('json').dumps(__import__('teamsim.course.dashboard', fromlist=['x'])" \
    ".Dashboard._bench_log)"
SILENT = """async ([code, expr]) => {
    const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
    const future = kernel.requestExecute({code, silent: true, store_history: false,
                                          user_expressions: expr ? {out: expr} : {}});
    const reply = await future.done;
    const out = reply.content.user_expressions && reply.content.user_expressions.out;
    return out ? out.data['text/plain'] : reply.content.status;
}"""


def kernel_log(page: Page) -> list[tuple[float | None, float, float]]:
    """The kernel probe's log: (message made in the page, refresh start, refresh end), ms."""
    import ast
    import json

    text = page.evaluate(SILENT, ["", KERNEL_READ])
    return [tuple(row) for row in json.loads(ast.literal_eval(text))]


def time_presses(page: Page, index: int, moves: int, warmup: int = WARMUP
                 ) -> list[dict[str, Any]]:
    """Timings in ms of ``moves`` key presses on dashboard ``index``'s first slider.

    Each is ``{"svg", "frame", "data", "drawn"}`` (see :data:`SPLIT`) and ``"at"``, the
    keydown's wall-clock time in ms since the epoch (to line it up with the kernel's clock),
    and from the kernel probe (:data:`KERNEL_PROBE`) ``"sent"`` (ms from keydown until the page
    made the widget message), ``"kernel"`` (until the dashboard's refresh started in the kernel)
    and ``"refresh"`` (how long the refresh took: model, frames, sending the chart's data).
    Presses alternate ArrowRight and ArrowLeft; the first ``warmup`` are not returned.
    """
    box = page.locator(f"[id='{page.evaluate(f'() => {CURRENT}.id')}'] {DASHBOARD}").nth(index)
    box.scroll_into_view_if_needed()
    box.locator(".widget-slider .noUi-handle").first.focus()
    out = []
    page.evaluate(SILENT, [KERNEL_PROBE, ""])
    for i in range(warmup + moves):
        page.evaluate(ARM, [DASHBOARD, index])
        page.keyboard.press("ArrowRight" if i % 2 == 0 else "ArrowLeft")
        page.wait_for_function("() => window.__sliderProbe.frame !== null",
                               timeout=MOVE_TIMEOUT_S * 1000, polling="raf")
        wait_until_idle(page, MOVE_TIMEOUT_S)
        time.sleep(0.15)  # let trailing messages and renders settle before the next press
        if i >= warmup:
            out.append(page.evaluate(SPLIT))
    # Line the kernel's log up with the presses: each press's refresh is the first one that
    # started after its keydown.
    log = kernel_log(page)
    for press in out:
        mine = [row for row in log if row[1] >= press["at"]]
        sent, start, end = min(mine, key=lambda row: row[1]) if mine else (None, None, None)
        press["sent"] = None if sent is None else sent - press["at"]
        press["kernel"] = None if start is None else start - press["at"]
        press["refresh"] = None if start is None or end is None else end - start
    return out


def summary(label: str, times: list[dict]) -> str:
    """One printed line: median and p95 to the SVG change and to the next frame, and the split
    (data arrived from the kernel, Vega drew it) where the chart reports it."""
    def stats(key: str) -> str:
        values = [t[key] for t in times if t[key] is not None]
        if len(values) < len(times):
            return f"{key} -"
        return f"{key} {statistics.median(values):5.1f}/{p95(values):5.1f}"

    svg = [t["svg"] for t in times]
    verdict = "ok" if p95(svg) <= GOAL_MS else "over goal"
    return (f"{label:<37} to svg: median {statistics.median(svg):6.1f}  p95 {p95(svg):6.1f}"
            f"   ({stats('frame')}; {stats('data')}; {stats('drawn')})  {verdict}\n"
            f"{'':<37}   in the kernel: {stats('sent')}; {stats('kernel')}; "
            f"{stats('refresh')}")


def bench_lab(moves: int | None = None) -> Iterator[str]:
    """Slider-to-pixels per dashboard of the workbook: lines to print, one as each is done."""
    from playwright.sync_api import sync_playwright

    moves = moves or int(os.environ.get("BENCH_LAB_MOVES", "25"))
    notebooks = Path(os.environ.get("LAB_NOTEBOOKS", ROOT / "notebooks")).resolve()
    counts = dashboard_counts(notebooks)
    yield (f"slider-to-pixels in JupyterLab, Chromium headless; {moves} presses per dashboard "
           f"after {WARMUP} warm-up; ms from keydown (goal p95 <= {GOAL_MS:.0f} ms); in brackets "
           "median/p95 to the next frame, to the data's arrival and to Vega's redraw; load "
           f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, \
            lab_server(notebooks, Path(tmp), os.environ.get("LAB_KERNEL_PYTHONPATH")) as base, \
            sync_playwright() as p:
        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError(f"No Chromium to measure in. {HOW_TO_GET_ONE}")
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for name, n in counts.items():
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            local_only(page, blocked)
            open_and_run_all(page, base, name, n)
            for i in range(n):
                title = page.locator(DASHBOARD).nth(i).locator("b").first.text_content() or ""
                times = time_presses(page, i, moves)
                yield summary(f"{name[:2]} {title[:34]}", times)
            page.evaluate("() => window.jupyterapp.commands.execute('kernelmenu:shutdown', "
                          "{activate: false})")
            context.close()
        browser.close()
    yield f"load average at the end {os.getloadavg()[0]:.1f}"
    if blocked:
        yield f"blocked {len(blocked)} requests off 127.0.0.1, e.g. {blocked[0]}"

