"""Sam's year: a decision game for the static book, with every path worked out in advance.

The learner manages Sam's team through the year in four decisions, one a quarter, each one of
five styles (:data:`CHOICES`). With five choices and four quarters there are 5^4 = 625 paths.
:func:`game_data` runs them all through teamsim at build time, on the same simulated teams
(:data:`SEED`, :data:`RUNS`), and the book ships the result as one small data script
(:func:`data_script`), so the page needs no kernel and works opened from disk.

The weeks of a quarter depend only on the choices made up to it, so the weekly records are
stored once per prefix of a path: 5 first quarters, 25 second quarters, 125 third and 625 fourth
(780 quarters in all), keyed by the digits of the choices (``"0"``, ``"03"``, ``"031"``,
``"0312"``). Each of the 625 full paths also gets its year's summary, for the end screen.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

import numpy as np

from teamsim.model.api import PolicyState, batch
from teamsim.model.core import ABSENTEE, CHEERLEADER, COACH, DRILLER, Scenario, Style
from teamsim.model.engine import QUARTER

SEED = 11
"""The one seed of the game: the data script and its tests both import it."""
RUNS = 40
"""Simulated years averaged for every path (the same 40 teams for all of them)."""
QUARTERS = 4
CHOICES: tuple[tuple[str, Style, str], ...] = (
    ("Driller", DRILLER, "targets, reviews and daily numbers, with little time for the people"),
    ("Coach", COACH, "a firm weekly rhythm plus coaching, recognition and a reason to care"),
    ("Cheerleader", CHEERLEADER, "purpose and praise, with almost no structure"),
    ("Absentee", ABSENTEE, "leave the team to run itself and catch up on email"),
    ("Crisis mode", Style(control=0.3, inspiration=1.0),
     "step back from the numbers and give purpose and room to find new business"),
)
"""The five choices at each decision point: name, style, and what it means for Sam's week."""
METRICS: tuple[tuple[str, int], ...] = (
    ("revenue", 1), ("engagement", 100), ("exhaustion", 100), ("quits", 100),
    ("headcount", 10),
)
"""Weekly team records shipped for every quarter, and the factor each is stored at (as whole
numbers: revenue in $k, engagement and exhaustion in hundredths, expected leavers in hundredths
of a person, reps in post in tenths)."""
SUMMARY: tuple[tuple[str, int], ...] = (
    ("revenue", 1), ("quits", 10), ("engagement", 100), ("exhaustion_end", 100),
)
"""Year summary of each full path (:meth:`teamsim.Result.summary` columns) and its factor."""


def scenario() -> Scenario:
    """Sam's year: the course's default team and market, with the shock in weeks 18-29."""
    return Scenario.default()


@dataclass(frozen=True)
class QuarterPlan:
    """A manager who picks a style for each quarter in advance: a policy and a calendar."""

    styles: tuple[Style, ...]

    def style_in(self, week: int) -> Style:
        return self.styles[min((week - 1) // QUARTER, len(self.styles) - 1)]

    def __call__(self, week: int, state: PolicyState) -> Style:
        return self.style_in(week)


def plan(path: str) -> QuarterPlan:
    """The plan for a path written as the digits of its choices, e.g. ``"0312"``."""
    if len(path) != QUARTERS or any(c not in "01234"[:len(CHOICES)] for c in path):
        raise ValueError(f"a path is {QUARTERS} digits from 0 to {len(CHOICES) - 1}, got "
                         f"{path!r}")
    return QuarterPlan(tuple(CHOICES[int(c)][1] for c in path))


def all_paths() -> list[str]:
    return ["".join(p) for p in itertools.product("01234"[:len(CHOICES)], repeat=QUARTERS)]


def _ints(values: np.ndarray, factor: int) -> list[int]:
    return [int(v) for v in np.rint(np.asarray(values) * factor)]


def game_data(chunk: int = 25) -> dict:
    """Every path of the game, run on the same teams; see the module's docstring."""
    sc = scenario()
    if sc.weeks != QUARTERS * QUARTER:
        raise ValueError(f"the game needs a {QUARTERS * QUARTER}-week year, got {sc.weeks}")
    paths = all_paths()
    weekly: dict[str, np.ndarray] = {}
    summaries: dict[str, dict[str, float]] = {}
    for lo in range(0, len(paths), chunk):
        group = paths[lo:lo + chunk]
        result = batch([plan(p) for p in group], sc, runs=RUNS, seed=SEED)
        table = result.summary()
        means = np.stack([result.weekly_mean(name) for name, _ in METRICS])  # (m, paths, weeks)
        for g, path in enumerate(group):
            weekly[path] = means[:, g, :]
            summaries[path] = {name: float(table[name].iloc[g]) for name, _ in SUMMARY}
    quarters: dict[str, list[list[int]]] = {}
    for path in paths:
        for q in range(1, QUARTERS + 1):
            prefix = path[:q]
            weeks = weekly[path][:, (q - 1) * QUARTER:q * QUARTER]
            if prefix in quarters:
                continue  # the same weeks as the first path with this prefix (checked in tests)
            quarters[prefix] = [_ints(row, factor) for row, (_, factor) in zip(weeks, METRICS)]
    market = batch([COACH], sc, runs=1, seed=SEED).weekly_mean("market")[0]
    return {
        "seed": SEED,
        "runs": RUNS,
        "weeks_per_quarter": QUARTER,
        "team_size": sc.team_size,
        "shock": {"start": sc.shock_start, "end": sc.shock_end, "depth": sc.shock_depth},
        "choices": [{"name": name, "control": s.control, "inspiration": s.inspiration,
                     "about": about} for name, s, about in CHOICES],
        "metrics": {name: factor for name, factor in METRICS},
        "summary_metrics": {name: factor for name, factor in SUMMARY},
        "market": _ints(market, 100),
        "quarters": quarters,
        "paths": {p: [round(summaries[p][name] * factor) for name, factor in SUMMARY]
                  for p in paths},
    }


DATA_NAME = "sams_year"
"""The data script's name in the site's data folder (``_data/sams_year.js``)."""


def data_script(data: dict | None = None) -> str:
    """The game's data as a script that sets ``window.TEAMSIM_DATA.sams_year``."""
    data = game_data() if data is None else data
    text = json.dumps(data, separators=(",", ":"), sort_keys=False)
    return (f"(window.TEAMSIM_DATA = window.TEAMSIM_DATA || {{}})[{json.dumps(DATA_NAME)}] = "
            f"{text};\n")


def parse_script(script: str) -> dict:
    """The data back out of :func:`data_script`'s text (for tests and checks)."""
    return json.loads(script[script.index("] = ") + 4:].rstrip().rstrip(";"))
