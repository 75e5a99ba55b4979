"""Where the browser is: the one Chromium every browser test, benchmark and the PDF use.

Playwright drives a Chromium that is already on the machine; it never downloads one. The order:
the binary ``TEAMSIM_CHROMIUM`` names (an error if it names nothing runnable), then the usual
names on ``PATH`` (Debian's ``chromium``, ``chromium-browser``, Google Chrome), then the usual
macOS application folders. :func:`main` (what ``make chromium`` runs) prints the one found, or
says how to get one and exits with status 1.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ENV = "TEAMSIM_CHROMIUM"
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
MACOS = (
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]
"""Headless, and quiet: no background requests to Google's servers."""
HOW_TO_GET_ONE = (
    "Install Chromium (Debian or Ubuntu: `sudo make chromium`, or `sudo apt-get install chromium "
    "poppler-utils`; macOS: `brew install --cask chromium` and `brew install poppler`), or set "
    f"{ENV} to the path of a Chromium or Chrome binary.")


def find_chromium() -> str | None:
    """The path of the browser to drive, or None when there is none."""
    named = os.environ.get(ENV, "").strip()
    if named:
        path = Path(named).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise FileNotFoundError(f"{ENV}={named!r} is not a runnable file; "
                                    f"point it at a Chromium or Chrome binary")
        return str(path)
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in MACOS if os.access(p, os.X_OK)), None)


def main() -> None:
    try:
        found = find_chromium()
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    if found is None:
        print(f"No Chromium found. {HOW_TO_GET_ONE}", file=sys.stderr)
        sys.exit(1)
    print(found)


if __name__ == "__main__":
    main()
