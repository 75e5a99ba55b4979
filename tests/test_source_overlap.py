"""The course retells the source article in its own words: no run of eight words is copied.

The article is not in the repository. ``tests/data/source_shingles.txt`` holds the SHA-1 of
each of its eight-word runs, made by ``tools/fingerprint_source.py``; every text a learner or a
student reads (chapters, notebooks, the workbook sources with their solutions, the package's
docstrings) is normalised and hashed the same way and compared.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fingerprint_source",
                                               ROOT / "tools" / "fingerprint_source.py")
fp = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fp)

# Everything the course shows its readers, in any form it is written.
CHECKED = [
    "README.md",
    "book/**/*.md", "book/**/*.ipynb",
    "notebooks/**/*.ipynb",
    "workbook/**/*.md", "workbook/**/*.ipynb", "workbook/**/*.py",
    "src/teamsim/data/*.md",
    "src/teamsim/**/*.py",
]


def course_files() -> list[Path]:
    found = {p for pattern in CHECKED for p in ROOT.glob(pattern) if p.is_file()}
    return sorted(p for p in found if "_build" not in p.parts)


def text_of(path: Path) -> str:
    """A file's text; for a notebook, the text of its cells (outputs are generated)."""
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text("utf-8")).get("cells", [])
        return "\n\n".join("".join(c.get("source", "")) for c in cells)
    return path.read_text("utf-8")


def copied_runs(text: str, hashes: set[str]) -> list[str]:
    """The stretches of ``text`` made of runs of eight words found in the source."""
    tokens = fp.words(text)
    copied = [False] * len(tokens)
    for i, shingle in fp.shingles(tokens):
        if fp.digest(shingle) in hashes:
            copied[i:i + fp.SHINGLE] = [True] * fp.SHINGLE
    runs, start = [], None
    for i, flag in enumerate([*copied, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append(" ".join(tokens[start:i]))
            start = None
    return runs


@pytest.fixture(scope="module")
def source_hashes() -> set[str]:
    return fp.read_hashes()


def test_fingerprint_file_is_complete(source_hashes: set[str]) -> None:
    assert len(source_hashes) > 1000, "the article has well over a thousand eight-word runs"
    assert all(re.fullmatch(r"[0-9a-f]{40}", h) for h in source_hashes)


def test_normaliser_folds_case_quotes_accents_and_punctuation() -> None:
    quoted = "It\u2019s the Coach\u2019s team \u2014 not the \u201cDriller\u2019s\u201d!"
    assert fp.words(quoted) == ["it's", "the", "coach's", "team", "not", "the", "driller's"]
    assert fp.words("Long-term, CAF\u00c9 10,000") == ["long", "term", "cafe", "10", "000"]
    phrase = "Pipeline reviews every Monday, and the Coach listens first."
    shingles = [s for _, s in fp.shingles(fp.words(phrase))]
    assert shingles[0] == "pipeline reviews every monday and the coach listens"
    expected = hashlib.sha1(b"pipeline reviews every monday and the coach listens").hexdigest()
    assert fp.digest(shingles[0]) == expected


def test_detector_finds_eight_copied_words_and_not_seven() -> None:
    """Self-check on a made-up article: the comparison can fail, and only when it should."""
    article = ("A patient manager builds trust slowly, coaching each rep toward the numbers "
               "that matter while the quarter closes around them.")
    hashes = fp.fingerprints([article])
    eight = "As we saw, a PATIENT manager builds trust \u2018slowly\u2019 - coaching each rep."
    assert copied_runs(eight, hashes) == [
        "a patient manager builds trust slowly coaching each rep"]
    seven = "As we saw, a patient manager builds trust slowly; then the coach steps back."
    assert copied_runs(seven, hashes) == []


def test_fingerprints_match_the_source_when_it_is_here(source_hashes: set[str]) -> None:
    """Where the shared folder sits beside the repository, the hash file must be current."""
    sources = fp.source_files()
    if not sources:
        pytest.skip(f"no source article in {fp.SOURCE_DIR} to compare with")
    current = fp.fingerprints(p.read_text("utf-8") for p in sources)
    assert current == source_hashes, "run `.venv/bin/python tools/fingerprint_source.py`"


def test_course_files_are_found() -> None:
    files = course_files()
    assert ROOT / "book" / "intro.md" in files
    assert len(files) > 1


@pytest.mark.parametrize("path", course_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_run_of_eight_words_from_the_source(path: Path, source_hashes: set[str]) -> None:
    runs = copied_runs(text_of(path), source_hashes)
    assert not runs, (f"{path.relative_to(ROOT)} repeats the source article word for word; "
                      f"say it in our own words: " + " | ".join(repr(r) for r in runs))
