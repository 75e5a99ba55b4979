"""Make the built book work offline: every script it runs comes from the book itself.

Left alone, the pages would fetch code from other hosts: Altair's chart output loads vega,
vega-lite and vega-embed from a CDN, myst-nb loads require.js and the ipywidgets manager from
CDNs, and Sphinx loads MathJax from a CDN. This extension copies those libraries out of the
pinned packages (``vl-convert-python`` from pip; ``@jupyter-widgets/html-manager`` and
``mathjax`` from npm, installed by ``npm ci``) into ``_vendor/`` in the build output and points
the pages at them:

- vega: one bundle made by ``vl_convert.javascript_bundle()`` with a snippet that sets the
  ``vega`` and ``vegaLite`` globals only (837 kB; with vega-embed it was 898 kB). It is added to
  pages that hold a chart, with ``VEGA_DEBUG`` preset to Altair's versions, so Altair's output
  finds the libraries loaded and loads nothing itself; the ``vegaEmbed`` it calls is the book's
  own, in ``static/vega-embed-defaults.js`` (Vega's View API and a small chart menu).
- widgets: ``nb_ipywidgets_js`` points at the html-manager's ``embed.js``, the build that needs
  no require.js (with require.js on the page, Altair's output would take its AMD branch and load
  vega from the CDN again).
- MathJax 3: ``mathjax_path`` points at ``tex-chtml.js`` with the fonts and extensions it loads.

Nothing is committed and nothing goes through a source ``_static/`` folder: the files are copied
from the installed packages at every build (only when they changed), so the pins in
``package-lock.json`` and ``requirements.txt`` decide what the book serves. The extension also
serves the course's own small fixes: ``templates/`` (two theme buttons whose accessible names
contradicted their visible text) and ``static/vega-embed-defaults.js`` (the charts' embedder:
a menu of offline actions only, with a name for its icon button); and it copies the chart
data pages publish with ``teamsim.course.book.publish`` into ``_data/`` in the site.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
VENDOR = "_vendor"
# Sphinx puts a relative asset path under _static/; "../" climbs back to the output root.
FROM_STATIC = f"../{VENDOR}"
VEGA_BUNDLE = "vega/vega-bundle.js"
WIDGETS_JS = "jupyter-widgets/embed.js"
MATHJAX_JS = "mathjax/tex-chtml.js"

# npm package folder -> {file or folder inside it: where it goes under _vendor/}.
NPM_FILES: dict[str, dict[str, str]] = {
    "@jupyter-widgets/html-manager": {
        "dist/embed.js": WIDGETS_JS,
        "dist/embed.js.LICENSE.txt": "jupyter-widgets/embed.js.LICENSE.txt",
        # webpack's font files, which embed.js loads from beside itself
        "dist/*.woff2": "jupyter-widgets/",
        "dist/*.woff": "jupyter-widgets/",
        "dist/*.ttf": "jupyter-widgets/",
        "dist/*.eot": "jupyter-widgets/",
        "dist/*.svg": "jupyter-widgets/",
    },
    "mathjax": {
        "LICENSE": "mathjax/LICENSE",
        "es5/tex-chtml.js": MATHJAX_JS,
        # what tex-chtml.js loads on demand: fonts, TeX extensions, menu and speech
        "es5/output": "mathjax/output",
        "es5/input": "mathjax/input",
        "es5/a11y": "mathjax/a11y",
        "es5/ui": "mathjax/ui",
        "es5/sre": "mathjax/sre",
        "es5/adaptors": "mathjax/adaptors",
    },
}


def point_at_local_copies(app: Sphinx, config: Any) -> None:
    """Replace the CDN addresses in the configuration with the copies under _vendor/."""
    config.nb_ipywidgets_js = {f"{FROM_STATIC}/{WIDGETS_JS}": {}}
    config.mathjax_path = f"{FROM_STATIC}/{MATHJAX_JS}"
    config.html_static_path = [*config.html_static_path, str(HERE / "static")]
    config.templates_path = [*config.templates_path, str(HERE / "templates")]


def _same(src: Path, dst: Path) -> bool:
    if not dst.is_file():
        return False
    a, b = src.stat(), dst.stat()
    return a.st_size == b.st_size and int(a.st_mtime) == int(b.st_mtime)


def _copy(src: Path, dst: Path) -> int:
    """Copy a file or a folder, skipping files already there; return how many were copied."""
    if src.is_dir():
        return sum(_copy(f, dst / f.relative_to(src)) for f in src.rglob("*") if f.is_file())
    if _same(src, dst):
        return 0
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return 1


def copy_npm_files(node_modules: Path, vendor: Path) -> int:
    """Copy what the pages load from the npm packages; fail loudly if one is missing."""
    copied = 0
    for package, files in NPM_FILES.items():
        root = node_modules / package
        for pattern, target in files.items():
            sources = sorted(root.glob(pattern)) if "*" in pattern else [root / pattern]
            if not sources or not all(s.exists() for s in sources):
                raise ExtensionError(
                    f"offline_book: {root / pattern} is missing. The book serves its JavaScript "
                    f"from the pinned npm packages: run `npm ci` (or `make setup`) in "
                    f"{node_modules.parent}, then build again."
                )
            for src in sources:
                dst = vendor / target / src.name if target.endswith("/") else vendor / target
                copied += _copy(src, dst)
    return copied


def altair_versions() -> dict[str, str]:
    """The versions Altair's HTML output checks in ``VEGA_DEBUG`` before loading a library."""
    import altair as alt

    return {
        "vega_version": alt.VEGA_VERSION,
        "vegalite_version": alt.VEGALITE_VERSION,
        "vegaembed_version": alt.VEGAEMBED_VERSION,
    }


# The bundle's only code of its own: vega's and vega-lite's modules as globals, imported by the
# addresses vl-convert vendors them under (its snippet's default imports `vega` and `vegaLite`
# are null). Those addresses are names, never fetched: vl-convert resolves them, at build time
# and offline, to the copies compiled into it, and the bundle it writes holds the modules'
# code and no import (the browser tests fail on any request off the book's own host).
# vega-embed stays out (61 kB with its tooltip and themes); the charts are drawn by
# static/vega-embed-defaults.js with Vega's View API.
VEGA_SNIPPET = """\
import * as vegaModule from "https://cdn.jsdelivr.net/npm/vega@{vega}/+esm.js";
import * as vegaLiteModule from "https://cdn.jsdelivr.net/npm/vega-lite@{vegalite}/+esm.js";
window.vega = vegaModule;
window.vegaLite = vegaLiteModule;
"""


def write_vega_bundle(vendor: Path) -> bool:
    """Write vega + vega-lite as one script, unless the same one is there."""
    import altair as alt
    import vl_convert
    from altair.utils._importers import vl_version_for_vl_convert

    snippet = VEGA_SNIPPET.format(vega=vl_convert.get_vega_version(),
                                  vegalite=alt.VEGALITE_VERSION)
    stamp = {
        "wrapped": True,
        "snippet": snippet,
        "vl_convert": vl_convert.__version__,
        "vl_version": vl_version_for_vl_convert(),
        **altair_versions(),
    }
    bundle = vendor / VEGA_BUNDLE
    stamp_file = bundle.with_suffix(".json")
    if bundle.is_file() and stamp_file.is_file() and json.loads(stamp_file.read_text()) == stamp:
        return False
    bundle.parent.mkdir(parents=True, exist_ok=True)
    # The bundle's top-level names would clash with the page's own (Sphinx declares `_`):
    # a function scope keeps them private; only the two globals it sets escape.
    try:
        code = vl_convert.javascript_bundle(snippet, vl_version=stamp["vl_version"])
    except Exception as error:  # noqa: BLE001 - vl-convert raises a bare exception
        raise ExtensionError(f"offline_book: vl-convert could not bundle vega and vega-lite "
                             f"({snippet!r}): {str(error)[:500]}") from error
    if "window.vega=null" in code.replace(" ", "") or "vegaLite=null" in code.replace(" ", ""):
        raise ExtensionError("offline_book: the vega bundle exports null (see VEGA_SNIPPET)")
    bundle.write_text(f"(function () {{\n{code}\n}})();\n", "utf-8")
    stamp_file.write_text(json.dumps(stamp, indent=1) + "\n", "utf-8")
    return True


def write_vendor_files(app: Sphinx) -> None:
    """Fill _vendor/ in the output before any page is written (so assets get checksums)."""
    if app.builder.format != "html":
        return
    node_modules = Path(app.srcdir, app.config.offline_node_modules).resolve()
    vendor = Path(app.outdir) / VENDOR
    copied = copy_npm_files(node_modules, vendor)
    made = write_vega_bundle(vendor)
    logger.info(f"offline_book: {copied} npm files copied, vega bundle "
                f"{'written' if made else 'up to date'} in {vendor}")


def data_names(html: str) -> list[str]:
    """The published data files (``name.csv``) a page's charts read, in order."""
    from teamsim.course.book import SITE_FOLDER

    wanted = re.compile(rf"{re.escape(SITE_FOLDER)}/([A-Za-z0-9_-]+\.csv)")
    return sorted(set(wanted.findall(html)))


def add_vega_to_chart_pages(app: Sphinx, pagename: str, templatename: str,
                            context: dict[str, Any], doctree: Any) -> None:
    """Load the local vega bundle on pages whose body draws a chart with vega-embed, and the
    scripts that carry the page's chart data (see :func:`write_data_scripts`)."""
    from teamsim.course.book import SITE_FOLDER

    body = context.get("body", "")
    if "vegaEmbed(" not in body:
        return
    preset = json.dumps(altair_versions())
    app.add_js_file(None, body=f"window.VEGA_DEBUG = Object.assign(window.VEGA_DEBUG || {{}}, "
                                f"{preset});")
    app.add_js_file(f"{FROM_STATIC}/{VEGA_BUNDLE}")
    for name in data_names(body):
        app.add_js_file(f"../{SITE_FOLDER}/{Path(name).stem}.js")
    app.add_js_file("vega-embed-defaults.js")


def write_data_scripts(site: Path) -> int:
    """Beside each ``name.csv`` in the site's data folder, write ``name.js`` carrying the same
    text, gzipped; return how many were (re)written.

    A page opened from disk (``file://``) may not ``fetch`` a file beside it: the browser
    blocks it as a cross-origin request. It may run a script, so each chart page loads its data
    as scripts, and ``vega-embed-defaults.js`` gives Vega a loader that reads the data from
    there before it would fetch. The text is gzipped and written in base64 (``{"gzip": ...}``;
    the browser's DecompressionStream unpacks it), so that a page carries about a quarter of
    its data's bytes whether or not the server compresses (Part 1's 220 kB weigh 78 kB). The
    CSV files stay, for readers who want the numbers.
    """
    written = 0
    for csv in sorted(site.glob("*.csv")):
        script = csv.with_suffix(".js")
        packed = base64.b64encode(gzip.compress(csv.read_bytes(), compresslevel=9, mtime=0))
        text = ("(window.TEAMSIM_DATA = window.TEAMSIM_DATA || {})"
                f"[{json.dumps(csv.name)}] = {{\"gzip\": {json.dumps(packed.decode('ascii'))}}};\n")
        if script.is_file() and script.read_text("utf-8") == text:
            continue
        script.write_text(text, "utf-8")
        written += 1
    return written


def copy_chart_data(app: Sphinx, exception: Exception | None) -> None:
    """Serve the data pages published for their charts, and check every chart finds its file.

    Pages write chart data with ``teamsim.course.book.publish`` while they run (so several
    charts can share one file); it lands outside the site and is copied in here. A page served
    from the execution cache did not run in this build, so its file must still be there from an
    earlier one: a missing file is a warning, which fails the strict build.
    """
    if exception is not None or app.builder.format != "html":
        return
    from teamsim.course.book import PUBLISHED, SITE_FOLDER

    site = Path(app.outdir) / SITE_FOLDER
    if PUBLISHED.is_dir():
        _copy(PUBLISHED, site)
        write_data_scripts(site)
    for page in sorted(Path(app.outdir).rglob("*.html")):
        for name in data_names(page.read_text("utf-8")):
            if not (site / name).is_file():
                logger.warning(f"offline_book: {page.relative_to(app.outdir)} draws a chart from "
                               f"{SITE_FOLDER}/{name}, which no page published ({PUBLISHED} has "
                               f"no {name}). Run `make clean book` to run every page again.")


def drop_duplicate_scripts(app: Sphinx, pagename: str, templatename: str,
                           context: dict[str, Any], doctree: Any) -> None:
    """Keep one copy of each script on the page.

    Sphinx 7.4 adds an inline script registered once the builder is running a second time (its
    file name is ``None`` once and ``""`` the other time), so sphinx-thebe's
    ``const THEBE_JS_URL`` is declared twice and every page logs a SyntaxError.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        attributes = getattr(js, "attributes", {})
        key = (getattr(js, "filename", js) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def fix_citation_roles(app: Sphinx, pagename: str, templatename: str,
                       context: dict[str, Any], doctree: Any) -> None:
    """Give bibliography entries the list-item role their list requires.

    Docutils writes the references as a ``role="list"`` container of ``doc-biblioentry``
    entries, a role ARIA 1.2 no longer counts as a list item, so axe reports the list as broken
    (critical). Plain list items keep the list semantics screen readers announce.
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("offline_node_modules", "node_modules", "env", types=[str])
    app.connect("config-inited", point_at_local_copies)
    app.connect("builder-inited", write_vendor_files)
    app.connect("html-page-context", add_vega_to_chart_pages)
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("html-page-context", fix_citation_roles)
    app.connect("build-finished", copy_chart_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
