"""The course's headline lessons L1-L11 (DESIGN.md section 4), each measured by one function.

Each function runs the model and returns a :class:`Lesson`: the claim in one sentence, whether
it holds, the single number the verdict is judged on and a line of measured figures. The
claims are stated as the design states them and tested as stated; nothing here is tuned to make
a lesson pass. :mod:`teamsim.analysis.robustness` repeats them over variants of the parameters.

How verdicts are judged
    Styles are compared on common random numbers: every style in a comparison is run with the
    same seed and the same number of runs, so run ``r`` of each starts from the same team (and,
    in the v2 engine, draws the same random stream). Differences are taken run by run, and
    their standard error (SE) over runs is the noise a verdict must beat. A condition "A > B"
    needs the paired difference to exceed 2 SE (:data:`MARGIN_SE`); a condition "A matches or
    beats B" ("A >= B within noise") needs it to be above -2 SE. Ratios use the delta method
    (the run-by-run linearisation of a ratio of means).

    Unless a docstring says otherwise, ``value`` is the margin of the weakest condition in
    standard errors beyond its bar (``z - 2`` for "greater", ``z + 2`` for "within noise"), so
    **every lesson holds exactly when** ``value > 0``.

``python -m teamsim.analysis.lessons`` prints them all with the time they took.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from teamsim.model import (
    CHEERLEADER,
    COACH,
    DRILLER,
    THREE,
    Batch,
    Params,
    Result,
    Scenario,
    Style,
    Switch,
    batch,
    navigator,
    simulate,
    sweep,
    switch_at,
)

SEED = 2026
"""Default seed of every lesson (the book's figures)."""
MARGIN_SE = 2.0
"""A difference counts when it is beyond this many (paired) standard errors."""
MIN_RUNS = 4
"""Fewest runs a lesson is measured on (a standard error needs a few)."""

RUNS_THREE = 80
"""Runs behind L1-L6: the Driller, the Coach and the Cheerleader in the default (shock) year and
its calm twin, shared by the six lessons (one run of the three styles serves them all)."""
RUNS_SWITCH = 80
"""Runs behind L7 (four managers in one vectorised batch)."""
RUNS_SKILL = 40
"""Runs behind L8 (rep records of four teams; the 78-week switch runs as a policy). The
coached and uncoached skill gains differ by tens of SE at 40 runs."""
RUNS_CONTEXT = 40
"""Runs behind L9 (11 controls for a team of 6 and one of 40)."""
RUNS_ADAPTIVE = 20
"""Runs behind L10: the 11 x 11 square (a sweep), the best fixed style and the Navigator (a
Python call per run and week)."""
RUNS_CONTROL = 80
"""Runs behind L11 (11 controls in one batch)."""

PERIODS = ((1, 8), (9, 17), (18, 26), (27, 52))
"""Periods of the year in L1: before the shock, its first and second half, the rest."""
GRID = tuple(round(x / 10, 1) for x in range(11))
"""Control and inspiration values of the grids in L9-L11 (steps of 0.1)."""
STEP = 0.1
BOOTSTRAP = 200
"""Resamples of the runs behind the bootstrap standard error of a best style's position."""


CLAIMS: dict[str, str] = {
    "L1": ("A Driller matches or beats a Coach early in the year, but its share of the Coach's "
            "revenue falls as the year goes on."),
    "L2": ("Heavy control with little leading loses more people: a Driller's team has higher "
            "attrition than a Coach's."),
    "L3": ("A style with plenty of both managing and leading (the Coach) earns more over a year "
            "than either pure extreme."),
    "L4": ("Led but not managed, a team is engaged and active but unfocused, less often at quota"
            " and more erratic (the Cheerleader against the Coach)."),
    "L5": "Exhaustion ranks Driller above Coach above Cheerleader.",
    "L6": ("A led team (Coach or Cheerleader) loses less to a market shock than a Driller's "
            "team, against the same team without the shock."),
    "L7": ("After switching from managing-heavy to leading, results come later than after a "
            "change toward control: expect a dip or a delayed cross-over."),
    "L8": ("Coaching builds capacity that lasts: coached reps gain more skill, and keep more of "
            "it long after the coaching stops."),
    "L9": ("Context matters: the best mix of managing and leading moves with the team (its size,"
            " its tenure)."),
    "L10": ("A sensible manager who adapts to the context (the Navigator) beats every fixed style"
            " on the shock scenario."),
    "L11": ("Too much and too little control both hurt: at fixed inspiration, revenue over "
            "control rises and then falls."),
}
"""Each lesson in one plain sentence, as DESIGN.md section 4 states it."""


@dataclass(frozen=True)
class Lesson:
    """One headline lesson, measured.

    Attributes
    ----------
    key
        ``"L1"`` ... ``"L11"``, as in DESIGN.md section 4.
    claim
        The lesson in one plain sentence.
    holds
        Whether the model shows it, beyond noise (see each function for its criterion).
    value
        The number the verdict is judged on (see each function; a margin, > 0 holds).
    detail
        The measured figures behind the verdict, in one short line.
    """

    key: str
    claim: str
    holds: bool
    value: float
    detail: str

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "FAILS"
        return (f"{self.key:<4}{verdict:<6} {self.value:+7.2f}  {self.claim}\n"
                f"{'':10}{self.detail}")


# -- shared measurements ---------------------------------------------------------------------


def scenario_for(name: str, params: Params | None, team_size: int | None = None) -> Scenario:
    """The named scenario (see :attr:`Scenario.NAMES`) with ``params`` (the defaults if None)
    and, if given, another ``team_size``."""
    scenario = dataclasses.replace(Scenario.named(name),
                                   params=Params() if params is None else params)
    return scenario if team_size is None else dataclasses.replace(scenario, team_size=team_size)


@lru_cache(maxsize=8)
def three_styles(scenario: Scenario, runs: int, seed: int) -> dict[str, Result]:
    """The Driller, the Coach and the Cheerleader, each on the same ``runs`` and ``seed``."""
    return {name: simulate(style, scenario, runs=runs, seed=seed) for name, style in THREE.items()}


def per_run(results: dict[str, Result], column: str) -> dict[str, np.ndarray]:
    """One value per run of a :meth:`Result.by_run` column, for each style."""
    return {name: r.by_run()[column].to_numpy(float) for name, r in results.items()}


def weekly_matrix(result: Result, column: str = "revenue") -> np.ndarray:
    """``(runs, weeks)``: a weekly column of :attr:`Result.weekly`, run by run."""
    return result.weekly.pivot(index="run", columns="week", values=column).to_numpy(float)


def block_matrix(b: Batch, g: int, metric: str = "revenue") -> np.ndarray:
    """``(runs, weeks)``: a weekly team metric of manager ``g`` of a :class:`Batch`."""
    return np.asarray(b.team[metric][:, b.block(g)], float).T


def yearly_revenue(b: Batch) -> np.ndarray:
    """``(managers, runs)``: each team's revenue over the horizon."""
    return np.asarray(b.team["revenue"], float).sum(0).reshape(len(b.managers), b.runs)


def mean_se(values: np.ndarray) -> tuple[float, float]:
    """Mean and standard error over runs (NaNs, e.g. runs without a measurement, left out)."""
    values = np.asarray(values, float)
    values = values[np.isfinite(values)]
    if len(values) < 2:
        return (float(values.mean()) if len(values) else math.nan), math.nan
    return float(values.mean()), float(values.std(ddof=1) / math.sqrt(len(values)))


def z_score(mean: float, se: float) -> float:
    """``mean / se``; infinite with the sign of ``mean`` when there is no noise at all."""
    if not math.isfinite(mean):
        return -math.inf
    if se > 0:
        return mean / se
    if se == 0:
        return math.copysign(math.inf, mean) if mean else 0.0
    return -math.inf  # no standard error (too few runs): never beyond noise


def greater(diff: np.ndarray) -> tuple[float, float, float]:
    """Paired run-by-run differences: (mean, SE, margin of "mean > 0" beyond 2 SE)."""
    mean, se = mean_se(diff)
    return mean, se, z_score(mean, se) - MARGIN_SE


def ratio_terms(num: np.ndarray, den: np.ndarray) -> tuple[float, np.ndarray]:
    """Ratio of means ``R = mean(num) / mean(den)`` and its run-by-run linearisation, whose
    mean is 0 and whose standard error over runs is the delta-method SE of ``R``."""
    ratio = float(num.mean() / den.mean())
    return ratio, (num - ratio * den) / den.mean()


def period_sum(matrix: np.ndarray, first: int, last: int) -> np.ndarray:
    """Per run: the sum over weeks ``first`` to ``last`` (1-based, inclusive)."""
    return matrix[:, first - 1:last].sum(1)


def fmt_week(week: int | None) -> str:
    return "never" if week is None else str(week)


# -- L1-L6: the three styles ------------------------------------------------------------------


def driller_share(results: dict[str, Result]) -> tuple[list[float], float, float]:
    """The Driller's revenue as a share of the Coach's in each of :data:`PERIODS`, and the
    margins (in SE beyond the bar) of "weeks 1-8 >= 1 within noise" and "last < first"."""
    driller, coach = weekly_matrix(results["Driller"]), weekly_matrix(results["Coach"])
    weeks = driller.shape[1]
    periods = [(a, min(b, weeks)) for a, b in PERIODS if a <= weeks]
    terms = [ratio_terms(period_sum(driller, a, b), period_sum(coach, a, b)) for a, b in periods]
    shares = [t[0] for t in terms]
    (first, u_first), (last, u_last) = terms[0], terms[-1]
    early = z_score(first - 1.0, mean_se(u_first)[1]) + MARGIN_SE
    falls = z_score(first - last, mean_se(u_first - u_last)[1]) - MARGIN_SE
    return shares, early, falls


def lesson_1(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L1 short vs long term, on the default (shock) scenario.

    Holds when the Driller's revenue in weeks 1-8 is at least the Coach's within noise (share
    above 1 - 2 SE) and its share in weeks 27-52 is below its share in weeks 1-8 by more than
    2 SE. ``value`` = the smaller margin, in SE. The calm year is measured too and shown in
    ``detail`` (not part of the verdict).
    """
    shares, early, falls = driller_share(three_styles(scenario_for("default", params), runs, seed))
    calm, calm_early, calm_falls = driller_share(
        three_styles(scenario_for("no_shock", params), runs, seed))
    value = min(early, falls)
    detail = (f"Driller/Coach revenue by period {PERIODS}: "
              + ", ".join(f"{s:.3f}" for s in shares)
              + "; calm year " + ", ".join(f"{s:.3f}" for s in calm)
              + f" (calm verdict {'holds' if min(calm_early, calm_falls) > 0 else 'fails'})")
    return Lesson("L1", CLAIMS["L1"], value > 0, value, detail)


def lesson_2(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L2 turnover, on the default scenario.

    Holds when the Driller's annualised attrition exceeds the Coach's by more than 2 paired SE.
    ``value`` = that margin, in SE.
    """
    attrition = per_run(three_styles(scenario_for("default", params), runs, seed), "attrition")
    diff, se, value = greater(attrition["Driller"] - attrition["Coach"])
    detail = (f"attrition a year: Driller {attrition['Driller'].mean():.1%}, Coach "
              f"{attrition['Coach'].mean():.1%}, Cheerleader {attrition['Cheerleader'].mean():.1%};"
              f" Driller - Coach {diff:+.1%} (SE {se:.1%})")
    return Lesson("L2", CLAIMS["L2"], value > 0, value, detail)


def lesson_3(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L3 both halves, on the default scenario.

    Holds when the Coach's yearly revenue exceeds both the Driller's and the Cheerleader's by
    more than 2 paired SE each. ``value`` = the smaller margin, in SE.
    """
    revenue = per_run(three_styles(scenario_for("default", params), runs, seed), "revenue")
    coach = revenue["Coach"]
    parts, margins = [], []
    for other in ("Driller", "Cheerleader"):
        diff, se, margin = greater(coach - revenue[other])
        margins.append(margin)
        parts.append(f"Coach - {other} {diff / revenue[other].mean():+.1%} (SE "
                     f"{se / revenue[other].mean():.1%})")
    value = min(margins)
    detail = (f"yearly revenue $k: Driller {revenue['Driller'].mean():.0f}, Coach "
              f"{coach.mean():.0f}, Cheerleader {revenue['Cheerleader'].mean():.0f}; "
              + "; ".join(parts))
    return Lesson("L3", CLAIMS["L3"], value > 0, value, detail)


ACTIVITY_FLOOR = 0.9
"""L4's "not much lower": the Cheerleader's activities at least 90% of the Coach's."""


def lesson_4(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L4 led but not managed: the Cheerleader against the Coach, on the default scenario.

    Five conditions, all needed: engagement at least the Coach's (within noise: above -2 SE);
    activities at least :data:`ACTIVITY_FLOOR` of the Coach's (within noise: the ratio above
    0.9 - 2 SE); focus lower, share at quota lower and volatility (week-to-week swings) higher,
    each by more than 2 SE. ``value`` = the weakest margin, in SE.
    """
    results = three_styles(scenario_for("default", params), runs, seed)
    m = {c: per_run(results, c) for c in ("engagement", "activities", "focus", "at_quota",
                                          "volatility")}
    led, coach = "Cheerleader", "Coach"
    engaged = z_score(*mean_se(m["engagement"][led] - m["engagement"][coach])) + MARGIN_SE
    ratio, u = ratio_terms(m["activities"][led], m["activities"][coach])
    active = z_score(ratio - ACTIVITY_FLOOR, mean_se(u)[1]) + MARGIN_SE
    unfocused = greater(m["focus"][coach] - m["focus"][led])[2]
    off_quota = greater(m["at_quota"][coach] - m["at_quota"][led])[2]
    erratic = greater(m["volatility"][led] - m["volatility"][coach])[2]
    margins = {"engagement": engaged, "activities": active, "focus": unfocused,
               "at_quota": off_quota, "volatility": erratic}
    value = min(margins.values())
    detail = ("Cheerleader vs Coach: " + ", ".join(
        f"{c} {m[c][led].mean():.3g} vs {m[c][coach].mean():.3g}" for c in m)
        + f"; weakest: {min(margins, key=margins.__getitem__)}")
    return Lesson("L4", CLAIMS["L4"],
                  value > 0, value, detail)


def lesson_5(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L5 burnout, on the default scenario.

    Holds when mean exhaustion over the year ranks Driller > Coach > Cheerleader, each step by
    more than 2 paired SE. ``value`` = the smaller margin, in SE.
    """
    ex = per_run(three_styles(scenario_for("default", params), runs, seed), "exhaustion")
    value = min(greater(ex["Driller"] - ex["Coach"])[2],
                greater(ex["Coach"] - ex["Cheerleader"])[2])
    detail = "mean exhaustion: " + ", ".join(f"{n} {v.mean():.3f}" for n, v in ex.items())
    return Lesson("L5", CLAIMS["L5"],
                  value > 0, value, detail)


def recovery_week(shocked: np.ndarray, twin: np.ndarray, end: int) -> int | None:
    """Weeks after week ``end`` until the 4-week mean of ``shocked`` is back to 90% of the
    twin's 4-week mean (weekly means over runs, 1-based weeks); None if not by the horizon."""
    def rolling(x: np.ndarray) -> np.ndarray:
        return np.convolve(x, np.ones(4) / 4, mode="full")[:len(x)]
    s, t = rolling(shocked), rolling(twin)
    for week in range(end + 1, len(shocked) + 1):
        if s[week - 1] >= 0.9 * t[week - 1]:
            return week - end
    return None


@dataclass(frozen=True)
class Setback:
    """One style's year with the shock, against its no-shock twin (same teams, same seed)."""

    lost: float
    """Share of the twin's revenue lost from the shock's first week to the horizon."""
    terms: np.ndarray
    """Run-by-run linearisation of ``lost`` (mean 0; its SE over runs is ``lost``'s)."""
    recovery: int | None
    """Weeks after the shock's last week until revenue is back (:func:`recovery_week`)."""


def setbacks(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED
             ) -> dict[str, Setback]:
    """The Driller, the Coach and the Cheerleader on the default scenario against their
    no-shock twins (the same scenario with ``shock_depth=0``, the same runs and seed)."""
    shocked_scenario = scenario_for("default", params)
    start, end = shocked_scenario.shock_start, shocked_scenario.shock_end
    if end is None:
        raise ValueError("setbacks needs a scenario with a shock, found none")
    twin_scenario = dataclasses.replace(shocked_scenario, shock_depth=0.0)
    shocked = three_styles(shocked_scenario, runs, seed)
    twin = three_styles(twin_scenario, runs, seed)
    out = {}
    for name in THREE:
        s, t = weekly_matrix(shocked[name]), weekly_matrix(twin[name])
        kept, u = ratio_terms(period_sum(s, start, s.shape[1]), period_sum(t, start, t.shape[1]))
        out[name] = Setback(1 - kept, -u, recovery_week(s.mean(0), t.mean(0), end))
    return out


def lesson_6(params: Params | None = None, runs: int = RUNS_THREE, seed: int = SEED) -> Lesson:
    """L6 setbacks: each style on the default scenario against its no-shock twin (same seed).

    Holds when the share of revenue lost to the shock (shock start to the horizon) is smaller
    for the Coach and for the Cheerleader than for the Driller, each by more than 2 paired SE.
    ``value`` = the smaller margin, in SE. Weeks to recover (until the 4-week mean is back to
    90% of the twin's) are reported, not judged.
    """
    s = setbacks(params, runs, seed)
    driller = s["Driller"]
    value = min(z_score(driller.lost - s[led].lost, mean_se(driller.terms - s[led].terms)[1])
                - MARGIN_SE for led in ("Coach", "Cheerleader"))
    detail = "; ".join(
        f"{n} lost {v.lost:.1%}, " + ("not back by the horizon" if v.recovery is None
                                      else f"back {v.recovery} weeks after it")
        for n, v in s.items())
    return Lesson("L6", CLAIMS["L6"],
                  value > 0, value, detail)


# -- L7: patience -----------------------------------------------------------------------------

SWITCH_WEEK = 20


@dataclass(frozen=True)
class SwitchFigures:
    """A switcher against the manager who stays, from the week of the switch to the horizon.

    Weeks are 1-based weeks of the year; None means not by the horizon.
    """

    worst_gap: float
    """Lowest weekly gap, (switcher - stayer) / stayer, of revenue (weekly means over runs)."""
    worst_week: int
    """The week of ``worst_gap``."""
    worst_z: float
    """``worst_gap`` in paired standard errors (run-by-run differences that week)."""
    stays_ahead: int | None
    """First week from which the switcher's weekly revenue is above the stayer's every week."""
    crossover: int | None
    """First week from which the switcher's cumulative revenue since the switch is at least
    the stayer's every week."""


def switch_figures(switcher: np.ndarray, stayer: np.ndarray, week: int) -> SwitchFigures:
    """:class:`SwitchFigures` from ``(runs, weeks)`` revenue of the two, switching in ``week``."""
    s, t = switcher[:, week - 1:], stayer[:, week - 1:]
    ms, mt = s.mean(0), t.mean(0)
    gap = (ms - mt) / mt
    se = (s - t).std(0, ddof=1) / math.sqrt(len(s)) / mt if len(s) > 1 else np.full_like(mt, np.nan)
    k = int(gap.argmin())

    def first_for_good(ok: np.ndarray) -> int | None:
        behind = np.flatnonzero(~ok)
        start = 0 if len(behind) == 0 else int(behind[-1]) + 1
        return week + start if start < len(ok) else None
    return SwitchFigures(float(gap[k]), week + k, z_score(float(gap[k]), float(se[k])),
                         first_for_good(ms > mt), first_for_good(np.cumsum(ms) >= np.cumsum(mt)))


def switching_experiment(params: Params | None = None, scenario_name: str = "no_shock",
                         runs: int = RUNS_SWITCH, seed: int = SEED, week: int = SWITCH_WEEK
                         ) -> dict[str, object]:
    """Switching to the Coach in ``week``: from the Driller (a move toward leading) and, as a
    control change, from the Cheerleader (a move toward managing), each against the manager
    who stays as they were, on the same runs and seed.

    Returns ``{"scenario", "week", "runs", "leading", "control"}``; ``leading`` and
    ``control`` hold the :class:`SwitchFigures` as dicts (``worst_gap``, ``worst_week``,
    ``worst_z``, ``stays_ahead``, ``crossover``).
    """
    scenario = scenario_for(scenario_name, params)
    managers: list[Style | Switch] = [switch_at(week, DRILLER, COACH), DRILLER,
                                      switch_at(week, CHEERLEADER, COACH), CHEERLEADER]
    b = batch(managers, scenario, runs=runs, seed=seed)
    leading = switch_figures(block_matrix(b, 0), block_matrix(b, 1), week)
    control = switch_figures(block_matrix(b, 2), block_matrix(b, 3), week)
    return {"scenario": scenario_name, "week": week, "runs": runs,
        "leading": dataclasses.asdict(leading), "control": dataclasses.asdict(control)}


def describe_switch(figures: dict[str, object]) -> str:
    """One line of :class:`SwitchFigures` (as a dict)."""
    return (f"worst gap {float(figures['worst_gap']):+.1%} in week {figures['worst_week']} "  # type: ignore[arg-type]
            f"({float(figures['worst_z']):+.1f} SE), ahead for good from week "  # type: ignore[arg-type]
            f"{fmt_week(figures['stays_ahead'])}, cumulative cross-over week "  # type: ignore[arg-type]
            f"{fmt_week(figures['crossover'])}")  # type: ignore[arg-type]


def lesson_7(params: Params | None = None, runs: int = RUNS_SWITCH, seed: int = SEED) -> Lesson:
    """L7 patience, in a calm year: Driller -> Coach in week 20 against staying a Driller, and
    the control change Cheerleader -> Coach against staying a Cheerleader.

    Holds when the leading switch's cumulative cross-over comes later than the control
    switch's (a cross-over that never comes counts as the week after the horizon), or when the
    leading switch dips (its worst weekly gap is below -2 SE). ``value`` = the larger of the
    cross-over delay in weeks and the dip's margin beyond 2 SE (> 0 holds). The worst week is
    the lowest of 33, so the dip test is lenient; the delay is the measure to read.
    """
    exp = switching_experiment(params, "no_shock", runs, seed)
    lead, ctrl = exp["leading"], exp["control"]
    assert isinstance(lead, dict) and isinstance(ctrl, dict)
    never = scenario_for("no_shock", params).weeks + 1
    delay = float((lead["crossover"] or never) - (ctrl["crossover"] or never))
    dip = -float(lead["worst_z"]) - MARGIN_SE
    value = max(delay, dip)
    detail = (f"to Coach from Driller: {describe_switch(lead)}; from Cheerleader: "
              f"{describe_switch(ctrl)}")
    return Lesson("L7", CLAIMS["L7"],
                  value > 0, value, detail)


# -- L8: skill --------------------------------------------------------------------------------

COACHED = Style(control=0.4, inspiration=0.9)
UNCOACHED = Style(control=0.4, inspiration=0.1)
COACHING_STOPS = 27
"""L8: the week the coached team's manager drops inspiration to 0.1 in the 78-week year."""
LONG_WEEKS = 78


def stayers_gain(result: Result, last_week: int) -> np.ndarray:
    """Per run: mean skill gained from week 1 to ``last_week`` by the reps who were in post
    every week and never left (NaN for a run with none)."""
    reps = result.reps[["run", "week", "rep", "active", "quit", "skill"]]
    reps = reps[reps["week"] <= last_week]
    seats = reps.groupby(["run", "rep"])
    stayed = seats["active"].all() & ~seats["quit"].any()
    first = reps[reps["week"] == 1].set_index(["run", "rep"])["skill"]
    last = reps[reps["week"] == last_week].set_index(["run", "rep"])["skill"]
    gain = (last - first)[stayed]
    return gain.groupby(level="run").mean().reindex(range(result.runs)).to_numpy(float)


def lesson_8(params: Params | None = None, runs: int = RUNS_SKILL, seed: int = SEED) -> Lesson:
    """L8 coaching builds capacity that lasts, in calm years, at control 0.4.

    Gained: skill gained over a year by reps who stayed, inspiration 0.9 against 0.1. Kept: in
    a 78-week year the coached team's manager drops inspiration to 0.1 in week 27; skill gained
    by the stayers by the end (52 weeks after coaching stopped) against the never-coached team.
    Holds when both are larger by more than 2 paired SE. ``value`` = the smaller margin, in SE.
    The gap at week 52 (26 weeks after coaching stopped) is shown in ``detail``.
    """
    year = scenario_for("no_shock", params)
    gained = {s: stayers_gain(simulate(s, year, runs=runs, seed=seed), year.weeks)
              for s in (COACHED, UNCOACHED)}
    long = dataclasses.replace(year, weeks=LONG_WEEKS)
    stopped = simulate(switch_at(COACHING_STOPS, COACHED, UNCOACHED), long, runs=runs, seed=seed)
    never = simulate(UNCOACHED, long, runs=runs, seed=seed)
    kept = {w: (stayers_gain(stopped, w), stayers_gain(never, w)) for w in (52, LONG_WEEKS)}
    d_gain, se_gain, m_gain = greater(gained[COACHED] - gained[UNCOACHED])
    d_kept, se_kept, m_kept = greater(kept[LONG_WEEKS][0] - kept[LONG_WEEKS][1])
    d_52 = float(np.nanmean(kept[52][0] - kept[52][1]))
    value = min(m_gain, m_kept)
    detail = (f"skill gained in a year: I=0.9 {np.nanmean(gained[COACHED]):.3f}, I=0.1 "
              f"{np.nanmean(gained[UNCOACHED]):.3f} (diff {d_gain:+.3f}, SE {se_gain:.3f}); "
              f"coached 26 weeks then not, vs never: {d_52:+.3f} at week 52, {d_kept:+.3f} "
              f"(SE {se_kept:.3f}) at week {LONG_WEEKS}")
    return Lesson("L8", CLAIMS["L8"], value > 0, value, detail)


# -- L9-L11: grids of styles ------------------------------------------------------------------


def line_revenue(scenario: Scenario, inspiration: float, runs: int, seed: int) -> np.ndarray:
    """``(11, runs)``: yearly revenue at each control of :data:`GRID`, fixed inspiration."""
    return yearly_revenue(batch([Style(c, inspiration) for c in GRID], scenario, runs=runs,
                                seed=seed))


def inspiration_line(scenario: Scenario, control: float, runs: int, seed: int) -> np.ndarray:
    """``(11, runs)``: yearly revenue at each inspiration of :data:`GRID`, fixed control."""
    return yearly_revenue(batch([Style(control, i) for i in GRID], scenario, runs=runs,
                                seed=seed))


SIZE_LINES = (("control", 0.4), ("inspiration", 0.6))
"""The two lines of the size test: control at the inspiration of 0.4, and inspiration at the
Coach's control of 0.6."""


@lru_cache(maxsize=4)
def grid_means(scenario: Scenario, runs: int, seed: int) -> np.ndarray:
    """``(121,)``: mean yearly revenue over the 11 x 11 square, control-major (a sweep)."""
    return sweep(GRID, GRID, scenario, runs=runs, seed=seed)["revenue"].to_numpy(float)


def grid_style(k: int) -> Style:
    """Style ``k`` of the control-major 11 x 11 square."""
    return Style(GRID[k // len(GRID)], GRID[k % len(GRID)])


def refined_best(means: np.ndarray) -> np.ndarray:
    """Best position along :data:`GRID` (in control units) of each column of ``(11, n)`` mean
    revenues: the best point moved by the parabola through it and its two neighbours."""
    n = means.shape[0]
    k = means.argmax(0)
    kc = np.clip(k, 1, n - 2)
    cols = np.arange(means.shape[1])
    y0, y1, y2 = means[kc - 1, cols], means[kc, cols], means[kc + 1, cols]
    curvature = y0 - 2 * y1 + y2
    offset = 0.5 * (y0 - y2) / np.where(curvature < 0, curvature, -1.0)
    interior = (k > 0) & (k < n - 1) & (curvature < 0)
    return (np.where(interior, kc + np.clip(offset, -0.5, 0.5), k)) * STEP


def resampled_means(revenue: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``(styles, BOOTSTRAP)``: mean revenue of each style over resampled runs (the same
    resample for every style, since the styles share their runs)."""
    runs = revenue.shape[1]
    picks = rng.integers(0, runs, (BOOTSTRAP, runs))
    return revenue[:, picks].mean(2)


def yearly(style: Style, scenario: Scenario, runs: int, seed: int) -> np.ndarray:
    """Per run: yearly revenue of ``style``."""
    return simulate(style, scenario, runs=runs, seed=seed).by_run()["revenue"].to_numpy(float)


TENURE = ("default", "new_team")
"""L9's second test: the default team against a team of new hires."""


def lesson_9(params: Params | None = None, runs: int = RUNS_CONTEXT, seed: int = SEED) -> Lesson:
    """L9 context: the best mix moves with the team.

    First test, size: along each line of :data:`SIZE_LINES` (control at inspiration 0.4, and
    inspiration at control 0.6, on the 0.1 grid), the best point for a team of 6 and for a team
    of 40 (the default scenario otherwise); if they differ, each team is run at its own best
    and at the other's on the same runs, and the gap counts if each team's own best earns more
    than the other's by over 2 paired SE (the smaller margin; a one-step difference on a flat
    top is noise). The larger margin of the two lines counts. Only if that fails, a second
    test, tenure: the best style on the 11 x 11 square (a sweep on ``runs`` x
    :data:`RUNS_ADAPTIVE` / :data:`RUNS_CONTEXT` runs) for the default team and for a new team
    (7 in 10 new hires); if the two differ (then by at least one grid step), each scenario's
    best is run against the other's best on the same runs, and the gap counts if each
    scenario's own best earns more than the other's by more than 2 paired SE (a manager who
    copied the other team's best would lose, either way round). Holds when either
    test does. ``value`` = the first test's margin in SE beyond 2, or the larger of both when
    the first fails (-2 when the two best cells coincide). The large team is compared on the
    line only: its square costs four times a team of ten.
    """
    value, parts = -np.inf, []
    for axis, fixed in SIZE_LINES:
        revenue = {size: (line_revenue if axis == "control" else inspiration_line)(
            scenario_for("default", params, size), fixed, runs, seed) for size in (6, 40)}
        cell = {size: int(r.mean(1).argmax()) for size, r in revenue.items()}
        gap = -MARGIN_SE
        if cell[6] != cell[40]:
            # each team, copying the other size's best point, would lose beyond noise
            gap = min(greater(revenue[a][cell[a]] - revenue[a][cell[b]])[2]
                      for a, b in ((6, 40), (40, 6)))
        value = max(value, gap)
        held = "I" if axis == "control" else "C"
        parts.append(f"best {axis} at {held}={fixed}: team of 6 {GRID[cell[6]]:.1f}, team of 40 "
                     f"{GRID[cell[40]]:.1f} (margin {gap:+.1f} SE)")
    detail = "; ".join(parts)
    if value <= 0:
        square_runs = max(MIN_RUNS, round(runs * RUNS_ADAPTIVE / RUNS_CONTEXT))
        scenarios = {name: scenario_for(name, params) for name in TENURE}
        cells = {name: int(grid_means(sc, square_runs, seed).argmax())
                 for name, sc in scenarios.items()}
        own, other = TENURE
        tenure = -MARGIN_SE
        if cells[own] != cells[other]:
            tenure = min(
                greater(yearly(grid_style(cells[a]), scenarios[a], square_runs, seed)
                        - yearly(grid_style(cells[b]), scenarios[a], square_runs, seed))[2]
                for a, b in ((own, other), (other, own)))
        value = max(value, tenure)
        detail += "; best style " + ", ".join(
            f"{name} C={grid_style(k).control:.1f}/I={grid_style(k).inspiration:.1f}"
            for name, k in cells.items()) + f" (margin {tenure:+.1f} SE)"
    return Lesson("L9", CLAIMS["L9"], value > 0, value, detail)


def lesson_10(params: Params | None = None, runs: int = RUNS_ADAPTIVE, seed: int = SEED
              ) -> Lesson:
    """L10 adaptive beats fixed, on the default (shock) scenario.

    The Navigator (:func:`~teamsim.navigator`) against the best fixed style of the 11 x 11
    square (a sweep), on the same runs and seed. Holds when the Navigator's yearly revenue
    exceeds the best fixed style's by more than 2 paired SE. ``value`` = that margin, in SE.
    The best fixed style is picked on the same runs it is compared on, which favours it
    (selection bias).
    """
    scenario = scenario_for("default", params)
    k = int(grid_means(scenario, runs, seed).argmax())
    fixed = yearly(grid_style(k), scenario, runs, seed)
    adaptive = simulate(navigator, scenario, runs=runs, seed=seed).by_run()["revenue"]
    diff, se, value = greater(adaptive.to_numpy(float) - fixed)
    style = grid_style(k)
    detail = (f"Navigator {adaptive.mean():.0f} vs best fixed C={style.control:.1f}/"
              f"I={style.inspiration:.1f} {fixed.mean():.0f} $k ({diff / fixed.mean():+.1%}, SE "
              f"{se / fixed.mean():.1%})")
    return Lesson("L10", CLAIMS["L10"], value > 0, value, detail)


def lesson_11(params: Params | None = None, runs: int = RUNS_CONTROL, seed: int = SEED
              ) -> Lesson:
    """L11 too much and too little control both hurt, on the default scenario.

    Yearly revenue over control 0, 0.1, ..., 1 at inspiration 0.5. Holds when the best control
    is inside (neither 0 nor 1) and both ends are below it by more than 2 paired SE.
    ``value`` = the smaller margin, in SE (-2 when the best is an end).
    """
    revenue = line_revenue(scenario_for("default", params), 0.5, runs, seed)
    means = revenue.mean(1)
    k = int(means.argmax())
    last = len(GRID) - 1
    value = (min(greater(revenue[k] - revenue[0])[2], greater(revenue[k] - revenue[last])[2])
             if 0 < k < last else -MARGIN_SE)
    detail = (f"revenue by control 0..1 at I=0.5, % of best (C={GRID[k]:.1f}): "
              + " ".join(f"{m / means[k]:.0%}" for m in means))
    return Lesson("L11", CLAIMS["L11"], value > 0, value, detail)


# -- all of them ------------------------------------------------------------------------------

LessonFunction = Callable[[Params | None, int, int], Lesson]
LESSONS: tuple[tuple[str, LessonFunction, int], ...] = (
    ("L1", lesson_1, RUNS_THREE), ("L2", lesson_2, RUNS_THREE), ("L3", lesson_3, RUNS_THREE),
    ("L4", lesson_4, RUNS_THREE), ("L5", lesson_5, RUNS_THREE), ("L6", lesson_6, RUNS_THREE),
    ("L7", lesson_7, RUNS_SWITCH), ("L8", lesson_8, RUNS_SKILL), ("L9", lesson_9, RUNS_CONTEXT),
    ("L10", lesson_10, RUNS_ADAPTIVE), ("L11", lesson_11, RUNS_CONTROL),
)
"""Each lesson's key, function and default runs."""


def scaled_runs(runs: int, runs_scale: float) -> int:
    """``runs`` scaled, at least :data:`MIN_RUNS`."""
    return max(MIN_RUNS, round(runs * runs_scale))


def all_lessons(params: Params | None = None, runs_scale: float = 1.0, seed: int = SEED,
                keys: Sequence[str] | None = None) -> list[Lesson]:
    """Every lesson (or those in ``keys``), each on its default runs times ``runs_scale``."""
    if not runs_scale > 0:
        raise ValueError(f"runs_scale must be > 0, got {runs_scale!r}")
    chosen = [k for k, _, _ in LESSONS] if keys is None else list(keys)
    unknown = set(chosen) - {k for k, _, _ in LESSONS}
    if unknown:
        raise ValueError(f"keys must be lesson keys L1-L11, got {sorted(unknown)}")
    try:
        return [fn(params, scaled_runs(runs, runs_scale), seed)
                for key, fn, runs in LESSONS if key in chosen]
    finally:
        three_styles.cache_clear()
        grid_means.cache_clear()


def main() -> None:
    began, cpu = time.perf_counter(), time.process_time()
    lessons = all_lessons()
    took, cpu = time.perf_counter() - began, time.process_time() - cpu
    for lesson in lessons:
        print(lesson)
    print(f"\n{sum(x.holds for x in lessons)} of {len(lessons)} lessons hold "
          f"({took:.2f} s, {cpu:.2f} s of CPU, seed {SEED})")
    for name in ("no_shock", "default"):
        exp = switching_experiment(scenario_name=name)
        print(f"\nSwitching to the Coach in week {exp['week']}, {Scenario.LABELS[name]}:")
        for which in ("leading", "control"):
            figures = exp[which]
            assert isinstance(figures, dict)
            print(f"  {'from the Driller' if which == 'leading' else 'from the Cheerleader'}: "
                  + describe_switch(figures))


if __name__ == "__main__":
    main()
