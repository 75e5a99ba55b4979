"""The PDF of the whole course (``make book`` prints it with ``tools/print_book.py``), checked
the way a reader would leaf through it: rendered page by page with poppler's ``pdftoppm``.

Every page carries something (no blank sheets); every chart of the book is in it and says that
its sliders move in the web pages; every part of the book is there; the footer numbers pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import toc_pages

pytestmark = pytest.mark.browser

PDF = "downloads/managing-and-leading-course.pdf"
INK = 0.002
"""The least share of a page's pixels that must be darker than white for it not to be blank."""


def tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: `make chromium` installs Debian's poppler-utils",
                    pytrace=False)
    return found


@pytest.fixture(scope="module")
def pdf(book: Path) -> Path:
    path = book / PDF
    if not path.is_file():
        pytest.fail(f"{path} is missing: `make book` prints it when it finds Chromium",
                    pytrace=False)
    return path


@pytest.fixture(scope="module")
def report(pdf: Path) -> dict:
    return json.loads(pdf.with_suffix(".json").read_text())


@pytest.fixture(scope="module")
def text_by_page(pdf: Path) -> list[str]:
    out = subprocess.run([tool("pdftotext"), "-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    return out.split("\f")[:-1]


def gray_pages(pdf: Path, folder: Path) -> list[bytes]:
    """Every page as 8-bit grey pixels (PGM at 12 dpi)."""
    subprocess.run([tool("pdftoppm"), "-gray", "-r", "12", str(pdf), str(folder / "p")],
                   check=True)
    pages = []
    for path in sorted(folder.glob("p-*.pgm")):
        data = path.read_bytes()
        # header: P5 <width> <height> <maxval> then one byte a pixel
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert match, f"{path.name} is not a binary PGM"
        width, height = int(match.group(1)), int(match.group(2))
        pages.append(data[match.end():match.end() + width * height])
    return pages


def test_every_page_has_ink(pdf: Path, text_by_page: list[str], tmp_path: Path) -> None:
    pages = gray_pages(pdf, tmp_path)
    assert len(pages) == len(text_by_page) >= 100, f"{len(pages)} pages"
    blank = [k + 1 for k, pixels in enumerate(pages)
             if sum(1 for v in pixels if v < 200) < INK * len(pixels)]
    assert not blank, f"blank pages: {blank}"


def test_pages_are_numbered(text_by_page: list[str]) -> None:
    total = len(text_by_page)
    unnumbered = [k + 1 for k, text in enumerate(text_by_page)
                  if f"page {k + 1} of {total}" not in text]
    assert not unnumbered, f"pages without their number in the footer: {unnumbered[:10]}"


def test_every_chart_is_printed_with_its_note(book: Path, report: dict,
                                              text_by_page: list[str]) -> None:
    """The PDF holds as many charts as the book's pages, each saying where it moves."""
    in_book = sum(len(set(re.findall(r'id="(altair-viz-[0-9a-f]+)"',
                                     (book / page).read_text("utf-8"))))
                  for page in toc_pages())
    assert report["charts"] == in_book > 0
    notes = sum(text.count("Interactive chart:") for text in text_by_page)
    assert notes == report["interactive_charts"] > 0


def test_every_part_of_the_book_is_in_it(report: dict, text_by_page: list[str]) -> None:
    text = re.sub(r"\s+", " ", " ".join(text_by_page))
    assert len(report["contents"]) == len(toc_pages())
    missing = [title for title in report["contents"] if title not in text]
    assert not missing, f"parts missing from the PDF's text: {missing}"
    assert "Contents" in text_by_page[0]
