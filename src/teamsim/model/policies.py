"""Example policies: managers who change style with what they see.

A policy is any callable ``(week, state) -> Style``; ``state`` is a :class:`~teamsim.PolicyState`
holding only what a real manager can see. These are the examples the course discusses; the
capstone asks students to write their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from teamsim.model.api import PolicyState, simulate
from teamsim.model.core import Scenario, Style

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

    - When industry reports show the market down, give purpose and room: little control and
      full inspiration, so the team can look for new demand instead of pushing a dead script.
    - When the market is back but revenue is still under 80% of its best run-rate, rebuild the
      pipeline with more structure.
    - Otherwise, a steady balance of the two.

    How it fares against fixed styles is measured, not assumed: lesson L10 in the model
    appendix.
    """
    if state.market < 0.95:
        return STORM
    if len(state.revenue) >= 8 and state.recent("revenue", 3) < 0.8 * best_run_rate(
            state.revenue):
        return REBUILD
    return STEADY


@dataclass(frozen=True)
class Switch:
    """A manager who manages one way until week ``week``, then the other way from then on.

    A policy (``switch(week, state)``) and a calendar (``switch.style_in(week)``) at once, so
    it runs in :func:`~teamsim.simulate` and, beside fixed styles, in :func:`~teamsim.batch`.
    """

    week: int
    before: Style
    after: Style

    def style_in(self, week: int) -> Style:
        return self.before if week < self.week else self.after

    def __call__(self, week: int, state: PolicyState) -> Style:
        return self.style_in(week)

    @property
    def __name__(self) -> str:
        return f"switch_at_{self.week}"


def switch_at(week_k: int, before: Style, after: Style) -> Switch:
    """A policy that manages one way until week ``week_k``, then the other way from then on."""
    return Switch(week_k, before, after)


POLICY_SEED = 0
"""The seed of the one-run trial in :func:`policy_problem`."""


def policy_problem(policy: object, scenario: Scenario | None = None) -> str | None:
    """Why ``policy`` cannot be run (in words), or None if it returns a Style every week."""
    if policy is ... or policy is None:
        return "your policy is not written yet"
    if isinstance(policy, Style):
        return None
    if not callable(policy):
        return f"a policy must be a function (week, state) -> Style, not a {type(policy).__name__}"
    try:
        simulate(policy, scenario or Scenario.default(), runs=1, seed=POLICY_SEED)
    except (TypeError, ValueError) as exc:
        if "got None" in str(exc):
            return "your policy is not written yet (it returns None, not a Style)"
        return str(exc)
    return None
