"""The self-assessment of Part 5: six statements, answered 1-5, place a manager on the map."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from teamsim.model import STYLES, Style

STATEMENTS = {
    "numbers_first": ("I look at the dashboard before I look at the people.", "control"),
    "inspect_pipeline": ("I review every rep's pipeline every week.", "control"),
    "tell_how": ("When a deal stalls, I tell the rep what to do next.", "control"),
    "explain_why": ("I explain why a target matters, not only what it is.", "inspiration"),
    "listen_more": ("In one-to-ones I listen more than I talk.", "inspiration"),
    "coach_questions": ("I coach with questions rather than answers.", "inspiration"),
}
"""A short self-assessment: statement and the lever it leans on; answers are 1 (never) to 5."""


def self_assessment(answers: Mapping[str, int]) -> Style:
    """Place a manager on the style map from answers (1-5) to :data:`STATEMENTS`."""
    if not isinstance(answers, Mapping):
        raise TypeError(f"answers must be a dict of statement -> 1..5, got "
                        f"{type(answers).__name__}")
    scores: dict[str, list[float]] = {"control": [], "inspiration": []}
    for key, (_, lever) in STATEMENTS.items():
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
                1 <= value <= 5):
            raise ValueError(f"answers[{key!r}] must be a whole number from 1 to 5, got {value!r}")
        scores[lever].append((value - 1) / 4)
    return Style(round(float(np.mean(scores["control"])), 2),
                 round(float(np.mean(scores["inspiration"])), 2))


def nearest_style(style: Style) -> str:
    """The name of the named style (:data:`~teamsim.STYLES`) nearest to ``style`` on the map."""
    return min(STYLES, key=lambda n: (STYLES[n].control - style.control) ** 2
               + (STYLES[n].inspiration - style.inspiration) ** 2)
