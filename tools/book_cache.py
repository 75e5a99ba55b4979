"""Throw away the book's execution cache when the code or data behind its pages changed.

    .venv/bin/python tools/book_cache.py          (run by `make book` before it builds)

Jupyter Book re-runs a page only when the page's own code cells change, and Sphinx rewrites a
page only when its source changes. A change to ``src/teamsim`` (the model, the charts, the
published data), to the book's extensions in ``book/_ext`` or to the pinned requirements changes
what the pages show without changing any page, so the build would serve stale figures and stale
scripts. This script fingerprints those inputs and, when the fingerprint differs from the one of
the last build, deletes the execution cache and the doctrees, so every page runs and is written
again. The fingerprint is kept in ``_build/.inputs-fingerprint``.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ("src/teamsim", "book/_ext", "requirements.txt", "package-lock.json")
"""What the pages depend on besides their own source (paths from the repository's root)."""
CACHES = (".jupyter_cache", ".doctrees")
"""What goes stale, inside the build folder."""
STAMP = ".inputs-fingerprint"
SKIP = {"__pycache__", ".mypy_cache", ".ruff_cache"}


def input_files(root: Path, inputs: Iterable[str] = INPUTS) -> list[Path]:
    """The files the fingerprint covers, in a fixed order; a missing input is skipped."""
    files: list[Path] = []
    for name in inputs:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(f for f in path.rglob("*")
                         if f.is_file() and not SKIP & set(f.relative_to(root).parts))
    return sorted(files)


def fingerprint(root: Path, inputs: Iterable[str] = INPUTS) -> str:
    """SHA-256 over the covered files' paths and bytes."""
    digest = hashlib.sha256()
    for path in input_files(root, inputs):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def refresh(root: Path, build: Path, inputs: Iterable[str] = INPUTS) -> list[Path]:
    """Delete the stale caches under ``build`` if the inputs changed; return what was deleted."""
    now = fingerprint(root, inputs)
    stamp = build / STAMP
    if stamp.is_file() and stamp.read_text().strip() == now:
        return []
    removed = []
    for name in CACHES:
        cache = build / name
        if cache.exists():
            shutil.rmtree(cache)
            removed.append(cache)
    build.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now + "\n")
    return removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build")
    args = parser.parse_args()
    removed = refresh(ROOT, args.build)
    if removed:
        print("book_cache: the model, data, extensions or pins changed since the last build: "
              f"removed {', '.join(str(p.relative_to(args.build)) for p in removed)}, so every "
              "page runs again")


if __name__ == "__main__":
    main()
