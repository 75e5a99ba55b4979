"""Pack the built book as one zip a reader can download, unzip anywhere and open offline.

    .venv/bin/python tools/package_book.py          (run by `make book` after it builds)

The zip holds the whole site (``_build/html``) under one folder, ``managing-and-leading/``,
with ``START-HERE.html`` beside the pages: open it from disk and the course works (every chart
reads its data from scripts, see ``book/_ext/offline_book.py``). It is written into the site's
``downloads/`` folder, which the book links to, and leaves out that folder's own zip. The same
site gives the same bytes: files in a fixed order with a fixed time stamp.
"""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
DOWNLOADS = "downloads"
ZIP_NAME = "managing-and-leading-course.zip"
FOLDER = "managing-and-leading"
START = "START-HERE.html"
STAMP = (2025, 1, 1, 0, 0, 0)
"""Every entry's time: the zip's bytes depend on the site's files only."""
LEFT_OUT = {".buildinfo", ".doctrees", ".jupyter_cache"}

START_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=index.html">
<title>Managing and leading a sales team</title></head>
<body><p>The course opens in a moment. If it does not,
<a href="index.html">open the course here</a>.</p></body></html>
"""


def site_files(site: Path) -> list[Path]:
    """The site's files in a fixed order, without build leftovers or the zip itself."""
    own = site / DOWNLOADS / ZIP_NAME
    return sorted(f for f in site.rglob("*")
                  if f.is_file() and f != own and not LEFT_OUT & set(f.relative_to(site).parts))


def pack(site: Path) -> Path:
    """Write the zip into ``site/downloads``; return its path."""
    if not (site / "index.html").is_file():
        raise SystemExit(f"package_book: {site} has no index.html: run `make book` first")
    target = site / DOWNLOADS / ZIP_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        start = zipfile.ZipInfo(f"{FOLDER}/{START}", date_time=STAMP)
        start.external_attr = 0o644 << 16
        archive.writestr(start, START_PAGE, compress_type=zipfile.ZIP_DEFLATED)
        for path in site_files(site):
            entry = zipfile.ZipInfo(f"{FOLDER}/{path.relative_to(site).as_posix()}",
                                    date_time=STAMP)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    partial.replace(target)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE)
    args = parser.parse_args()
    target = pack(args.site)
    print(f"package_book: {target} ({target.stat().st_size / 1e6:.1f} MB): unzip it anywhere "
          f"and open {FOLDER}/{START}")


if __name__ == "__main__":
    main()
