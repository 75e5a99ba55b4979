"""Light pages: each page of the book loads only the scripts it uses.

Two heavy scripts reached pages that had no use for them:

- The theme's icon JavaScript, ``fontawesome.js`` (1.49 MB, pydata-sphinx-theme 0.17), which
  only turns the theme's ``<i class="fa-...">`` icons into inline SVG. The theme's stylesheet
  already draws the same icons from its Font Awesome webfont (``fa-solid-900.woff2``, 156 kB,
  served from ``_static/vendor/``, so it works offline and from disk); the theme has no option
  to leave the script out, so ``templates/layout.html`` writes the head without it. The theme's
  upstream fix takes the same road (CSS and webfont for the standard icons).
- MathJax (1.16 MB). Sphinx loads it on a page when the page *or any page in its toctree* holds
  mathematics (``MathDomain.has_equations``), so the book's root page, whose toctree is the whole
  book, loaded it for the model appendix's equations. :func:`drop_mathjax_without_math` keeps it
  only on pages whose own text holds mathematics. The single-page print build keeps it on its
  one page (jupyter-book sets the "always" policy there).

``templates/layout.html`` also leaves off Sphinx's search scripts and the search index (140 kB),
which the theme loads on every page for search-as-you-type, an option the book does not use.
``tests/browser/test_weight.py`` weighs every page and prints the weights.
"""

from __future__ import annotations

import posixpath
from typing import Any

from sphinx.application import Sphinx


def _is_mathjax(js: Any, mathjax_path: str) -> bool:
    """Whether a page script is MathJax itself or the configuration Sphinx writes for it."""
    filename = str(getattr(js, "filename", js) or "")
    # Sphinx files a relative script path under _static/ (add_js_file)
    if filename in (mathjax_path, posixpath.join("_static", mathjax_path)):
        return True
    attributes = getattr(js, "attributes", {}) or {}
    body = str(attributes.get("body", ""))
    return (attributes.get("type") == "text/x-mathjax-config"
            or body.startswith("window.MathJax ="))


def page_has_math(app: Sphinx, pagename: str) -> bool:
    """Whether the page's own text (not the pages its toctree lists) holds mathematics."""
    domain = app.env.get_domain("math")
    return bool(domain.data.get("has_equations", {}).get(pagename, False))


def drop_mathjax_without_math(app: Sphinx, pagename: str, templatename: str,
                              context: dict[str, Any], doctree: Any) -> None:
    """Leave MathJax off a page that has no mathematics of its own."""
    if app.builder.name != "html" or app.registry.html_assets_policy == "always":
        return
    if page_has_math(app, pagename):
        return
    scripts = context.get("script_files", [])
    mathjax_path = app.config.mathjax_path
    context["script_files"] = [js for js in scripts if not _is_mathjax(js, mathjax_path)]


def setup(app: Sphinx) -> dict[str, Any]:
    # after sphinx.ext.mathjax adds its scripts (priority 500)
    app.connect("html-page-context", drop_mathjax_without_math, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
