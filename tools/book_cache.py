"""Throw away the book's execution cache when the code or data behind its pages changed.

    .venv/bin/python tools/book_cache.py          (run by `make book` before it builds)

Jupyter Book re-runs a page only when the page's own code cells change, and Sphinx rewrites a
page only when its source changes. A change to ``src/teamsim`` (the model, the charts, the
published data), to the book's extensions in ``book/_ext`` or to the pinned requirements changes
what the pages show without changing any page, so the build would serve stale figures and stale
scripts. This script fingerprints those inputs and, when the fingerprint differs from the one of
the last build, deletes the execution cache and the doctrees, so every page runs and is written
again. A change to the book's stylesheets, scripts and templates alone (``PAGE_ONLY``) deletes
the doctrees only: every page is written again, none is run again. The fingerprints are kept in
``_build/.inputs-fingerprint`` and ``_build/.pages-fingerprint``.
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
PAGE_ONLY = ("book/_ext/static", "book/_ext/templates")
"""Inputs that change how pages look, not what their code computes: a change to them rewrites
every page (the doctrees go) but runs no page again (the execution cache stays)."""
CACHES = (".jupyter_cache", ".doctrees")
"""What goes stale, inside the build folder."""
STAMP = ".inputs-fingerprint"
PAGE_STAMP = ".pages-fingerprint"
SKIP = {"__pycache__", ".mypy_cache", ".ruff_cache"}


def input_files(root: Path, inputs: Iterable[str] = INPUTS,
                leave_out: Iterable[str] = ()) -> list[Path]:
    """The files the fingerprint covers, in a fixed order; a missing input is skipped, and so
    is anything under ``leave_out``."""
    files: list[Path] = []
    left = [root / name for name in leave_out]
    for name in inputs:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(f for f in path.rglob("*")
                         if f.is_file() and not SKIP & set(f.relative_to(root).parts)
                         and not any(f.is_relative_to(p) for p in left))
    return sorted(files)


def fingerprint(root: Path, inputs: Iterable[str] = INPUTS,
                leave_out: Iterable[str] = ()) -> str:
    """SHA-256 over the covered files' paths and bytes."""
    digest = hashlib.sha256()
    for path in input_files(root, inputs, leave_out):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def refresh(root: Path, build: Path, inputs: Iterable[str] = INPUTS,
            page_only: Iterable[str] = PAGE_ONLY) -> list[Path]:
    """Delete the stale caches under ``build`` if the inputs changed; return what was deleted.

    A change to the code (``inputs`` less ``page_only``) drops both caches; a change to
    ``page_only`` alone drops the doctrees only.
    """
    page_only = tuple(page_only)
    stale: list[str] = []
    for stamp_name, now, caches in (
            (STAMP, fingerprint(root, inputs, page_only), CACHES),
            (PAGE_STAMP, fingerprint(root, page_only), (".doctrees",))):
        stamp = build / stamp_name
        if not (stamp.is_file() and stamp.read_text().strip() == now):
            stale.extend(c for c in caches if c not in stale)
            build.mkdir(parents=True, exist_ok=True)
            stamp.write_text(now + "\n")
    removed = []
    for name in stale:
        cache = build / name
        if cache.exists():
            shutil.rmtree(cache)
            removed.append(cache)
    return removed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build")
    args = parser.parse_args()
    removed = refresh(ROOT, args.build)
    if removed:
        print("book_cache: the model, data, extensions, styles or pins changed since the last "
              f"build: removed {', '.join(str(p.relative_to(args.build)) for p in removed)}, so "
              "every page is written (and, without the execution cache, run) again")


if __name__ == "__main__":
    main()
