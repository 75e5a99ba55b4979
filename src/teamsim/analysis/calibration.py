"""The model's figures side by side with the published ones (``EVIDENCE.md``).

:func:`calibration_table` runs the model at a *typical* manager's style (:data:`TYPICAL`) and at
the course's reference styles, and puts each figure beside the published value or range it
should be compared with, the source, and whether the model lands in the band stated for that
row (``within``: True/False, or None where no published figure applies to that style, or the
model does not produce the figure). ``python -m teamsim.analysis.calibration`` prints it.

The published figures are averages over real teams run by real (mostly typical) managers; several
come from vendors or second-hand summaries. So the comparison that matters is at the typical
style; the Driller and the Cheerleader are deliberately exaggerated styles, shown for contrast,
and are held only to the looser bands the design sets for them ("high but within what real teams
reach"). A row that misses its band is reported as it is: the table measures the model, it does
not tune it.

Column ``band`` is the range ``within`` was judged against (None when not judged); ``note`` says
how the band was chosen where it is not the published range itself, and which styles are
exaggerated.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from teamsim.model import THREE, Result, Scenario, Style, simulate

TYPICAL = Style(control=0.6, inspiration=0.4)
"""A typical real manager: more managing than leading.

Most first-line sales managers spend most of their week on the managing side of the job -
forecasts, pipeline reviews, reports, deal inspection - and comparatively little on the leading
side: CSO Insights found managers spend about 21% of their time coaching, and the share of
companies with a formal coaching process is a minority (the same study). Recognition, purpose
and 1:1s take some more of the week, so inspiration sits well above 0.21 but below control:
``control=0.6`` (as much process as the Coach), ``inspiration=0.4`` (a little over half the
Coach's leading). It is a judgement, not a measurement; the published figures below (shares at
quota, turnover, win rates) are averages over teams run by such managers, so this is the style
they should be compared with.
"""

STYLES_SHOWN: dict[str, Style] = {"Typical": TYPICAL, **THREE}
"""The styles the table reports: the typical manager, then the Driller, Coach and Cheerleader."""

EXAGGERATED = ("Driller", "Cheerleader")
"""Reference styles drawn at the edges of the map for teaching, not as real managers."""

CALM = "no shock (calm year)"
YEAR3 = "156 weeks, no shock"

RAMPED_TENURE = 40
"""Weeks in the seat from which a rep counts as ramped (the reference for the ramp)."""
RAMP_LEVEL = 0.9
RAMP_BUCKET = 4
"""Weeks of tenure pooled per point of the ramp curve (a rep's weekly revenue is lumpy)."""

POPULATION = 200
POPULATION_RUNS = 4
POPULATION_CONTROL = (0.3, 0.9)
POPULATION_INSPIRATION = (0.1, 0.8)
"""The population of managers for the engagement-quartile comparison: styles drawn uniformly
from these ranges (no one manages or leads not at all), each run on a few teams."""


@dataclass(frozen=True)
class Figure:
    """A published figure: what it is, its unit, the published value and where it comes from."""

    unit: str  # "share", "change" (a relative change), "points" (difference of shares), "weeks"
    published: str
    source: str


CSO_QUOTA = "CSO Insights sales performance studies (2011, 2013)"
FIGURES: dict[str, Figure] = {
    "share of reps at quota": Figure(
        "share", "57-60% (59.4% in 2011, 57% in 2013); design target 50-65% for a well-run team",
        CSO_QUOTA),
    "annual attrition": Figure(
        "share", "~14% average, ~8% best practice, look into it over 20% (B2B); up to ~27-35% "
        "for US salespeople of all kinds",
        "Alexander Group; HBR 2017; DePaul Center for Sales Leadership 2010; Bridge Group 2018 "
        "(vendor)"),
    "win rate on decided deals": Figure(
        "share", "45-47% (forecast deals); 53.6% with formal coaching vs 45.7% informal",
        "CSO Insights 2011 and 2015 studies; CSO Insights, 'Optimizing sales management'"),
    "ramp to 90% of a ramped rep's revenue (weeks)": Figure(
        "weeks", "median ~5 months (~22 weeks) for account executives (SDRs ~3 months)",
        "Bridge Group 2024 (second-hand) and 2018 report"),
    "engagement top vs bottom quartile: revenue per rep": Figure(
        "change", "+18-21% sales productivity",
        "Harter et al., Gallup Q12 meta-analyses (2012 and later)"),
    "engagement top vs bottom quartile: attrition": Figure(
        "change", "-21% to -25% (high-turnover organisations), -51% to -65% (low-turnover)",
        "Harter et al., Gallup Q12 meta-analyses (2012 and later)"),
    "share of reps at quota in year 3": Figure(
        "share", "57-60%, steady for years as quotas move", CSO_QUOTA),
    "share at quota, year 3 minus year 1": Figure(
        "points", "about 0 (57-60% year after year)", CSO_QUOTA),
    "mean attainment in year 3": Figure(
        "share", "no published team figure; with 57-60% of reps at quota the mean is near 100%",
        "none (plausibility band implied by CSO Insights' share at quota)"),
}
"""Every figure the table reports, in order."""

COLUMNS = ("figure", "style", "scenario", "model", "published", "source", "within", "band",
           "note")


def row(figure: str, style: str, scenario: str, model: float,
        band: tuple[float, float] | None, note: str = "") -> dict[str, object]:
    """One row of the table; ``within`` is judged against ``band`` (None: not judged)."""
    fig = FIGURES[figure]
    within = (None if band is None or not math.isfinite(model)
              else bool(band[0] <= model <= band[1]))
    if style in EXAGGERATED:
        note = f"exaggerated style (for contrast); {note}" if note else \
            "exaggerated style (for contrast)"
    return {"figure": figure, "style": style, "scenario": scenario, "model": float(model),
            "published": fig.published, "source": fig.source, "within": within, "band": band,
            "note": note}


# ---------------------------------------------------------------------------------------------
# Measures


def win_rate(result: Result) -> float:
    """Deals won / deals decided over the horizon, pooled over runs (NaN without ``deals_lost``)."""
    weekly = result.weekly
    if "deals_lost" not in weekly.columns:
        return float("nan")
    won, lost = float(weekly["deals_won"].sum()), float(weekly["deals_lost"].sum())
    return won / (won + lost) if won + lost > 0 else float("nan")


def rep_arrays(result: Result, names: Iterable[str]) -> dict[str, np.ndarray]:
    """Rep records as ``(runs, weeks, team_size)`` arrays."""
    reps = result.reps
    shape = (result.runs, result.scenario.weeks, result.scenario.team_size)
    return {name: reps[name].to_numpy().reshape(shape) for name in names}


def tenure_of(result: Result) -> tuple[np.ndarray, np.ndarray, str]:
    """Each rep-week's tenure and whether the rep was seen from tenure 0, ``(runs, weeks, reps)``.

    With the model's ``tenure`` (weeks in the seat, new hires start at 0), a rep was seen from
    tenure 0 when ``tenure <= week - 1``: hired in week 1 or later. Without it (a model that does
    not record tenure), tenure is derived from the seats: a rep who starts in a seat during the
    run (after a vacancy or a leaver) has ``week - start`` weeks; a rep in the seat since week 1
    has an unknown tenure of at least ``week - 1``, set to NaN until that reaches
    :data:`RAMPED_TENURE`. The third value says which way it was found.
    """
    weeks = result.scenario.weeks
    week0 = np.arange(weeks)[None, :, None]  # week - 1
    if "tenure" in result.reps.columns:
        tenure = rep_arrays(result, ["tenure"])["tenure"].astype(float)
        return tenure, tenure <= week0, "model tenure"
    arr = rep_arrays(result, ["active", "quit"])
    active, quit = arr["active"].astype(bool), arr["quit"].astype(bool)
    started = np.zeros_like(active)
    started[:, 1:] = active[:, 1:] & (~active[:, :-1] | quit[:, :-1])
    start = np.maximum.accumulate(np.where(started, week0, -1), axis=1)
    hired = start >= 0
    tenure = np.where(hired, week0 - start,
                      np.where(week0 >= RAMPED_TENURE, week0, np.nan)).astype(float)
    return tenure, hired, "tenure derived from seat changes (no 'tenure' in this model)"


def ramp_curve(result: Result, ramped: int = RAMPED_TENURE,
               bucket: int = RAMP_BUCKET) -> pd.Series:
    """New hires' weekly revenue by tenure, as a share of ramped reps' in the same weeks.

    Ramped reps are those in post with tenure >= ``ramped``; their mean revenue is taken week by
    week (pooled over runs) so that calendar effects (quotas that move, burnout building up)
    cancel. New hires are reps seen from tenure 0 (:func:`tenure_of`). Index: the first week of
    each ``bucket``-week tenure bucket; value: revenue of hires in the bucket / revenue ramped
    reps made in the same run-weeks' weeks.
    """
    tenure, from_zero, _ = tenure_of(result)
    arr = rep_arrays(result, ["active", "revenue"])
    active, revenue = arr["active"].astype(bool), arr["revenue"].astype(float)
    ramped_on = active & (tenure >= ramped)
    count = ramped_on.sum((0, 2))
    if count.sum() == 0:
        return pd.Series(dtype=float)
    total = np.where(ramped_on, revenue, 0.0).sum((0, 2))
    overall = total.sum() / count.sum()
    # A week with only a handful of ramped reps is too noisy to be a reference: use the mean.
    per_week = np.where(count >= 10, total / np.maximum(count, 1), overall)
    expected = np.broadcast_to(per_week[None, :, None], revenue.shape)
    hires = active & from_zero & np.isfinite(tenure)
    group = np.where(hires, tenure // bucket, -1).astype(int)
    out = {}
    for g in range(int(group.max()) + 1 if hires.any() else 0):
        cell = group == g
        if cell.sum() >= 20:
            out[g * bucket] = revenue[cell].sum() / expected[cell].sum()
    return pd.Series(out, name="share of ramped revenue", dtype=float)


def ramp_weeks(curve: pd.Series, level: float = RAMP_LEVEL, bucket: int = RAMP_BUCKET,
               hold: int = 3) -> float:
    """Weeks of tenure at which the ramp curve reaches ``level`` to stay (NaN if it does not).

    The curve is first smoothed by a centred mean over three buckets (a rep's revenue is lumpy).
    The ramp ends in the first bucket from which the smoothed curve stays at or above ``level``
    for ``hold`` buckets, so neither one lucky bucket nor an early spike (deals a new hire
    inherits with the seat close in the first weeks) counts. Each bucket stands at its middle
    week; the crossing is interpolated linearly from the bucket before.
    """
    mids = curve.index.to_numpy(float) + (bucket - 1) / 2
    smooth = curve.rolling(3, center=True, min_periods=1).mean().to_numpy(float)
    for k in range(len(smooth) - hold + 1):
        if (smooth[k:k + hold] >= level).all():
            if k == 0:
                return float(mids[0])
            x0, x1, y0, y1 = mids[k - 1], mids[k], smooth[k - 1], smooth[k]
            return float(x0 + (level - y0) / (y1 - y0) * (x1 - x0)) if y1 > y0 else float(x1)
    return float("nan")


def population_styles(n: int = POPULATION, seed: int = 0) -> list[Style]:
    """``n`` managers' styles, drawn uniformly from the population's ranges."""
    rng = np.random.default_rng(seed)
    controls = rng.uniform(*POPULATION_CONTROL, n)
    inspirations = rng.uniform(*POPULATION_INSPIRATION, n)
    return [Style(float(c), float(i)) for c, i in zip(controls, inspirations)]


def team_seeds(n: int = POPULATION, seed: int = 0) -> list[int]:
    """A seed for each of ``n`` managers' teams, all different: see :func:`engagement_quartiles`."""
    return [int(x) for x in np.random.SeedSequence([seed, n]).generate_state(n, np.uint64)]


def engagement_quartiles(n: int = POPULATION, runs: int = POPULATION_RUNS,
                         seed: int = 0) -> dict[str, float]:
    """Top vs bottom quartile of teams by engagement, across a population of managers.

    ``n`` styles (:func:`population_styles`), each on ``runs`` teams of its own in a calm year;
    every team is a unit, as Gallup's business units are. Each manager's teams are run with
    their own seed (:func:`team_seeds`): with one seed for all, every manager would meet the
    same ``runs`` teams and the same luck (common random numbers), and the quartiles would sort
    those few teams' luck rather than independent units. Teams are ranked by mean engagement
    over the year; returned: the top quartile's revenue per rep in post over the bottom's,
    minus 1 (``revenue_gap``), the same for leavers (``attrition_gap``), the correlations across
    teams of engagement with each (``r_revenue``, ``r_attrition``), that of engagement with
    revenue per rep among teams with the same control (``r_revenue_given_control``, a partial
    correlation: control raises revenue and lowers engagement at once), the quartiles' mean
    engagement (``engagement_top``, ``engagement_bottom``) and the number of teams.
    """
    calm = Scenario.no_shock()
    styles = population_styles(n, seed)
    teams = pd.concat([simulate(style, calm, runs=runs, seed=s).by_run()
                       .assign(control=style.control)
                       for style, s in zip(styles, team_seeds(n, seed))], ignore_index=True)
    engagement = teams["engagement"].to_numpy(float)
    per_rep = (teams["revenue"] / teams["headcount"].clip(lower=1e-9)).to_numpy(float)
    leavers = teams["quits"].to_numpy(float)
    low, high = np.quantile(engagement, [0.25, 0.75])
    top, bottom = engagement >= high, engagement <= low
    return {
        "revenue_gap": float(per_rep[top].mean() / per_rep[bottom].mean() - 1),
        "attrition_gap": float(leavers[top].mean() / leavers[bottom].mean() - 1)
        if leavers[bottom].mean() > 0 else float("nan"),
        "r_revenue": float(np.corrcoef(engagement, per_rep)[0, 1]),
        "r_attrition": float(np.corrcoef(engagement, leavers)[0, 1]),
        "r_revenue_given_control": partial_correlation(
            engagement, per_rep, teams["control"].to_numpy(float)),
        "engagement_top": float(engagement[top].mean()),
        "engagement_bottom": float(engagement[bottom].mean()),
        "teams": float(engagement.size),
    }


def partial_correlation(x: np.ndarray, y: np.ndarray, given: np.ndarray) -> float:
    """Correlation of ``x`` and ``y`` once each is cleared of a straight line in ``given``."""
    def residual(v: np.ndarray) -> np.ndarray:
        slope, intercept = np.polyfit(given, v, 1)
        return v - (slope * given + intercept)
    return float(np.corrcoef(residual(x), residual(y))[0, 1])


def years(result: Result) -> dict[str, float]:
    """Share at quota in year 1 and year 3, and mean attainment in year 3.

    Each year is judged from its 13th week on (as :meth:`Result.summary` judges a year: the
    rolling quarter then lies within the year): weeks 13-52 and 117-156.
    """
    means = result.weekly.groupby("week")[["at_quota", "attainment"]].mean()
    y1, y3 = means.loc[13:52], means.loc[117:156]
    return {"at_quota_1": float(y1["at_quota"].mean()), "at_quota_3": float(y3["at_quota"].mean()),
            "attainment_3": float(y3["attainment"].mean())}


# ---------------------------------------------------------------------------------------------
# The table


QUOTA_BAND = (0.50, 0.65)
ATTRITION_WELL_RUN = (0.08, 0.20)
ATTRITION_DRILLER = (0.20, 0.50)
ATTRITION_REAL = (0.05, 0.35)
WIN_TYPICAL = (0.42, 0.50)
WIN_COACH = (0.45, 0.56)
RAMP_BAND = (16.0, 30.0)
REVENUE_GAP_BAND = (0.09, 0.42)
ATTRITION_GAP_BAND = (-0.90, -0.10)
DRIFT_BAND = (-0.05, 0.05)
ATTAINMENT_BAND = (0.85, 1.15)


def calibration_table(runs: int = 200, seed: int = 0, population: int = POPULATION,
                      population_runs: int = POPULATION_RUNS) -> pd.DataFrame:
    """The model's figures beside the published ones, one row per figure and style.

    ``runs`` teams per style (common random starts: every style meets the same teams), in a calm
    year, and in a calm 156-week run for the multi-year rows and the ramp (three years of hires);
    ``population`` managers on ``population_runs`` teams each for the engagement quartiles.
    Columns: :data:`COLUMNS`.
    """
    calm = Scenario.no_shock()
    long = Scenario(weeks=156, shock_depth=0.0)
    year = {name: simulate(style, calm, runs=runs, seed=seed)
            for name, style in STYLES_SHOWN.items()}
    summary = {name: r.summary().iloc[0] for name, r in year.items()}
    rows = []

    figure = "share of reps at quota"
    for name in STYLES_SHOWN:
        band = QUOTA_BAND if name in ("Typical", "Coach") else None
        note = ("band: the design's 50-65% for a well-run team, around the published mean"
                if band else "no published figure for a team run this way")
        rows.append(row(figure, name, CALM, summary[name]["at_quota"], band, note))

    figure = "annual attrition"
    bands = {"Typical": (ATTRITION_WELL_RUN, "band: 8% (best practice) to 20% (look into it)"),
             "Coach": (ATTRITION_WELL_RUN, "band: 8% (best practice) to 20% (look into it)"),
             "Driller": (ATTRITION_DRILLER, "band: the design's 'high but within what real "
                         "teams reach': over 20%, not over half"),
             "Cheerleader": (ATTRITION_REAL, "band: the range real teams report, 5-35%")}
    for name in STYLES_SHOWN:
        band, note = bands[name]
        rows.append(row(figure, name, CALM, summary[name]["attrition"], band, note))

    figure = "win rate on decided deals"
    for name in STYLES_SHOWN:
        value = win_rate(year[name])
        band, note = {
            "Typical": (WIN_TYPICAL, "band: 45-47% widened by 3 points (a survey mean across "
                        "firms)"),
            "Coach": (WIN_COACH, "band: 45% to a little above the 53.6% of formal coaching"),
        }.get(name, (None, "no published figure for a team run this way"))
        if not math.isfinite(value):
            note = "not measured: this model records no 'deals_lost'"
        rows.append(row(figure, name, CALM, value, band, note))

    figure = "ramp to 90% of a ramped rep's revenue (weeks)"
    multi = {name: simulate(STYLES_SHOWN[name], long, runs=runs, seed=seed)
             for name in ("Typical", "Coach")}
    for name, result in multi.items():
        curve = ramp_curve(result)
        weeks = ramp_weeks(curve)
        _, _, how = tenure_of(result)
        shown = ", ".join(f"{k}:{v:.0%}" for k, v in curve.iloc[::2].items())
        note = (f"band: 16-30 weeks (~4-7 months); {how}; revenue of reps seen from tenure 0 "
                f"vs reps with tenure >= {RAMPED_TENURE} in the same weeks, by tenure "
                f"(weeks:share) {shown}")
        if not math.isfinite(weeks):
            note = f"never reaches {RAMP_LEVEL:.0%} within the tenures seen; " + note
        rows.append(row(figure, name, YEAR3, weeks, RAMP_BAND, note))

    quart = engagement_quartiles(population, population_runs, seed)
    who = (f"{population} styles, C~U{POPULATION_CONTROL}, I~U{POPULATION_INSPIRATION}, "
           f"{population_runs} teams of its own each, calm year")
    rows.append(row("engagement top vs bottom quartile: revenue per rep", "population", who,
                    quart["revenue_gap"], REVENUE_GAP_BAND,
                    f"band: Gallup's sign, half to double its size; across "
                    f"{quart['teams']:.0f} teams r(engagement, revenue per rep) = "
                    f"{quart['r_revenue']:.2f} (Harter et al. 2002: .25), "
                    f"{quart['r_revenue_given_control']:.2f} among teams with the same control. "
                    f"In the model style is the only difference between managers, so the gap "
                    f"is style's, not engagement's alone"))
    rows.append(row("engagement top vs bottom quartile: attrition", "population", who,
                    quart["attrition_gap"], ATTRITION_GAP_BAND,
                    f"band: Gallup's sign, -10% to -90%; r(engagement, leavers) = "
                    f"{quart['r_attrition']:.2f} (Harter et al. 2002: -.30)"))

    for name, result in multi.items():
        y = years(result)
        rows.append(row("share of reps at quota in year 3", name, YEAR3, y["at_quota_3"],
                        QUOTA_BAND, "weeks 117-156; band: the design's 50-65%"))
        rows.append(row("share at quota, year 3 minus year 1", name, YEAR3,
                        y["at_quota_3"] - y["at_quota_1"], DRIFT_BAND,
                        f"year 1 (weeks 13-52) {y['at_quota_1']:.1%}; band: +-5 points (a "
                        f"quota that never moves lets the share drift up as skill grows)"))
        rows.append(row("mean attainment in year 3", name, YEAR3, y["attainment_3"],
                        ATTAINMENT_BAND, "rolling-quarter attainment, weeks 117-156; band "
                        "85-115% is a plausibility band, not a published figure"))
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    # True, False or None (not judged): pandas would turn the None into NaN.
    table["within"] = pd.Series([r["within"] for r in rows], dtype=object)
    return table


def formatted(table: pd.DataFrame) -> str:
    """The table as text: values in their units, one block per row of notes."""
    def show(value: float, unit: str) -> str:
        if not math.isfinite(value):
            return "n/a"
        if unit == "weeks":
            return f"{value:.1f} wk"
        if unit == "points":
            return f"{value * 100:+.1f} pt"
        if unit == "change":
            return f"{value:+.1%}"
        return f"{value:.1%}"

    def show_band(band: object, unit: str) -> str:
        if not isinstance(band, tuple):
            return "-"
        return f"{show(band[0], unit)} .. {show(band[1], unit)}"

    lines = []
    for figure, group in table.groupby("figure", sort=False):
        fig = FIGURES[str(figure)]
        lines.append(f"{figure}")
        lines.append(f"  published: {fig.published}")
        lines.append(f"  source:    {fig.source}")
        for r in group.to_dict("records"):
            verdict = {True: "within", False: "OUTSIDE", None: "-"}[r["within"]]
            lines.append(f"  {r['style']:<12} {show(r['model'], fig.unit):>10}  "
                         f"band {show_band(r['band'], fig.unit):<22} {verdict:<8} "
                         f"[{r['scenario']}]")
            if r["note"]:
                lines.append(f"  {'':<12} {r['note']}")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    started = time.perf_counter()
    table = calibration_table()
    pd.set_option("display.width", 200)
    print(formatted(table))
    print(f"TYPICAL = {TYPICAL}; runs=200 per style, seed=0; "
          f"{time.perf_counter() - started:.1f} s")
    sys.exit(0)
