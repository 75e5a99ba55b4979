"""Measurements on the model that the book, the workbook and the instructor tools share.

Each is defined here once: the settling time (:func:`weeks_to_63`), skill tiers, the style
grid of the maps with its runs and seed, and a policy's year on the capstone's scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

from teamsim.model import Policy, Result, Scenario, Style, simulate, sweep

SETTLE_TAIL = 8
"""Weeks at the end of a series averaged to give the level it settles at."""


def weeks_to_63(series: pd.Series, week: int) -> int:
    """Weeks from ``week`` until ``series`` has covered 63% of its move to where it settles.

    ``series`` is indexed by week (1-based, as :attr:`Result.weekly` is). The level before is
    the value in week ``week - 1``; where it settles is the mean of the last
    :data:`SETTLE_TAIL` weeks (one week alone is noisy). For a first-order system 63% is one
    time constant. Counts the week of the change as 1; if the series never gets there, the
    weeks left (``week`` to the end).
    """
    if week - 1 not in series.index:
        raise ValueError(f"week must be 2 or later and within the series (weeks "
                         f"{series.index.min()}-{series.index.max()}), got {week!r}")
    before = float(series.loc[week - 1])
    settled = float(series.iloc[-SETTLE_TAIL:].mean())
    target = before + 0.63 * (settled - before)
    after = series.loc[week:]
    reached = after[(after - target) * np.sign(settled - before) >= 0]
    return int(reached.index[0] - week + 1) if len(reached) else len(after)


TIERS = ("low", "middle", "high")
TIER_BOUNDS = (0.4, 0.6)
"""Skill below 0.4 is the low tier, below 0.6 the middle one, the rest high."""


def skill_tier(skill: np.ndarray) -> np.ndarray:
    """Name the tier (:data:`TIERS`) a skill level falls in."""
    return np.select([skill < TIER_BOUNDS[0], skill < TIER_BOUNDS[1]], list(TIERS[:2]),
                     TIERS[2])


GRID = tuple(round(x / 10, 1) for x in range(11))
"""Control and inspiration values of the style maps (steps of 0.1)."""
GRID_RUNS = 20
GRID_SEED = 0
"""Runs and seed behind every style map of the workbook and the debrief."""


@cache
def style_grid(scenario: Scenario) -> pd.DataFrame:
    """Year summaries over the 11 x 11 style square, :data:`GRID_RUNS` runs each (cached)."""
    return sweep(GRID, GRID, scenario, runs=GRID_RUNS, seed=GRID_SEED)


def snap(value: float) -> float:
    """The nearest point of :data:`GRID`."""
    return round(round(value * 10) / 10, 1)


CAPSTONE_RUNS = 30
CAPSTONE_SEED = 8
"""Runs and seed of every capstone comparison: the exercise checks, the grader, the debrief."""
UNSEEN = ("deep_shock", "new_team")
"""Scenarios a capstone policy was not written for."""
CAPSTONE_SCENARIOS = ("default", *UNSEEN)
"""The scenarios every capstone policy is compared on."""
YEAR_MEASURES = ("revenue", "attrition", "at_quota", "exhaustion")


def capstone_run(manager: Style | Policy, scenario: str) -> Result:
    """``manager`` on a named scenario with the capstone's runs and seed."""
    return simulate(manager, Scenario.named(scenario), runs=CAPSTONE_RUNS, seed=CAPSTONE_SEED)


def capstone_year(manager: Style | Policy, scenarios: Sequence[str] = CAPSTONE_SCENARIOS
                  ) -> tuple[list[dict[str, object]], pd.DataFrame]:
    """A manager's year on each capstone scenario: one row per scenario (revenue, attrition,
    share at quota, exhaustion, mean control and inspiration), and the style it chose week by
    week on the default scenario (mean over runs; columns week, control, inspiration)."""
    rows: list[dict[str, object]] = []
    weeks = pd.DataFrame(columns=["week", "control", "inspiration"])
    for scenario in scenarios:
        result = capstone_run(manager, scenario)
        summary = result.summary().iloc[0]
        levers = result.weekly.groupby("week")[["control", "inspiration"]].mean()
        rows.append({"scenario": scenario, **{m: float(summary[m]) for m in YEAR_MEASURES},
                     "control": float(levers["control"].mean()),
                     "inspiration": float(levers["inspiration"].mean())})
        if scenario == "default":
            weeks = levers.reset_index()
    return rows, weeks
