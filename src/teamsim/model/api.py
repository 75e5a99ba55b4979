"""Public entry points: :func:`simulate` one style or policy, :func:`sweep` a grid of styles."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from teamsim.model.core import Scenario, Style, check_int, check_unit
from teamsim.model.engine import (
    QUARTER,
    REP_METRICS,
    TEAM_METRICS,
    Draws,
    Levers,
    draws_for,
    initial_state,
    market_index,
    run,
)
from teamsim.model.params import DRIVERS, Params

SWEEP_CHUNK = 60_000
"""Rep-slots stepped together in a sweep: big enough to amortise numpy's per-call cost,
small enough to stay in cache."""


@dataclass(frozen=True)
class Seen:
    """What a manager can see at the start of ``week``: the team's record so far (the fields of
    :class:`PolicyState`, for one run, and of :class:`PolicyHistory`, for every run at once)."""

    week: int
    weeks: int
    team_size: int
    attainment: np.ndarray
    revenue: np.ndarray
    pipeline: np.ndarray
    engagement_pulse: np.ndarray
    market: float
    headcount: np.ndarray
    quits: np.ndarray


@dataclass(frozen=True)
class PolicyState(Seen):
    """What a manager can see at the start of ``week``: the team's record so far.

    History arrays are read-only, oldest first, one value per finished week (empty in week 1).

    Attributes
    ----------
    week
        The week about to be played (1-based).
    weeks
        The scenario's horizon.
    team_size
        Positions on the team.
    attainment
        Team attainment over the rolling quarter (1.0 = on quota), week by week.
    revenue
        Team revenue per week, $k.
    pipeline
        Open pipeline in the CRM at the end of each week, $k.
    engagement_pulse
        A pulse survey: mean engagement of the team, rounded to the nearest 0.05.
    market
        This week's demand index from industry reports (1.0 = a normal week), before anything
        the team does to find demand elsewhere.
    headcount
        Reps in post each week.
    quits
        Reps who left each week.
    """

    def recent(self, name: str, n: int = 4, default: float = 1.0) -> float:
        """Mean of the last ``n`` weeks of history ``name`` (``default`` before week 2)."""
        values = getattr(self, name)
        return float(values[-n:].mean()) if len(values) else default


@dataclass(frozen=True)
class PolicyHistory(Seen):
    """What the manager of every run can see at the start of ``week``, all runs at once.

    The fields of :class:`PolicyState`, one column per run: history arrays are read-only
    ``(weeks played, runs)`` arrays, oldest week first. A policy object with a
    ``decide_all(history)`` method is asked once a week for every run's style from this (see
    :func:`policy_levers`); :meth:`states` gives each run's :class:`PolicyState`.
    """

    @classmethod
    def of(cls, state: PolicyState) -> PolicyHistory:
        """One run's :class:`PolicyState` as a history of one run (each array a column)."""
        columns: dict[str, Any] = {
            f.name: np.asarray(getattr(state, f.name), dtype=float).reshape(-1, 1)
            if f.name not in ("week", "weeks", "team_size", "market") else getattr(state, f.name)
            for f in fields(Seen)}
        return cls(**columns)

    @property
    def runs(self) -> int:
        return int(self.revenue.shape[1])

    def states(self) -> list[PolicyState]:
        """Each run's :class:`PolicyState`, in order (its column of every history)."""
        shared = {f.name: getattr(self, f.name) for f in fields(Seen)}

        def run(i: int) -> PolicyState:
            own: dict[str, Any] = {name: value[:, i] if isinstance(value, np.ndarray) else value
                                   for name, value in shared.items()}
            return PolicyState(**own)
        return [run(i) for i in range(self.runs)]


Policy = Callable[[int, PolicyState], Style]
"""A manager who decides week by week from what can be seen: ``(week, state) -> Style``."""


@runtime_checkable
class Calendar(Protocol):
    """A manager who changes style by the calendar only (e.g. :class:`~teamsim.Switch`).

    It is a policy too, but one that ignores ``state``, so :func:`batch` can run it beside
    fixed styles in one vectorised pass.
    """

    def style_in(self, week: int) -> Style:
        """The style used in ``week`` (1-based)."""
        ...

    def __call__(self, week: int, state: PolicyState) -> Style: ...


def checked_scenario(scenario: object) -> Scenario:
    """``scenario``, or the default one for None; a clear error for anything else."""
    if scenario is None:
        return Scenario.default()
    if not isinstance(scenario, Scenario):
        raise TypeError(f"scenario must be a teamsim.Scenario, got {scenario!r}")
    return scenario


def check_runs_seed(runs: object, seed: object) -> None:
    if isinstance(runs, np.integer):
        runs = int(runs)
    check_int("runs", runs, 1, 10**9)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"seed must be a whole number >= 0, got {seed!r}")


def check_memory(scenario: Scenario, runs: int, teams: int, record_reps: bool) -> None:
    """Refuse a call whose arrays would pass :attr:`Params.MEMORY_BUDGET`, with the estimate."""
    size, weeks = scenario.team_size, scenario.weeks
    need = Draws.bytes_needed(runs, size, weeks) + 8 * weeks * teams * len(TEAM_METRICS)
    need += 8 * teams * size * (2 * QUARTER + 25)  # the state and one week's temporaries
    if record_reps:
        need += 8 * weeks * teams * size * len(REP_METRICS)
    if need > Params.MEMORY_BUDGET:
        raise ValueError(
            f"runs={runs} with {size} reps over {weeks} weeks would need about "
            f"{need / 1e9:.1f} GB, more than the {Params.MEMORY_BUDGET / 1e9:.1f} GB budget: "
            f"ask for fewer runs (the standard error falls only with the square root of runs)")


LeverArrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def lever_arrays(styles: Sequence[Style], runs: int) -> LeverArrays:
    """Control, inspiration and tailoring of each style, repeated for its ``runs`` teams."""
    def column(name: str) -> np.ndarray:
        values = np.array([getattr(s, name) for s in styles], dtype=float)
        return (values if runs == 1 else np.repeat(values, runs))[:, None]
    return column("control"), column("inspiration"), column("tailoring")


def constant_levers(styles: Sequence[Style], runs: int) -> Levers:
    """Lever arrays for fixed styles, each repeated for its ``runs`` teams."""
    levers = lever_arrays(styles, runs)
    return lambda t, history: levers


def calendar_levers(managers: Sequence[Style | Calendar], runs: int) -> Levers:
    """Lever arrays for fixed styles and calendars; the same arrays while nobody changes."""
    chosen: dict[tuple[Style, ...], LeverArrays] = {}

    def levers(t: int, history: dict[str, np.ndarray]) -> LeverArrays:
        styles = tuple(m if isinstance(m, Style) else m.style_in(t + 1) for m in managers)
        if styles not in chosen:
            chosen[styles] = lever_arrays(styles, runs)
        return chosen[styles]
    return levers


def policy_levers(policy: Policy, scenario: Scenario, runs: int) -> Levers:
    """Ask the policy, run by run, what to do this week, from what a manager can see.

    A policy object with a ``decide_all(history)`` method is asked once a week for every run's
    style at once, from a :class:`PolicyHistory` (rules do this, :mod:`teamsim.model.rules`);
    one with a ``decide_runs(week, states)`` method is asked once a week with every run's
    :class:`PolicyState` (the grader's stand-in for a policy that runs in another process); any
    other policy is called once per run and week. A week whose styles are the same as last
    week's hands back last week's arrays, so the step does not work out their effects again.

    The levers serve one :func:`~teamsim.model.engine.run`: they keep views of the first
    records they are handed and round the engagement pulse week by week as it is played, so a
    new run needs new levers.
    """
    market = market_index(scenario)
    decide_all = getattr(policy, "decide_all", None)
    decide_runs = getattr(policy, "decide_runs", None)
    # The records as read-only views (they are written week by week in place, so a view shows
    # every finished week), and the engagement pulse, rounded once per week as it is played.
    seen: dict[str, np.ndarray] = {}
    pulse = np.zeros((scenario.weeks, runs))
    last: list[LeverArrays] = []

    def history_at(records: dict[str, np.ndarray], t: int) -> PolicyHistory:
        if not seen:
            for name, values in [*((n, records[n]) for n in HISTORY_SEEN),
                                 ("engagement_pulse", pulse)]:
                seen[name] = values.view()
                seen[name].flags.writeable = False
        if t:
            pulse[t - 1] = np.round(records["engagement"][t - 1] * 20) / 20
        return PolicyHistory(week=t + 1, weeks=scenario.weeks, team_size=scenario.team_size,
                             market=float(market[t]),
                             **{name: values[:t] for name, values in seen.items()})

    def levers(t: int, records: dict[str, np.ndarray]) -> LeverArrays:
        history = history_at(records, t)
        if callable(decide_all):
            chosen = checked_styles(lambda: decide_all(history), t, runs)
        elif callable(decide_runs):
            states = history.states()
            chosen = checked_styles(lambda: decide_runs(t + 1, states), t, runs)
        else:
            styles = []
            for state in history.states():
                try:
                    style = policy(t + 1, state)
                except Exception as exc:
                    raise failed(exc, t + 1) from exc
                if not isinstance(style, Style):
                    raise TypeError(f"policy must return a teamsim.Style, got {style!r} of type "
                                    f"{type(style).__name__} in week {t + 1}")
                styles.append(style)
            chosen = lever_arrays(styles, 1)
        if last and all(np.array_equal(a, b) for a, b in zip(chosen, last[0])):
            return last[0]
        last[:] = [chosen]
        return chosen
    return levers


HISTORY_SEEN = ("attainment", "revenue", "pipeline", "headcount", "quits")
"""The team records a policy sees as they are (the engagement pulse is rounded first)."""
POLICY_READS = (*HISTORY_SEEN, "engagement")
"""Every team record a policy's history is made from, kept up to date week by week."""


def failed(exc: Exception, week: int) -> ValueError:
    return ValueError(f"policy raised {type(exc).__name__} in week {week}: {exc}. "
                      f"A policy must return a teamsim.Style for every week")


def checked_styles(decide: Callable[[], Sequence[object]], t: int, runs: int) -> LeverArrays:
    """Lever arrays from a policy's styles for all ``runs`` runs of week ``t + 1`` (see
    :func:`policy_levers`), with a clear error for anything that is not one style per run."""
    try:
        styles = list(decide())
    except Exception as exc:
        raise failed(exc, t + 1) from exc
    if len(styles) != runs:
        raise ValueError(f"policy gave {len(styles)} styles for {runs} runs in week {t + 1}")
    for style in styles:
        if not isinstance(style, Style):
            raise TypeError(f"policy must return a teamsim.Style, got {style!r} of type "
                            f"{type(style).__name__} in week {t + 1}")
    return lever_arrays(styles, 1)  # type: ignore[arg-type]


def summarise(team: dict, scenario: Scenario) -> dict[str, np.ndarray]:
    """Per-team summary over the horizon from ``(weeks, teams)`` records."""
    revenue = team["revenue"]
    mean_revenue = revenue.mean(0)
    safe = np.where(mean_revenue > 0, mean_revenue, np.nan)
    swings = np.abs(np.diff(revenue, axis=0)).mean(0) if len(revenue) > 1 else 0 * mean_revenue
    judged = slice(QUARTER - 1, None) if len(revenue) >= QUARTER else slice(None)
    return {
        "revenue": revenue.sum(0),
        "deals_won": team["deals_won"].sum(0),
        "activities": team["activities"].sum(0),
        "quits": team["quits"].sum(0),
        "attrition": team["quits"].sum(0) / scenario.team_size * 52 / scenario.weeks,
        "headcount": team["headcount"].mean(0),
        "engagement": team["engagement"].mean(0),
        "exhaustion": team["exhaustion"].mean(0),
        "exhaustion_end": team["exhaustion"][-1],
        "trust_end": team["trust"][-1],
        "skill_end": team["skill"][-1],
        "focus": team["focus"].mean(0),
        "attainment": team["attainment"][judged].mean(0),
        "at_quota": team["at_quota"][judged].mean(0),
        "volatility": swings / safe,
        "forecast_error": np.abs(team["forecast"] - revenue).mean(0) / safe,
    }


SUMMARY_UNITS = {
    "revenue": "total revenue over the horizon, $k",
    "revenue_se": "standard error of revenue over runs, $k",
    "deals_won": "deals won over the horizon",
    "activities": "activities logged over the horizon",
    "quits": "reps who left over the horizon",
    "attrition": "leavers per position, annualised (0.14 = 14% a year)",
    "headcount": "mean reps in post",
    "engagement": "mean engagement over the weeks, 0-1",
    "exhaustion": "mean exhaustion over the weeks, 0-1",
    "exhaustion_end": "exhaustion in the last week, 0-1",
    "trust_end": "trust in the last week, 0-1",
    "skill_end": "skill in the last week, 0-1",
    "focus": "mean share of activity on the right deals, 0-1",
    "attainment": "mean rolling-quarter attainment from week 13 on (1 = on quota)",
    "at_quota": "mean share of reps at or above quota over the rolling quarter, from week 13 on",
    "volatility": "mean week-to-week change in revenue / mean weekly revenue",
    "forecast_error": "mean |CRM forecast - revenue| / mean weekly revenue",
}


def summary_frame(per_team: dict[str, np.ndarray], groups: int, runs: int) -> pd.DataFrame:
    """Average per-team summaries over runs, for ``groups`` consecutive blocks of ``runs``."""
    out = {}
    for name, values in per_team.items():
        block = values.reshape(groups, runs)
        out[name] = np.nanmean(block, 1) if np.isnan(block).any() else block.mean(1)
        if name == "revenue":
            spread = block.std(1, ddof=1) if runs > 1 else np.zeros(groups)
            out["revenue_se"] = spread / math.sqrt(runs)
    return pd.DataFrame(out)


class Result:
    """The outcome of :func:`simulate`: weekly team records, rep records and a summary."""

    def __init__(self, style: Style | Policy, scenario: Scenario, runs: int, seed: int, team: dict,
                 reps: dict, drivers: np.ndarray) -> None:
        self.style = style
        self.scenario = scenario
        self.runs = runs
        self.seed = seed
        self._team = team
        self._reps = reps
        self._drivers = drivers

    def __repr__(self) -> str:
        return (f"Result(style={self.style!r}, runs={self.runs}, seed={self.seed}, "
                f"weeks={self.scenario.weeks}, team_size={self.scenario.team_size})")

    @cached_property
    def weekly(self) -> pd.DataFrame:
        """One row per (run, week): team totals and means over active reps (see data/README)."""
        weeks, runs = self._team["revenue"].shape
        frame = pd.DataFrame({
            "run": np.tile(np.arange(runs), weeks),
            "week": np.repeat(np.arange(1, weeks + 1), runs),
        })
        for name in TEAM_METRICS:
            frame[name] = self._team[name].ravel()
        for name in ("deals_won", "headcount", "quits"):
            frame[name] = frame[name].astype(int)
        return frame.sort_values(["run", "week"], kind="stable").reset_index(drop=True)

    @cached_property
    def reps(self) -> pd.DataFrame:
        """One row per (run, week, rep): the same measures per rep, with its driver."""
        if not self._reps and isinstance(self.style, Style):
            self._reps = rep_records(self.style, self.scenario, self.runs, int(self.seed))
        weeks, runs, size = self._reps["revenue"].shape
        frame = pd.DataFrame({
            "run": np.tile(np.repeat(np.arange(runs), size), weeks),
            "week": np.repeat(np.arange(1, weeks + 1), runs * size),
            "rep": np.tile(np.arange(size), weeks * runs),
            "driver": pd.Categorical.from_codes(np.tile(self._drivers.ravel(), weeks),
                                                categories=list(DRIVERS)),
        })
        for name, values in self._reps.items():
            frame[name] = values.ravel()
        frame["deals_won"] = frame["deals_won"].astype(int)
        for name in ("active", "quit", "at_quota"):
            frame[name] = frame[name].astype(bool)
        return frame.sort_values(["run", "week", "rep"], kind="stable").reset_index(drop=True)

    def weekly_means(self, metrics: Sequence[str]) -> pd.DataFrame:
        """Columns ``week`` and ``metrics``: each team metric's mean over the runs, week by week.

        The same numbers as ``weekly.groupby("week", as_index=False)[metrics].mean()`` (the same
        rows, summed in the same order), without building :attr:`weekly` (a dashboard asks for
        this on every slider move)."""
        unknown = [m for m in metrics if m not in TEAM_METRICS]
        if unknown:
            raise ValueError(f"unknown team metric {unknown[0]!r}: choose from {TEAM_METRICS}")
        weeks, runs = self._team["revenue"].shape
        frame = pd.DataFrame({"week": np.tile(np.arange(1, weeks + 1), runs),
                              **{m: self._team[m].T.ravel() for m in metrics}})
        return frame.groupby("week", as_index=False)[list(metrics)].mean()

    def by_run(self) -> pd.DataFrame:
        """One row per run: totals and rates over the horizon."""
        frame = pd.DataFrame(summarise(self._team, self.scenario))
        frame.insert(0, "run", np.arange(self.runs))
        return frame

    def summary(self) -> pd.DataFrame:
        """One row: totals and rates over the horizon, means over runs (units: SUMMARY_UNITS)."""
        return summary_frame(summarise(self._team, self.scenario), 1, self.runs)


def simulate(style: Style | Policy, scenario: Scenario | None = None, runs: int = 100,
             seed: int = 0) -> Result:
    """Simulate ``runs`` independent years of one team under one manager.

    Parameters
    ----------
    style
        A :class:`Style`, or a policy: a callable ``(week, state) -> Style`` that sees a
        :class:`PolicyState` each week.
    scenario
        The team and market; :meth:`Scenario.default` if omitted.
    runs
        Independent Monte-Carlo runs (at least 1; a call beyond the memory budget,
        :attr:`Params.MEMORY_BUDGET`, is refused with the estimate).
    seed
        Seed of the random streams: same inputs and seed give identical results, and run
        ``r`` has the same stream whatever the style, policy or number of runs.
    """
    scenario = checked_scenario(scenario)
    check_runs_seed(runs, seed)
    fixed = isinstance(style, Style)
    if isinstance(style, Style):
        levers = constant_levers([style], runs)
    elif callable(style):
        levers = policy_levers(style, scenario, runs)
    else:
        raise TypeError(f"style must be a teamsim.Style or a policy (week, state) -> Style, "
                        f"got {style!r} of type {type(style).__name__}")
    # A policy's rep records are kept as it runs (a policy may keep state of its own, so it is
    # never run twice); a fixed style's are made only if asked for (Result.reps runs it again on
    # the same random streams, which gives the same year).
    check_memory(scenario, runs, runs, record_reps=not fixed)
    draws = draws_for(runs, scenario.team_size, scenario.weeks, int(seed))
    state = initial_state(scenario, draws)
    drivers = state.driver.copy()
    # A policy reads only some team records as the weeks go by; the rest are made at the end.
    team, reps = run(scenario, state, levers, draws, record_reps=not fixed,
                     live_history=True if fixed else POLICY_READS)
    return Result(style, scenario, runs, seed, team, reps, drivers)


def rep_records(style: Style, scenario: Scenario, runs: int, seed: int) -> dict:
    """The rep records of a fixed style's runs (the same runs :func:`simulate` made)."""
    check_memory(scenario, runs, runs, record_reps=True)
    draws = draws_for(runs, scenario.team_size, scenario.weeks, int(seed))
    _, reps = run(scenario, initial_state(scenario, draws), constant_levers([style], runs),
                  draws, record_reps=True, live_history=False)
    return reps


def sweep(controls: Sequence[float] | np.ndarray, inspirations: Sequence[float] | np.ndarray,
          scenario: Scenario | None = None, runs: int = 100, seed: int = 0,
          tailoring: float = 0.5, weekly: bool = False) -> pd.DataFrame:
    """Simulate every (control, inspiration) pair; return one row per style.

    All styles start from the same ``runs`` teams (common random starts), so differences between
    styles are not differences between teams. Columns: ``control``, ``inspiration``, then the
    columns of :meth:`Result.summary`. With ``weekly=True``, one row per style and week instead,
    with the columns of :attr:`Result.weekly` averaged over runs.
    """
    scenario = checked_scenario(scenario)
    check_runs_seed(runs, seed)
    grid = []
    for name, values in (("controls", controls), ("inspirations", inspirations)):
        if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise TypeError(f"{name} must be a sequence of numbers in [0, 1], got {values!r}")
        values = [check_unit(f"{name}[{i}]", v) for i, v in enumerate(values)]
        if not values:
            raise ValueError(f"{name} must hold at least one value, got an empty sequence")
        grid.append(values)
    check_unit("tailoring", tailoring)
    styles = [Style(c, i, tailoring) for c in grid[0] for i in grid[1]]
    per_chunk = max(1, SWEEP_CHUNK // (runs * scenario.team_size))
    check_memory(scenario, runs, min(len(styles), per_chunk) * runs, record_reps=False)
    draws = draws_for(runs, scenario.team_size, scenario.weeks, int(seed))
    start = initial_state(scenario, draws)
    frames = []
    for lo in range(0, len(styles), per_chunk):
        chunk = styles[lo:lo + per_chunk]
        team, _ = run(scenario, start.tile(len(chunk)), constant_levers(chunk, runs), draws)
        if weekly:
            frames.append(group_weekly_means(team, len(chunk), runs))
        else:
            frames.append(summary_frame(summarise(team, scenario), len(chunk), runs))
    out = pd.concat(frames, ignore_index=True)
    repeat = scenario.weeks if weekly else 1
    out.insert(0, "inspiration", np.repeat([s.inspiration for s in styles], repeat))
    out.insert(0, "control", np.repeat([s.control for s in styles], repeat))
    return out


@dataclass(frozen=True)
class Batch:
    """Several managers run on the same starting teams in one pass (see :func:`batch`).

    Teams are in blocks of ``runs``, one block per manager, in the order given: block ``g`` is
    ``slice(g * runs, (g + 1) * runs)`` (:meth:`block`).

    Attributes
    ----------
    team
        Team records, ``(weeks, managers * runs)`` arrays named by ``TEAM_METRICS``.
    reps
        Rep records, ``(weeks, managers * runs, team_size)`` arrays (empty unless asked for).
    drivers
        Each rep's starting driver, an index into :data:`~teamsim.DRIVERS`,
        ``(managers * runs, team_size)``. Replacements in a seat may have other drivers.
    start_skill
        Each rep's skill in week 1, ``(managers * runs, team_size)``.
    """

    managers: tuple[Style | Calendar, ...]
    scenario: Scenario
    runs: int
    seed: int
    team: dict[str, np.ndarray]
    reps: dict[str, np.ndarray]
    drivers: np.ndarray
    start_skill: np.ndarray

    def block(self, g: int) -> slice:
        """The teams of manager ``g``."""
        return slice(g * self.runs, (g + 1) * self.runs)

    def weekly_mean(self, metric: str) -> np.ndarray:
        """``(managers, weeks)``: a team metric averaged over each manager's runs."""
        values = self.team[metric]
        return values.reshape(values.shape[0], len(self.managers), self.runs).mean(2).T

    def summary(self) -> pd.DataFrame:
        """One row per manager, in order: what :meth:`Result.summary` gives for one."""
        return summary_frame(summarise(self.team, self.scenario), len(self.managers), self.runs)


def batch(managers: Sequence[Style | Calendar], scenario: Scenario | None = None,
          runs: int = 30, seed: int = 0, reps: bool = False) -> Batch:
    """Run several managers on the same ``runs`` starting teams, in one vectorised pass.

    Each manager is a fixed :class:`Style` or a :class:`Calendar` (a style by week, such as
    :class:`~teamsim.Switch`). For fixed styles this is :func:`sweep` in one chunk: the same
    starting teams and the same draws. With ``reps=True`` the rep records are kept too.
    """
    scenario = checked_scenario(scenario)
    check_runs_seed(runs, seed)
    managers = tuple(managers)
    if not managers:
        raise ValueError("managers must hold at least one Style or Calendar, got none")
    for i, m in enumerate(managers):
        if not isinstance(m, (Style, Calendar)):
            raise TypeError(f"managers[{i}] must be a teamsim.Style or a calendar with "
                            f"style_in(week), got {m!r} of type {type(m).__name__}")
    check_memory(scenario, runs, len(managers) * runs, record_reps=True)
    draws = draws_for(runs, scenario.team_size, scenario.weeks, int(seed))
    start = initial_state(scenario, draws).tile(len(managers))
    drivers, start_skill = start.driver.copy(), start.skill.copy()
    # Calendars never read the history, so the team records are totalled once at the end.
    team, rep = run(scenario, start, calendar_levers(managers, runs), draws, record_reps=True,
                    live_history=False)
    return Batch(managers, scenario, runs, seed, team, rep if reps else {}, drivers, start_skill)


def group_weekly_means(team: dict, groups: int, runs: int) -> pd.DataFrame:
    """Average ``(weeks, groups * runs)`` team records over runs: a row per group and week."""
    weeks = team["revenue"].shape[0]
    out = {"week": np.tile(np.arange(1, weeks + 1), groups)}
    for name in TEAM_METRICS:
        if name in ("control", "inspiration"):
            continue
        out[name] = team[name].reshape(weeks, groups, runs).mean(2).T.ravel()
    return pd.DataFrame(out)
