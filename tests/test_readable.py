"""Book pages a reader can get through: no long runs of prose, short captions, code folded away.

A *run of prose* is a stretch of consecutive top-level paragraphs in a page's MyST source,
counted in words. Lists and block quotes are read like prose, so they count towards the run
they sit in. What ends a run is anything that breaks the page visually: a heading, a fenced block
(a chart or code cell, a figure, an admonition or callout such as ``{tip}`` or ``{modelnote}``,
a ``{predict}`` or ``{quiz}`` check, an exercise), a table, or a horizontal rule. Text inside
fenced blocks is not part of any run. Inline roles count by their visible text: a
``{glue:text}`` number is one word, a ``{ref}`text <label>``` counts the words of ``text``.

The course asks that no run pass ~300 words (issue 14, deliverable 4), in the introduction and
in Parts 1-6. Captions of chart cells (``mystnb: figure: caption:``) carry a short description
of the chart; what to do with it is said above the chart, in the text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PAGES = ["intro.md", *sorted(p.name for p in BOOK.glob("part[1-6]_*.md"))]
MAX_RUN = 300
MAX_CAPTION = 160

FENCE = re.compile(r"^(`{3,}|:{3,})(.*)$")
ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")
TABLE_OR_RULE = re.compile(r"^\s*(\|.*|-{3,}|\*{3,}|_{3,})\s*$")


def words(line: str) -> int:
    def visible(m: re.Match[str]) -> str:
        text = re.sub(r"<[^>]*>$", "", m.group(1)).strip()
        return text if " " in text else "x"  # a glued number or a bare label is one word

    return len(ROLE.sub(visible, line).split())


def prose_runs(text: str) -> list[tuple[int, int]]:
    """The runs of prose in a MyST page as (first line number, words)."""
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # front matter
        i = lines.index("---", 1) + 1
    runs: list[tuple[int, int]] = []
    start, count = 0, 0

    def end_run() -> None:
        nonlocal count
        if count:
            runs.append((start, count))
        count = 0

    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            end_run()
            mark = fence.group(1)
            i += 1
            while i < len(lines) and lines[i].rstrip() != mark:
                i += 1
        elif line.startswith("#") or TABLE_OR_RULE.match(line):
            end_run()
        elif line.strip() and not line.startswith(("%", "(")) and not line.startswith("+++"):
            if not count:
                start = i + 1
            count += words(re.sub(r"^\s*([-*+>]|\d+\.)\s+", "", line))
        i += 1
    end_run()
    return runs


def captions(text: str) -> list[str]:
    """The figure captions given in chart cells' metadata."""
    found = []
    for block in re.findall(r"^```\{code-cell\}[^\n]*\n---\n(.*?)\n---\n", text, re.S | re.M):
        meta = yaml.safe_load(block) or {}
        caption = ((meta.get("mystnb") or {}).get("figure") or {}).get("caption")
        if caption:
            found.append(" ".join(caption.split()))
    return found


def test_the_run_counter_sees_what_breaks_a_run() -> None:
    """Self-check: paragraphs add up, headings, fences and tables end a run, roles count as
    their visible text."""
    page = "\n".join([
        "one two three", "four {glue:text}`p-x`", "", "five six", "## Heading", "seven eight",
        "```{tip}", "inside a callout is not counted", "```", "nine {ref}`ten eleven <part-1>`",
        "| a | table |", "twelve", "- a list item"])
    assert prose_runs(page) == [(1, 7), (6, 2), (10, 3), (12, 4)]


@pytest.mark.parametrize("page", PAGES)
def test_no_run_of_prose_passes_300_words(page: str) -> None:
    runs = prose_runs((BOOK / page).read_text("utf-8"))
    line, longest = max(runs, key=lambda r: r[1])
    print(f"{page}: longest run of prose {longest} words (line {line})")
    too_long = [r for r in runs if r[1] > MAX_RUN]
    assert not too_long, f"{page}: runs over {MAX_RUN} words at (line, words) {too_long}"


@pytest.mark.parametrize("page", PAGES)
def test_captions_are_short_descriptions(page: str) -> None:
    text = (BOOK / page).read_text("utf-8")
    for caption in captions(text):
        assert len(caption) <= MAX_CAPTION, f"{page}: caption of {len(caption)} characters: " \
                                            f"{caption[:80]}…"
        assert not re.search(r"\b(move|drag|pick|use|click|choose|try)\b", caption, re.I), \
            f"{page}: the caption tells the reader what to do (say it above the chart): {caption}"


def test_the_caption_reader_finds_the_charts() -> None:
    """Self-check: Part 2's chart cells carry their captions in the cells' metadata."""
    assert len(captions((BOOK / "part2_managing.md").read_text("utf-8"))) >= 2


@pytest.mark.parametrize("page", PAGES)
def test_code_shown_on_book_pages_sits_behind_a_toggle(page: str) -> None:
    """Every code cell's input is hidden behind a toggle or removed from the page."""
    text = (BOOK / page).read_text("utf-8")
    for m in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", text, re.S | re.M):
        body = m.group(1)
        meta_line = re.match(r":tags: *(\[.*\])", body)
        meta_block = re.match(r"---\n(.*?)\n---\n", body, re.S)
        tags: list[str] = []
        if meta_line:
            tags = yaml.safe_load(meta_line.group(1))
        elif meta_block:
            tags = (yaml.safe_load(meta_block.group(1)) or {}).get("tags", [])
        line = text.count("\n", 0, m.start()) + 1
        assert {"hide-input", "remove-input", "remove-cell", "hide-cell"} & set(tags), \
            f"{page}: the code cell at line {line} is shown to readers"
