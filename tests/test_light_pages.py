"""The book's build steps that keep its pages light (book/_ext/light_pages.py and
offline_book.py): the stylesheets lose only rules no page can use, the icon font keeps the
glyphs the kept rules draw, the appendix's TeX becomes MathML, and the chart data scripts
carry the CSV gzipped, byte for byte."""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "book" / "_ext"))

from light_pages import code_points, math_to_mathml, purge_css, slim_css  # noqa: E402
from offline_book import write_data_scripts  # noqa: E402


def test_icon_rules_of_unused_icons_go_and_used_ones_stay() -> None:
    css = ('.fa{display:inline-block}.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}'
           '.fa-anchor:before{content:"\\f13d"}.fa-moon:before{content:"\\f186"}'
           "/*# sourceMappingURL=theme.css.map */")
    slim, dropped = slim_css(css, {"fa-bars", "fa-moon"})
    assert dropped == 1
    assert '.fa-bars:before,.fa-navicon:before{content:"\\f0c9"}' in slim
    assert ".fa-moon:before" in slim and ".fa-anchor" not in slim
    assert ".fa{display:inline-block}" in slim and "sourceMappingURL" not in slim
    # the font keeps what the kept rules (and any other stylesheet) still ask for
    assert code_points([slim, ':root{--icon-note:"\\f05a"}']) == {0xF0C9, 0xF186, 0xF05A}


def test_rules_no_page_can_match_go_inside_media_blocks_too() -> None:
    css = (":root{--x:1}.used{color:red}.unused{color:blue}.used .unused{margin:0}"
           ".unused,.used>p{padding:0}@media (min-width:960px){.unused{top:0}.used{top:1px}}"
           "@media print{.unused{top:0}}@font-face{font-family:x;src:url(x.woff)}"
           ".bs-tooltip-auto .tooltip-arrow{left:0}html[data-theme=dark]{color:#fff}")
    lean, dropped = purge_css(css, {"used", "p"})
    assert lean == (":root{--x:1}.used{color:red}.unused,.used>p{padding:0}"
                    "@media (min-width:960px){.used{top:1px}}"
                    "@font-face{font-family:x;src:url(x.woff)}"
                    ".bs-tooltip-auto .tooltip-arrow{left:0}html[data-theme=dark]{color:#fff}")
    assert dropped == len(css) - len(lean)


NO_NODE = shutil.which("node") is None or not (ROOT / "node_modules" / "mathjax").is_dir()


@pytest.mark.skipif(NO_NODE, reason="needs node and the npm packages (make node)")
def test_tex_becomes_mathml_inline_and_displayed() -> None:
    body = ('<p>Let <span class="math notranslate nohighlight">\\(C&#39; &lt; I\\)</span>.</p>'
            '<div class="math notranslate nohighlight">\n\\[\nx = \\tfrac{a}{b}\n\\]</div>')
    html, count = math_to_mathml(body, ROOT / "node_modules")
    assert count == 2
    assert "\\(" not in html and "\\[" not in html
    assert '<span class="math notranslate nohighlight"><math' in html
    # C' is a letter and a prime, not a raised superscript; < survives unescaping
    assert "<mi>C</mi><mo>&#x2032;</mo><mo>&lt;</mo><mi>I</mi>" in html
    assert '<div class="math notranslate nohighlight" tabindex="0"><math' in html
    assert 'display="block"' in html and "<mfrac>" in html and "data-mjx" not in html


def test_data_scripts_carry_the_csv_gzipped(tmp_path: Path) -> None:
    csv = "control,inspiration,week,revenue\n" + "".join(
        f"0.{i % 10},0.{i % 7},{i},{100 + i * 1.5}\n" for i in range(500))
    (tmp_path / "weekly.csv").write_text(csv, "utf-8")
    assert write_data_scripts(tmp_path) == 1
    assert write_data_scripts(tmp_path) == 0  # unchanged: not written again
    script = (tmp_path / "weekly.js").read_text("utf-8")
    prefix = '(window.TEAMSIM_DATA = window.TEAMSIM_DATA || {})["weekly.csv"] = '
    assert script.startswith(prefix) and script.endswith(";\n")
    packed = json.loads(script[len(prefix):-2])["gzip"]
    assert gzip.decompress(base64.b64decode(packed)).decode("utf-8") == csv
    assert len(script) < len(csv) / 2
