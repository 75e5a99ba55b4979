"""The practitioner pages keep their promises: the further-reading list annotates every work in
references.bib (and cites nothing that is not there), the grey literature it names carries a
URL and an access date, each case and each toolkit section links back to a part of the course,
and the three pages are in the table of contents (only pages listed there are built).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
PART_LABELS = {f"part-{n}" for n in range(1, 7)}
# Online articles by a company or a consultancy: readers need the address and when it was read.
GREY_LITERATURE = ["dsm_leading_managing", "alexander_turnover"]


def bib_entries() -> dict[str, str]:
    """Each entry of references.bib, by key, with its text."""
    text = (BOOK / "references.bib").read_text("utf-8")
    starts = list(re.finditer(r"^@\w+\{([^,\s]+),", text, flags=re.MULTILINE))
    ends = [m.start() for m in starts[1:]] + [len(text)]
    return {m.group(1): text[m.start():end] for m, end in zip(starts, ends, strict=True)}


def cited_keys(text: str) -> set[str]:
    keys: set[str] = set()
    for group in re.findall(r"\{cite:[a-z]+\}`([^`]+)`", text):
        keys.update(k.strip() for k in group.split(","))
    return keys


def sections(path: Path, level: str) -> dict[str, str]:
    """The page's sections at one heading level (e.g. "##"), by heading."""
    text = path.read_text("utf-8")
    pieces = re.split(rf"^{level} (.+)$", text, flags=re.MULTILINE)
    return dict(zip(pieces[1::2], pieces[2::2], strict=True))


def part_refs(text: str) -> set[str]:
    return set(re.findall(r"\{ref\}`[^`]*<(part-\d)>`", text)) & PART_LABELS


def test_further_reading_annotates_every_work_in_the_bibliography() -> None:
    cited = cited_keys((BOOK / "further_reading.md").read_text("utf-8"))
    entries = set(bib_entries())
    assert not cited - entries, f"cited but not in references.bib: {sorted(cited - entries)}"
    assert not entries - cited, f"in references.bib, missing from further reading: " \
                                f"{sorted(entries - cited)}"


def test_the_bibliography_parser_finds_the_entries() -> None:
    """Self-check: the comparison above would notice a missing work."""
    entries = bib_entries()
    assert len(entries) > 30
    assert "judge_piccolo_2004" in entries and "Piccolo" in entries["judge_piccolo_2004"]
    assert cited_keys("{cite:t}`a,b` and {cite:p}`c`") == {"a", "b", "c"}


@pytest.mark.parametrize("key", GREY_LITERATURE)
def test_grey_literature_has_url_and_access_date(key: str) -> None:
    entry = bib_entries()[key]
    assert re.search(r"^\s*url\s*=\s*\{https?://[^}\s]+\}", entry, flags=re.MULTILINE), entry
    assert re.search(r"^\s*urldate\s*=\s*\{\d{4}-\d{2}-\d{2}\}", entry, flags=re.MULTILINE), entry


def test_each_case_ties_to_a_part() -> None:
    cases = {h: body for h, body in sections(BOOK / "cases.md", "##").items()
             if h.startswith("Case")}
    assert len(cases) >= 2
    for heading, body in cases.items():
        assert part_refs(body), f"case '{heading}' links no part of the course"
        assert "Questions for you" in body, f"case '{heading}' has no questions for the learner"


def test_each_toolkit_section_links_the_part_it_comes_from() -> None:
    tools = sections(BOOK / "appendix_toolkit.md", "##")
    assert len(tools) == 6, sorted(tools)
    for heading, body in tools.items():
        assert part_refs(body), f"toolkit section '{heading}' links no part of the course"


def test_the_pages_are_in_the_table_of_contents() -> None:
    toc = (ROOT / "_toc.yml").read_text("utf-8")
    files = set(re.findall(r"file:\s*(\S+)", toc))
    assert yaml.safe_load(toc)["format"] == "jb-book"
    for page in ["book/appendix_toolkit", "book/cases", "book/further_reading"]:
        assert page in files, f"{page} is not in _toc.yml, so it is not built"
