"""Fingerprint the source article so tests can spot copied passages without holding its text.

The course must retell the article in its own words: a run of eight or more consecutive words
taken from it is a defect. This script normalises the article (lower case, curly quotes folded,
accents dropped, words = runs of letters, digits and apostrophes), takes every run of eight
consecutive words (a "shingle") and writes the SHA-1 of each, one per line, to
``tests/data/source_shingles.txt``. The article itself stays out of the repository;
``tests/test_source_overlap.py`` hashes the course's text the same way and compares.

Run it again when the source changes:

    .venv/bin/python tools/fingerprint_source.py            # ../shared/source/*.txt
    .venv/bin/python tools/fingerprint_source.py path/to/article.txt
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIR = ROOT.parent / "shared" / "source"
OUTPUT = ROOT / "tests" / "data" / "source_shingles.txt"
SHINGLE = 8

QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
                        "`": "'", "\u00b4": "'"})
WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """The text's words, normalised: 'It\u2019s Caf\u00e9-time!' -> ["it's", 'cafe', 'time']."""
    text = unicodedata.normalize("NFKD", text.translate(QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return [w for w in (m.strip("'") for m in WORD.findall(text)) if w]


def shingles(tokens: list[str], size: int = SHINGLE) -> Iterator[tuple[int, str]]:
    """(position, 'w1 w2 ... w8') for every run of ``size`` consecutive words."""
    for i in range(len(tokens) - size + 1):
        yield i, " ".join(tokens[i:i + size])


def digest(shingle: str) -> str:
    return hashlib.sha1(shingle.encode("utf-8")).hexdigest()


def fingerprints(texts: Iterable[str]) -> set[str]:
    """The hashes of every shingle of the given texts."""
    return {digest(s) for text in texts for _, s in shingles(words(text))}


def source_files(source_dir: Path = SOURCE_DIR) -> list[Path]:
    return sorted(source_dir.glob("*.txt"))


def render(hashes: set[str], names: list[str]) -> str:
    header = (f"# SHA-1 of every {SHINGLE}-word run of {', '.join(names)}, normalised by "
              f"tools/fingerprint_source.py.\n# Regenerate with that script; "
              f"{len(hashes)} hashes.\n")
    return header + "".join(f"{h}\n" for h in sorted(hashes))


def read_hashes(path: Path = OUTPUT) -> set[str]:
    lines = path.read_text("utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path,
                        help=f"article text files (default: {SOURCE_DIR}/*.txt)")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    sources = args.sources or source_files()
    if not sources:
        parser.error(f"no source given and no *.txt in {SOURCE_DIR}")
    hashes = fingerprints(p.read_text("utf-8") for p in sources)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(hashes, [p.name for p in sources]), "utf-8")
    print(f"{len(hashes)} shingle hashes of {len(sources)} file(s) written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
