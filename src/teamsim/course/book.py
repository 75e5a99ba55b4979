"""Helpers for the book's pages: publish chart data beside the pages, format glued numbers.

A page calls :func:`publish` at build time; the file lands in ``_build/book-data/`` and the
book's Sphinx extension copies that folder to ``_data/`` in the built site, so several charts
(and pages) can read one file instead of each inlining its rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[3]
"""The course's checkout (``src/teamsim/course/book.py`` is three folders down); the book
and the instructor tools work from a checkout, not from an installed package."""
PUBLISHED = REPO / "_build" / "book-data"
"""Where pages write their chart data during the build."""
SITE_FOLDER = "_data"
"""Where the built site serves it, relative to the site's root."""


def publish(frame: pd.DataFrame, name: str, decimals: int = 4) -> str:
    """Write ``frame`` as ``name``.csv for the built book; return its URL from a chapter page.

    Chapters live one folder below the site's root (``book/``), hence the ``../``.
    """
    if not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"name must be letters, digits, '-' and '_' only, got {name!r}")
    PUBLISHED.mkdir(parents=True, exist_ok=True)
    frame.round(decimals).to_csv(PUBLISHED / f"{name}.csv", index=False, lineterminator="\n")
    return f"../{SITE_FOLDER}/{name}.csv"


def money(thousands: float) -> str:
    """$k as prose: 5,960 -> '$6.0 million', 612 -> '$612k'."""
    if abs(thousands) >= 1000:
        return f"${thousands / 1000:.1f} million"
    return f"${thousands:,.0f}k"


def percent(share: float, digits: int = 0) -> str:
    """A share as a percentage: 0.143 -> '14%'."""
    return f"{share * 100:.{digits}f}%"
