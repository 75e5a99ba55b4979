"""Example policies: managers who change style with what they see.

A policy is any callable ``(week, state) -> Style``; ``state`` is a :class:`~teamsim.PolicyState`
holding only what a real manager can see. These are the examples the course discusses; the
capstone asks students to write their own.
"""

from __future__ import annotations

import numpy as np

from teamsim.api import PolicyState
from teamsim.core import Style

STEADY = Style(control=0.65, inspiration=0.65)
STORM = Style(control=0.3, inspiration=1.0)
REBUILD = Style(control=0.7, inspiration=0.6)


def best_run_rate(revenue: np.ndarray, window: int = 8) -> float:
    """The best average weekly revenue over any ``window`` consecutive weeks so far."""
    if len(revenue) < window:
        return float("nan")
    return float(np.convolve(revenue, np.ones(window) / window, mode="valid").max())


def navigator(week: int, state: PolicyState) -> Style:
    """Lead through a downturn, then manage the way back.

    - When industry reports show the market down, give purpose and room: little control, all
      the inspiration the week holds, so the team adapts instead of pushing a dead script.
    - When the market is back but revenue is still under 80% of its best run-rate, rebuild the
      pipeline with more structure.
    - Otherwise, a steady balance on the edge of the manager's week.
    """
    if state.market < 0.95:
        return STORM
    if len(state.revenue) >= 8 and state.recent("revenue", 3) < 0.8 * best_run_rate(
            state.revenue):
        return REBUILD
    return STEADY


def switch_at(week_k: int, before: Style, after: Style):
    """A policy that manages one way until week ``week_k``, then the other way from then on."""
    def policy(week: int, state: PolicyState) -> Style:
        return before if week < week_k else after
    policy.__name__ = f"switch_at_{week_k}"
    return policy
