"""The built book in a real browser, offline.

The session serves ``_build/html`` on 127.0.0.1 (and opens it from disk) and drives the
machine's Chromium through Playwright (never a downloaded browser; teamsim.bench.browser finds
it). Every request to any other address is aborted and recorded, so a page that would need the
internet fails its test instead of quietly working on a connected machine. What the tests saw
is summed up in ``_build/browser-summary.json`` and printed at the end of the run.

Build the book first (``make book``). ``BOOK_ROOT=<folder>`` tests another book built there.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from teamsim.bench.browser import CHROMIUM_ARGS, HOW_TO_GET_ONE, find_chromium

ROOT = Path(__file__).resolve().parents[2]
# The book under test: this repository, or another book's root (the tests' own self-checks).
BOOK_ROOT = Path(os.environ.get("BOOK_ROOT", ROOT)).resolve()
BOOK = BOOK_ROOT / "_build" / "html"
SUMMARY_FILE = BOOK_ROOT / "_build" / "browser-summary.json"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Pages Sphinx writes besides the chapters; readers reach them from every page's header.
EXTRA_PAGES = ["search.html", "genindex.html"]


def toc_pages() -> list[str]:
    """The book's pages in reading order, as paths of their HTML files, from _toc.yml."""
    toc = yaml.safe_load((BOOK_ROOT / "_toc.yml").read_text())
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    found.append(str(Path(node[key]).with_suffix(".html")))
            for value in node.values():
                if isinstance(value, (list, dict)):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc)
    return list(dict.fromkeys(found))


def reader_pages() -> list[str]:
    """Every page a reader can open: the table of contents plus search and index."""
    return toc_pages() + EXTRA_PAGES


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        metafunc.parametrize("page_path", reader_pages())


@dataclass
class Summary:
    """What the browser saw across the session."""

    pages: set[str] = field(default_factory=set)
    page_loads: int = 0
    charts_checked: int = 0
    charts_with_text_alternative: int = 0
    sliders_moved: int = 0
    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    axe_violations: Counter = field(default_factory=Counter)
    axe_rules: dict[str, list[str]] = field(default_factory=dict)
    # page -> {"bytes": everything its load received, "requests": files, "largest": [[name, bytes]]}
    page_weights: dict[str, dict] = field(default_factory=dict)
    # what the phone tests counted: pages, charts, controls, charts overflowing, ...
    phone: Counter = field(default_factory=Counter)

    def raw(self) -> dict:
        """Everything counted, as JSON-ready data a pytest-xdist worker can send."""
        return {"pages": sorted(self.pages), "page_loads": self.page_loads,
                "charts_checked": self.charts_checked,
                "charts_with_text_alternative": self.charts_with_text_alternative,
                "sliders_moved": self.sliders_moved,
                "external_requests": self.external_requests,
                "console_errors": self.console_errors,
                "axe_violations": dict(self.axe_violations), "axe_rules": self.axe_rules,
                "page_weights": self.page_weights, "phone": dict(self.phone)}

    def add(self, raw: dict) -> None:
        """Add the counts of a worker's summary (see raw) to this one."""
        self.pages.update(raw["pages"])
        self.page_loads += raw["page_loads"]
        self.charts_checked += raw["charts_checked"]
        self.charts_with_text_alternative += raw["charts_with_text_alternative"]
        self.sliders_moved += raw["sliders_moved"]
        self.external_requests += raw["external_requests"]
        self.console_errors += raw["console_errors"]
        self.axe_violations.update(raw["axe_violations"])
        for page, rules in raw["axe_rules"].items():
            self.axe_rules.setdefault(page, []).extend(rules)
        self.page_weights.update(raw.get("page_weights", {}))
        self.phone.update(raw.get("phone", {}))

    def as_dict(self) -> dict:
        return {
            "book": str(BOOK),
            "pages_visited": len(self.pages),
            "pages": sorted(self.pages),
            "page_loads": self.page_loads,
            "charts_checked": self.charts_checked,
            "charts_with_text_alternative": self.charts_with_text_alternative,
            "sliders_moved": self.sliders_moved,
            "external_requests": sorted(set(self.external_requests)),
            "console_errors": sorted(set(self.console_errors)),
            "axe_violations_by_impact": dict(sorted(self.axe_violations.items())),
            "axe_rules_by_page": self.axe_rules,
            "page_weights": dict(sorted(self.page_weights.items())),
            "phone": dict(self.phone),
        }


SUMMARY = Summary()


@pytest.fixture(scope="session")
def summary() -> Summary:
    return SUMMARY


@pytest.fixture(scope="session")
def pages() -> list[str]:
    return reader_pages()


@pytest.fixture(scope="session")
def book() -> Path:
    """The built book; fails (not skips) when it has not been built."""
    if not (BOOK / toc_pages()[0]).is_file():
        pytest.fail(f"The built book is missing ({BOOK / toc_pages()[0]} not found). "
                    f"Run `make book` first, then run these tests again.", pytrace=False)
    return BOOK


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core from the pinned npm packages."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (or `make setup`).", pytrace=False)
    return AXE


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(book: Path):
    """Serve the book on 127.0.0.1 at a free port for the whole session."""
    handler = functools.partial(QuietHandler, directory=str(book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield urlunsplit(("http", f"127.0.0.1:{server.server_address[1]}", "/", "", ""))
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser() -> Browser:
    """The machine's Chromium (teamsim.bench.browser); skipped, with the reason, where there is
    none (a bare `pytest` on such a machine; `make test-book` installs Debian's first)."""
    path = find_chromium()
    if path is None:
        pytest.skip(f"No Chromium found to run the browser tests. {HOW_TO_GET_ONE}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def idle(page: Page) -> None:
    """Wait until the page has stopped loading things.

    Served, that is Playwright's "networkidle". From disk there is no network (any request to a
    host is routed, and recorded, above), and Chromium does not always report a file page idle,
    so there it is: the document complete and its fonts loaded.
    """
    if not page.url.startswith("file:"):
        try:
            page.wait_for_load_state("networkidle")
            return
        except PlaywrightTimeoutError:
            # On a loaded machine Chromium now and then never reports a served page idle; the
            # tests that matter (no outside request, charts drawn) check what they need.
            pass
    page.wait_for_function("document.readyState === 'complete'")
    page.evaluate("() => document.fonts.ready.then(() => true)")


@dataclass
class Visit:
    """One page loaded in a fresh browser context, with what it tried to do."""

    path: str
    page: Page
    external: list[str]
    errors: list[str]


@pytest.fixture
def visit(browser: Browser, base_url: str):
    """Open a page of the book offline; returns a function (path, where) -> Visit."""
    contexts = []

    def open_page(path: str, where: str = "served") -> Visit:
        """Open ``path`` served over HTTP or, with ``where="disk"``, as a file (file://), the
        way a reader opens the downloaded book."""
        if where not in ("served", "disk"):
            raise ValueError(f"where must be 'served' or 'disk', got {where!r}")
        root = base_url if where == "served" else BOOK.as_uri() + "/"
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        external: list[str] = []
        errors: list[str] = []
        origin = urlsplit(root).netloc

        def route(route):
            url = route.request.url
            if urlsplit(url).netloc == origin:
                route.continue_()
            else:
                external.append(url)
                SUMMARY.external_requests.append(f"{path}: {url}")
                route.abort()

        def error(text: str) -> None:
            errors.append(text)
            SUMMARY.console_errors.append(f"{path}: {text}")

        def console(message):
            if message.type == "error":
                error(f"console: {message.text} ({message.location.get('url', '')})")

        def websocket(socket):
            external.append(socket.url)
            SUMMARY.external_requests.append(f"{path}: {socket.url}")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", console)
        page.on("pageerror", lambda exc: error(f"pageerror: {exc}"))
        page.on("websocket", websocket)
        page.goto(root + path, wait_until="load")
        idle(page)
        SUMMARY.pages.add(path)
        SUMMARY.page_loads += 1
        return Visit(path, page, external, errors)

    yield open_page
    for context in contexts:
        context.close()


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if hasattr(config, "workerinput"):
        # a pytest-xdist worker hands its share to the controller (pytest_testnodedown below)
        config.workeroutput["browser_summary"] = json.dumps(SUMMARY.raw())  # type: ignore[attr-defined]
        return
    if not SUMMARY.page_loads:
        return
    SUMMARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY_FILE.write_text(json.dumps(SUMMARY.as_dict(), indent=1) + "\n")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """With pytest-xdist (make test-book runs two workers), sum up what each worker saw."""
    shared = getattr(node, "workeroutput", {}).get("browser_summary")
    if shared:
        SUMMARY.add(json.loads(shared))


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not SUMMARY.page_loads:
        return
    data = SUMMARY.as_dict()
    write = terminalreporter.write_line
    terminalreporter.section("the book in the browser")
    write(f"pages visited: {data['pages_visited']} ({data['page_loads']} page loads)")
    write(f"charts checked: {data['charts_checked']}, with a text alternative: "
          f"{data['charts_with_text_alternative']}")
    write(f"sliders and other chart inputs moved: {data['sliders_moved']}")
    write(f"external requests: {len(data['external_requests'])}")
    for url in data["external_requests"]:
        write(f"  {url}")
    write(f"console errors: {len(data['console_errors'])}")
    for error in data["console_errors"]:
        write(f"  {error}")
    impacts = data["axe_violations_by_impact"]
    write("axe violations by impact: "
          + (", ".join(f"{k} {v}" for k, v in impacts.items()) if impacts else "none"))
    weights = data["page_weights"]
    if weights:
        write(f"page weights (everything a page's load receives, uncompressed; "
              f"{len(weights)} pages, heaviest {max(w['bytes'] for w in weights.values()):,} "
              f"bytes):")
        write(f"  {'page':<34} {'kB':>7} {'files':>5}  largest")
        for page, weight in sorted(weights.items(), key=lambda item: -item[1]["bytes"]):
            largest = ", ".join(f"{name} {size / 1000:.0f}" for name, size in weight["largest"])
            write(f"  {page:<34} {weight['bytes'] / 1000:>7.0f} {weight['requests']:>5}  "
                  f"{largest}")
    if data["phone"]:
        write("on a phone (390 px): " + ", ".join(f"{k} {v}" for k, v in data["phone"].items()))
    write(f"summary written to {SUMMARY_FILE}")
