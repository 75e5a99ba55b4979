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
  book, loaded it for the model appendix's equations. :func:`drop_mathjax_without_math` leaves it
  off every page of the html build: pages with mathematics of their own (the model appendix) get
  their TeX turned into MathML at build time instead (:func:`tex_to_mathml`, MathJax's own TeX
  parser from the pinned npm package, run by node), which Chromium, Firefox and Safari draw and
  screen readers read. The single-page print build keeps MathJax on its one page (jupyter-book
  sets the "always" policy there).

``templates/layout.html`` also leaves off Sphinx's search scripts and the search index (140 kB),
which the theme loads on every page for search-as-you-type, an option the book does not use.

The theme's icons themselves were heavy for the few the book shows: its stylesheet carries a rule
for each of Font Awesome's ~2,000 icons (91 kB of its 397 kB) and its solid webfont every glyph
(156 kB). Once the pages are written, :func:`slim_icons` keeps the rules of the icons some page
or theme script names (``fa-bars``, ``fa-download``...) and cuts the font down to the glyphs
the stylesheets can still ask for (those rules, and every other ``content`` or custom property
of the book's stylesheets that holds a code point, such as the theme's admonition icons), with
fontTools' subsetter (pinned in requirements.txt), from the theme's TrueType copy of the font.
It is written as WOFF (zlib; WOFF 2 would need brotli) beside the original, which the stylesheet
no longer names. The same pass drops, from every stylesheet the book serves, the rules that no
page can match: those whose every selector needs a class that no written page and no script of
the book names (most of Bootstrap's utilities and components, 200 of the theme's 311 kB left;
90 of sphinx-design's and myst-nb's 98 kB), in the manner of PurgeCSS; the states Bootstrap
builds from parts or toggles (``KEEP_CLASSES``) stay.
``tests/browser/test_weight.py`` weighs every page and prints the weights, and checks that the
header's icons still draw from the font.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent
# Sphinx's math in a page: inline \(...\) in a span, display \[...\] in a div.
INLINE_MATH = re.compile(r'<span class="math notranslate nohighlight">\\\((.*?)\\\)</span>', re.S)
DISPLAY_MATH = re.compile(
    r'(<div class="math notranslate nohighlight"[^>]*>)\s*\\\[(.*?)\\\]\s*(</div>)', re.S)
# Class names in a selector, and words in pages and scripts.
CLASS_NAME = re.compile(r"\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)")
WORD = re.compile(r"[A-Za-z0-9_-]+")
COMMENT = re.compile(r"/\*.*?\*/", re.S)
# Classes kept though no page or script spells them out: Bootstrap makes these from parts
# (`bs-tooltip-auto`, `bs-popover-...`) or toggles them as states.
KEEP_CLASSES = re.compile(r"(bs-|tooltip|popover|show|fade|collaps|active|disabled|focus|hover)")
PRIME = re.compile(r"<msup>(<mi>[^<]*</mi>)<mo>&#x2032;</mo></msup>")
MJX_ATTRIBUTE = re.compile(r'\s+data-mjx-[a-z-]+="[^"]*"')
THEME_CSS = "_static/styles/pydata-sphinx-theme.css"
SOLID_FONT = "vendor/fontawesome/webfonts/fa-solid-900"
SLIM_FONT = f"{SOLID_FONT}.book.woff"
# One icon's rule in the theme's (minified) stylesheet:
#   .fa-bars:before,.fa-navicon:before{content:"\f0c9"}
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}(?:before|after),?)+)\{content:"([^"]*)"\}')
ICON_NAME = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")
CSS_ESCAPE = re.compile(r'"(\\[0-9a-fA-F]{1,6})"')
# The solid font's @font-face: its woff2 and ttf sources become the slim WOFF.
SOLID_SRC = re.compile(r"src:url\(\.\./" + re.escape(SOLID_FONT) + r"\.woff2\)[^;}]*")


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


def tex_to_mathml(items: list[tuple[str, bool]], node_modules: Path) -> list[str]:
    """MathML for each ``(tex, display)``, by MathJax's TeX parser under node."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is needed to turn the book's TeX into MathML (make node)")
    done = subprocess.run([node, str(HERE / "tex2mathml.js"), str(node_modules)],
                          input=json.dumps(items), capture_output=True, text=True, check=False,
                          timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"tex2mathml.js failed: {done.stderr.strip()[-2000:]}")
    # whitespace between tags and MathJax's own bookkeeping attributes are not needed; a prime
    # is written after its letter, not as a superscript (the prime glyph is raised already)
    return [PRIME.sub(r"\1<mo>&#x2032;</mo>",
                      MJX_ATTRIBUTE.sub("", re.sub(r">\s+<", "><", mml))).strip()
            for mml in json.loads(done.stdout)]


def math_to_mathml(body: str, node_modules: Path) -> tuple[str, int]:
    """The page's body with every TeX formula as MathML, and how many there were."""
    inline = [html.unescape(m.group(1)) for m in INLINE_MATH.finditer(body)]
    display = [html.unescape(m.group(2)) for m in DISPLAY_MATH.finditer(body)]
    if not inline and not display:
        return body, 0
    mathml = iter(tex_to_mathml([(t, False) for t in inline] + [(t, True) for t in display],
                                node_modules))
    body = INLINE_MATH.sub(
        lambda m: f'<span class="math notranslate nohighlight">{next(mathml)}</span>', body)
    # a display equation wider than a phone scrolls sideways: focusable, as MathJax made it
    body = DISPLAY_MATH.sub(
        lambda m: f'{m.group(1)[:-1]} tabindex="0">{next(mathml)}{m.group(3)}', body)
    return body, len(inline) + len(display)


def drop_mathjax_without_math(app: Sphinx, pagename: str, templatename: str,
                              context: dict[str, Any], doctree: Any) -> None:
    """Leave MathJax off every page: a page with mathematics of its own gets MathML instead."""
    if app.builder.name != "html" or app.registry.html_assets_policy == "always":
        return
    if page_has_math(app, pagename) and context.get("body"):
        node_modules = Path(app.srcdir, app.config.offline_node_modules).resolve()
        try:
            context["body"], count = math_to_mathml(context["body"], node_modules)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            logger.warning(f"light_pages: {pagename}'s mathematics stays TeX for MathJax: {error}")
            return
        logger.info(f"light_pages: {pagename}: {count} formulas written as MathML")
    scripts = context.get("script_files", [])
    mathjax_path = app.config.mathjax_path
    context["script_files"] = [js for js in scripts if not _is_mathjax(js, mathjax_path)]


def icon_names(outdir: Path) -> set[str]:
    """The ``fa-*`` names the written pages and the theme's scripts use."""
    names: set[str] = set()
    files = [*outdir.rglob("*.html"), *(outdir / "_static").glob("*.js"),
             *(outdir / "_static" / "scripts").glob("*.js")]
    for path in files:
        if path.name == "fontawesome.js":  # never loaded (it names every icon)
            continue
        names.update(ICON_NAME.findall(path.read_text("utf-8", errors="replace")))
    return names


def slim_css(css: str, used: set[str]) -> tuple[str, int]:
    """The stylesheet without the rules of unused icons, and how many rules went."""
    dropped = 0

    def keep(match: re.Match[str]) -> str:
        nonlocal dropped
        selectors = re.findall(r"\.(fa-[a-z0-9-]+):", match.group(1))
        if any(name in used for name in selectors):
            return match.group(0)
        dropped += 1
        return ""

    slim = ICON_RULE.sub(keep, css)
    # its source map describes the full file
    slim = re.sub(r"/\*# sourceMappingURL=[^*]*\*/\s*$", "", slim)
    return slim, dropped


def code_points(css_texts: list[str]) -> set[int]:
    """Every code point a stylesheet writes as a CSS escape in a string (icons' ``content``)."""
    points: set[int] = set()
    for css in css_texts:
        for escape in CSS_ESCAPE.findall(css):
            points.add(int(escape[1:], 16))
        points.update(ord(ch) for ch in css if 0xE000 <= ord(ch) <= 0xF8FF)
    return points


def subset_font(source: Path, target: Path, points: set[int]) -> int:
    """Write the glyphs of ``points`` that ``source`` has to ``target`` (WOFF); their number."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(source))
    have = set(font.getBestCmap())
    wanted = sorted(points & have)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    font.flavor = "woff"
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return len(wanted)


def page_tokens(outdir: Path) -> set[str]:
    """Every word (``[A-Za-z0-9_-]+``) of the written pages and of the scripts they can load:
    any class name a page or a script may set is among them."""
    tokens: set[str] = set()
    files = [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js"),
             *(outdir / "_vendor" / "vega").glob("*.js"),
             *(outdir / "_vendor" / "jupyter-widgets").glob("*.js")]
    for path in files:
        if path.name in ("fontawesome.js", "fontawesome.min.js"):  # never loaded
            continue
        tokens.update(WORD.findall(path.read_text("utf-8", errors="replace")))
    return tokens


def _block_end(css: str, start: int) -> int:
    """The index just past the ``}`` closing the block whose ``{`` is at ``start``."""
    depth, i = 0, start
    while i < len(css):
        if css[i] == "{":
            depth += 1
        elif css[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(css)


def _dead(selector: str, tokens: set[str]) -> bool:
    """A selector no page can match: it needs a class no page or script names."""
    return any(name not in tokens and not KEEP_CLASSES.match(name)
               for name in CLASS_NAME.findall(selector))


def purge_css(css: str, tokens: set[str]) -> tuple[str, int]:
    """``css`` (minified, no comments inside rules) without the rules every selector of which
    needs an unused class; at-rule blocks (@media, @supports...) are purged inside. Returns the
    stylesheet and the bytes dropped."""
    out: list[str] = []
    dropped, i = 0, 0
    while i < len(css):
        brace = css.find("{", i)
        if brace < 0:
            out.append(css[i:])
            break
        head = css[i:brace]
        if head.lstrip().startswith("@"):
            end = _block_end(css, brace)
            if head.lstrip().startswith(("@media", "@supports", "@layer", "@container")):
                inner, gone = purge_css(css[brace + 1:end - 1], tokens)
                dropped += gone
                if inner.strip():
                    out.append(f"{head}{{{inner}}}")
                else:
                    dropped += len(head) + 2
            else:  # @font-face, @keyframes...: kept whole
                out.append(css[i:end])
            i = end
            continue
        end = css.find("}", brace) + 1 or len(css)
        if all(_dead(selector, tokens) for selector in head.split(",")):
            dropped += end - i
        else:
            out.append(css[i:end])
        i = end
    return "".join(out), dropped


def slim_icons(app: Sphinx, exception: Exception | None) -> None:
    """Cut the theme's stylesheet down to the rules and icons the book can use, and its icon
    font down to the glyphs those rules draw."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    theme_css = outdir / THEME_CSS
    font = outdir / "_static" / f"{SOLID_FONT}.ttf"  # the same glyphs as its woff2, unpacked
    if not theme_css.is_file() or not font.is_file():
        logger.warning(f"light_pages: no {THEME_CSS} or {font.name} in {outdir}: did the "
                       f"theme change? The icons are left whole.")
        return
    tokens = page_tokens(outdir)
    css = theme_css.read_text("utf-8")
    # an incremental build may leave the theme's stylesheet slimmed already, while Sphinx copies
    # the other stylesheets afresh: those are purged at every build (purging twice drops nothing)
    purged = 0 if SLIM_FONT in css else slim_theme(theme_css, font, css, tokens)
    if purged < 0:
        return
    for sheet in sorted((outdir / "_static").rglob("*.css")):
        if sheet == theme_css:
            continue
        text = COMMENT.sub("", sheet.read_text("utf-8"))
        lean, gone = purge_css(text, tokens)
        if gone:
            sheet.write_text(lean, "utf-8")
            purged += gone
    logger.info(f"light_pages: {purged:,} bytes of rules for classes or icons no page uses "
                f"dropped; icon font {(outdir / '_static' / SLIM_FONT).stat().st_size:,} bytes")


def slim_theme(theme_css: Path, font: Path, css: str, tokens: set[str]) -> int:
    """Write the theme's stylesheet without unused icon and class rules, its solid icon font
    cut to the glyphs the book's stylesheets can ask for; the bytes dropped (-1 if the font's
    @font-face was not found, and nothing was written)."""
    outdir = theme_css.parents[2]
    slim, dropped = slim_css(css, icon_names(outdir))
    slim, _ = purge_css(COMMENT.sub("", slim), tokens)
    others = [p.read_text("utf-8") for p in (outdir / "_static").rglob("*.css") if p != theme_css]
    glyphs = subset_font(font, outdir / "_static" / SLIM_FONT, code_points([slim, *others]))
    slim, found = SOLID_SRC.subn(f'src:url(../{SLIM_FONT}) format("woff")', slim)
    if found != 1:
        logger.warning(f"light_pages: the solid icon font's @font-face was not found in "
                       f"{THEME_CSS}; the icons are left whole.")
        return -1
    theme_css.write_text(slim, "utf-8")
    logger.info(f"light_pages: {dropped} unused icon rules dropped from the theme's stylesheet, "
                f"its icon font cut to {glyphs} glyphs")
    return len(css) - len(slim)


def setup(app: Sphinx) -> dict[str, Any]:
    # after sphinx.ext.mathjax adds its scripts (priority 500)
    app.connect("html-page-context", drop_mathjax_without_math, priority=600)
    app.connect("build-finished", slim_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1.0"}
