"""Measure the behaviours the course teaches (P1-P10, numbered as in :func:`report` and in
``tests/test_behaviours.py``) and the calibration.

Each function runs the model and returns what it measured; the tests in
``tests/test_behaviours.py`` hold the thresholds, the model appendix of the book shows the
figures, and ``python -m teamsim.analysis.behaviours`` prints them all beside their thresholds.
The measurements take a ``seed``; its default is the one the book's figures use.
"""

from __future__ import annotations

import dataclasses
import sys
from functools import cache

import numpy as np
import pandas as pd

from teamsim.analysis.measures import weeks_to_63
from teamsim.model import THREE, Result, Scenario, Style, navigator, simulate, sweep, switch_at

RUNS = 400
"""Runs per style: yearly revenue varies ~10% between runs, so the standard error of a
style's mean is near 0.5%, well inside every margin the behaviours are judged by."""
PERIODS = ((1, 8), (9, 17), (18, 26), (27, 52))


@cache
def three_styles(shock: bool = True, runs: int = RUNS, seed: int = 101) -> dict[str, Result]:
    """The Driller, the Coach and the Cheerleader on the same starting teams."""
    scenario = Scenario.default() if shock else Scenario.no_shock()
    return {name: simulate(style, scenario, runs=runs, seed=seed)
            for name, style in THREE.items()}


def mean_week(result: Result, column: str) -> pd.Series:
    """The weekly series of ``column``, averaged over runs, indexed by week."""
    return result.weekly.groupby("week")[column].mean()


def revenue_between(result: Result, first: int, last: int) -> float:
    """Mean (over runs) revenue from week ``first`` to week ``last``, inclusive."""
    return float(mean_week(result, "revenue").loc[first:last].sum())


def p1_driller_share(seed: int = 101) -> list[float]:
    """The Driller's revenue as a share of the Coach's, period by period."""
    runs = three_styles(True, seed=seed)
    return [revenue_between(runs["Driller"], a, b) / revenue_between(runs["Coach"], a, b)
            for a, b in PERIODS]


def summaries(shock: bool = True, seed: int = 101) -> pd.DataFrame:
    """One summary row per style, indexed by style name."""
    return pd.concat({name: r.summary().iloc[0]
                      for name, r in three_styles(shock, seed=seed).items()},
                     axis=1).T


def p6_setbacks(seed: int = 101) -> dict[str, dict[str, float | None]]:
    """Per style: share of revenue lost to the shock from its start to week 52 (against the
    same teams in a calm year), and weeks after the shock's end until the 4-week average is
    back to 90% of the 8 weeks before the shock (None if not by week 52)."""
    scenario = Scenario.default()
    start, end = scenario.shock_start, scenario.shock_end
    if end is None:
        raise ValueError("p6_setbacks needs the default scenario's shock, found none")
    shocked, calm = three_styles(True, seed=seed), three_styles(False, seed=seed)
    out = {}
    for name in THREE:
        lost = 1 - revenue_between(shocked[name], start, 52) / revenue_between(
            calm[name], start, 52)
        revenue = mean_week(shocked[name], "revenue")
        before = revenue.loc[start - 8:start - 1].mean()
        rolling = revenue.rolling(4).mean()
        back = next((week - end for week in range(end + 1, scenario.weeks + 1)
                     if rolling.loc[week] >= 0.9 * before), None)
        out[name] = {"lost": lost, "weeks_to_recover": back}
    return out


def p7_patience(runs: int = RUNS, seed: int = 7) -> dict[str, float]:
    """Activity the week control rises (0.3 -> 0.8 in week 20) against the week before, and
    weeks for trust to make 63% of its change when inspiration rises (0.2 -> 0.8 in week 10)
    and when it falls (0.8 -> 0.2), in a calm year."""
    calm = Scenario.no_shock()
    activity = mean_week(simulate(switch_at(20, Style(0.3, 0.5), Style(0.8, 0.5)), calm,
                                  runs=runs, seed=seed), "activities")
    cold, warm = Style(0.5, 0.2), Style(0.5, 0.8)
    rising = mean_week(simulate(switch_at(10, cold, warm), calm, runs=runs, seed=seed), "trust")
    falling = mean_week(simulate(switch_at(10, warm, cold), calm, runs=runs, seed=seed), "trust")
    return {
        "activity_jump": float(activity.loc[20] / activity.loc[19]),
        "trust_gain": float(rising.iloc[-1] - rising.loc[9]),
        "trust_rise_weeks": weeks_to_63(rising, 10),
        "trust_fall_weeks": weeks_to_63(falling, 10),
    }


def skill_gained(inspiration: float, control: float = 0.4, runs: int = RUNS,
                 seed: int = 8) -> float:
    """Mean skill gained over a calm year by reps who stayed all year."""
    reps = simulate(Style(control, inspiration), Scenario.no_shock(), runs=runs, seed=seed).reps
    stayed = reps[reps.groupby(["run", "rep"])["active"].transform("all")]
    first = stayed[stayed["week"] == 1].set_index(["run", "rep"])["skill"]
    last = stayed[stayed["week"] == stayed["week"].max()].set_index(["run", "rep"])["skill"]
    return float((last - first).mean())


def best_control(team_size: int, inspiration: float = 0.4, runs: int = 150,
                 seed: int = 9) -> float:
    """Best control at fixed inspiration by yearly revenue (common starting teams), located
    by a parabola through the best point of a 0.05 grid and its two neighbours."""
    step = 0.05
    grid = np.round(np.arange(0.3, 1.0 + 1e-9, step), 2)
    scenario = dataclasses.replace(Scenario.default(), team_size=team_size)
    revenue = sweep(grid, [inspiration], scenario, runs=runs, seed=seed)["revenue"].to_numpy()
    k = int(np.clip(revenue.argmax(), 1, len(grid) - 2))
    y0, y1, y2 = revenue[k - 1:k + 2]
    curvature = y0 - 2 * y1 + y2
    offset = 0.5 * (y0 - y2) / curvature if curvature < 0 else 0.0
    return float(grid[k] + np.clip(offset, -1, 1) * step)


def p10_no_free_lunch(runs: int = 300, seed: int = 10) -> dict:
    """The best fixed style on the shock scenario (11x11 grid, refined at 0.05 around the
    best) and the adaptive Navigator on the same starting teams."""
    scenario = Scenario.default()
    grid = np.round(np.linspace(0, 1, 11), 2)
    coarse = sweep(grid, grid, scenario, runs=runs, seed=seed)
    top = coarse.loc[coarse["revenue"].idxmax()]
    near = np.round(np.arange(-0.1, 0.101, 0.05), 2)
    fine = sweep(np.clip(top["control"] + near, 0, 1), np.clip(top["inspiration"] + near, 0, 1),
                 scenario, runs=runs, seed=seed)
    best = pd.concat([coarse, fine]).sort_values("revenue").iloc[-1]
    adaptive = simulate(navigator, scenario, runs=runs, seed=seed).summary().iloc[0]
    return {"coarse_best": top, "best": best, "adaptive": adaptive}


def calibration(seed: int = 101) -> dict[str, float]:
    """The Coach in a calm year: share of reps at quota and annual attrition."""
    coach = summaries(shock=False, seed=seed).loc["Coach"]
    return {"at_quota": float(coach["at_quota"]), "attrition": float(coach["attrition"])}


def report() -> str:
    """Every behaviour's measured value beside its threshold, one line each."""
    lines = []
    share = p1_driller_share()
    lines.append(f"P1  Driller/Coach revenue by period {[round(s, 3) for s in share]}: "
                 f"first >= 0.95, falling, last <= 0.75")
    s = summaries()
    lines.append(f"P2  attrition Driller {s.loc['Driller', 'attrition']:.3f} vs Coach "
                 f"{s.loc['Coach', 'attrition']:.3f}: ratio "
                 f"{s.loc['Driller', 'attrition'] / s.loc['Coach', 'attrition']:.2f} >= 2")
    revenue = s["revenue"]
    lines.append(f"P3  Coach/Driller revenue {revenue['Coach'] / revenue['Driller']:.3f} >= 1.2; "
                 f"Coach/Cheerleader {revenue['Coach'] / revenue['Cheerleader']:.3f} >= 1.3")
    c, h = s.loc["Coach"], s.loc["Cheerleader"]
    lines.append(f"P4  Cheerleader/Coach: engagement {h['engagement'] / c['engagement']:.2f} >= 1, "
                 f"activities {h['activities'] / c['activities']:.2f} >= 0.75, focus "
                 f"{h['focus'] / c['focus']:.2f} <= 0.8, attainment "
                 f"{h['attainment'] / c['attainment']:.2f} <= 0.75, at quota "
                 f"{h['at_quota'] / c['at_quota']:.2f} <= 0.6, volatility "
                 f"{h['volatility'] / c['volatility']:.2f} >= 1.15")
    end = {n: mean_week(r, "exhaustion").loc[52] for n, r in three_styles().items()}
    lines.append("P5  exhaustion in week 52: " + ", ".join(f"{n} {v:.3f}" for n, v in end.items())
                 + " (must fall in this order)")
    setbacks = p6_setbacks()
    lines.append("P6  " + "; ".join(f"{n} lost {v['lost']:.1%}, back in {v['weeks_to_recover']}"
                                    for n, v in setbacks.items())
                 + " (Driller loses most; Coach back within 10 weeks, Driller not)")
    pat = p7_patience()
    lines.append(f"P7  activity x{pat['activity_jump']:.2f} the week control rises (>= 1.15); "
                 f"trust to 63%: rising {pat['trust_rise_weeks']} weeks (>= 8), falling "
                 f"{pat['trust_fall_weeks']} weeks (< rising)")
    high, low = skill_gained(0.9), skill_gained(0.1)
    lines.append(f"P8  skill gained I=0.9 {high:.3f} vs I=0.1 {low:.3f}: "
                 f"ratio {high / low:.1f} >= 2")
    best = {n: round(best_control(n), 3) for n in (10, 20, 40)}
    lines.append(f"P9  best control at I=0.4 by team size {best} (must rise)")
    free = p10_no_free_lunch()
    b, a = free["best"], free["adaptive"]
    lines.append(f"P10 best fixed style C={b['control']:.2f} I={b['inspiration']:.2f} "
                 f"revenue {b['revenue']:.0f} (inside the square); Navigator {a['revenue']:.0f} "
                 f"(+{a['revenue'] / b['revenue'] - 1:.1%})")
    cal = calibration()
    lines.append(f"Cal Coach, calm year: at quota {cal['at_quota']:.1%} (50-65%), attrition "
                 f"{cal['attrition']:.1%} (10-20%)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report())
    sys.exit(0)
