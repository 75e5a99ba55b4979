"""The calibration table (:mod:`teamsim.analysis.calibration`) and the revenue surface's test
for ridges and kinks (:mod:`teamsim.analysis.surface`).

These tests check that the measurements are made right - every figure present with its source,
values in the ranges their units allow, the kink finder finding kinks - not that the model lands
in the published bands: the table reports that, the book discusses it.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from teamsim.analysis import calibration as cal
from teamsim.analysis import surface as surf
from teamsim.model import THREE, Scenario, simulate, sweep


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return cal.calibration_table(runs=40, seed=3, population=60, population_runs=2)


# ---------------------------------------------------------------------------------------------
# The calibration table


def test_every_figure_has_rows_with_its_published_source(table):
    assert list(table.columns) == list(cal.COLUMNS)
    assert list(dict.fromkeys(table["figure"])) == list(cal.FIGURES)
    for figure, group in table.groupby("figure"):
        fig = cal.FIGURES[figure]
        assert fig.source and fig.published
        assert (group["source"] == fig.source).all(), figure
        assert (group["published"] == fig.published).all(), figure


def test_typical_and_the_reference_styles_are_all_shown(table):
    for figure in ("share of reps at quota", "annual attrition", "win rate on decided deals"):
        shown = set(table.loc[table["figure"] == figure, "style"])
        assert shown == {"Typical", "Driller", "Coach", "Cheerleader"}, figure
    for figure in ("ramp to 90% of a ramped rep's revenue (weeks)",
                   "share of reps at quota in year 3"):
        assert set(table.loc[table["figure"] == figure, "style"]) == {"Typical", "Coach"}


def test_typical_manages_more_than_it_leads():
    assert cal.TYPICAL.control > cal.TYPICAL.inspiration
    assert cal.TYPICAL not in THREE.values()


def test_exaggerated_styles_are_said_to_be_so(table):
    exaggerated = table["style"].isin(["Driller", "Cheerleader"])
    assert table.loc[exaggerated, "note"].str.contains("exaggerated").all()
    assert not table.loc[~exaggerated, "note"].str.contains("exaggerated").any()


def test_within_is_judged_against_the_band_shown(table):
    for r in table.to_dict("records"):
        if r["band"] is None or not math.isfinite(r["model"]):
            assert r["within"] is None, r
        else:
            low, high = r["band"]
            assert low < high
            assert r["within"] is (low <= r["model"] <= high), r


def test_values_lie_in_the_ranges_their_units_allow(table):
    def values(figure):
        return table.loc[table["figure"] == figure, "model"].to_numpy(float)

    for figure in ("share of reps at quota", "share of reps at quota in year 3"):
        assert ((values(figure) >= 0) & (values(figure) <= 1)).all(), figure
    # Leavers per position a year: a 10-rep team cannot lose everyone every week.
    assert ((values("annual attrition") >= 0) & (values("annual attrition") <= 2)).all()
    win = values("win rate on decided deals")
    assert (np.isnan(win) | ((win > 0) & (win < 1))).all()
    ramp = values("ramp to 90% of a ramped rep's revenue (weeks)")
    assert (np.isnan(ramp) | ((ramp >= 0) & (ramp <= 156))).all()
    for figure in ("engagement top vs bottom quartile: revenue per rep",
                   "engagement top vs bottom quartile: attrition"):
        gap = values(figure)
        assert np.isfinite(gap).all() and (gap > -1).all(), figure
    drift = values("share at quota, year 3 minus year 1")
    assert ((drift >= -1) & (drift <= 1)).all()
    assert ((values("mean attainment in year 3") > 0)
            & (values("mean attainment in year 3") < 10)).all()


def test_table_reads_the_models_summary():
    """The at-quota and attrition rows are the calm-year summary of the same runs."""
    t = cal.calibration_table(runs=10, seed=5, population=8, population_runs=2)
    coach = simulate(THREE["Coach"], Scenario.no_shock(), runs=10, seed=5).summary().iloc[0]
    rows = t[t["style"] == "Coach"].set_index("figure")["model"]
    assert rows["share of reps at quota"] == pytest.approx(coach["at_quota"])
    assert rows["annual attrition"] == pytest.approx(coach["attrition"])


def test_win_rate_is_won_over_decided():
    result = simulate(THREE["Coach"], Scenario.no_shock(), runs=5, seed=1)
    rate = cal.win_rate(result)
    weekly = result.weekly
    if "deals_lost" in weekly.columns:
        won, lost = weekly["deals_won"].sum(), weekly["deals_lost"].sum()
        assert lost > 0
        assert rate == pytest.approx(won / (won + lost))
    else:
        assert math.isnan(rate)


def test_ramp_weeks_interpolates_the_first_lasting_crossing():
    # Buckets of 4 weeks stand at their middles 1.5, 5.5, 9.5, ...; smoothed over 3 buckets:
    # 0.4, 0.5, 0.667, 0.833, 0.933, 1, 1, 1.
    curve = pd.Series([0.3, 0.5, 0.7, 0.8, 1.0, 1.0, 1.0, 1.0], index=range(0, 32, 4))
    before, after = 2.5 / 3, 2.8 / 3
    assert cal.ramp_weeks(curve) == pytest.approx(13.5 + 4 * (0.9 - before) / (after - before))
    # An early spike (inherited deals) and a brief excursion do not count; the lasting one does.
    spiky = pd.Series([1.0, 1.0, 0.5, 0.5, 0.5, 1.0, 0.5, 0.5, 0.5, 0.95, 0.95, 0.95, 0.95],
                      index=range(0, 52, 4))
    smooth = spiky.rolling(3, center=True, min_periods=1).mean()
    k = 10  # smoothed 0.8, 0.95, 0.95, 0.95: the first bucket from which it stays over 0.9
    assert smooth.iloc[k] >= 0.9 > smooth.iloc[k - 1]
    expected = (4 * (k - 1) + 1.5) + 4 * (0.9 - smooth.iloc[k - 1]) / (
        smooth.iloc[k] - smooth.iloc[k - 1])
    assert cal.ramp_weeks(spiky) == pytest.approx(expected)
    assert math.isnan(cal.ramp_weeks(pd.Series([0.2, 0.5, 0.8, 0.85], index=range(0, 16, 4))))


def test_ramp_curve_of_a_known_ramp():
    """A stand-in for a Result: a veteran making 10 a week beside a hire whose weekly revenue
    is min(10, tenure / 2), in 10 identical runs: the curve is min(1, tenure / 20)."""
    runs, weeks = 10, 60
    week = np.arange(1, weeks + 1)
    one = pd.DataFrame({
        "week": np.repeat(week, 2), "rep": np.tile([0, 1], weeks),
        "active": True, "quit": False,
        "tenure": np.column_stack([100 + week, week - 1]).ravel().astype(float),
        "revenue": np.column_stack([np.full(weeks, 10.0),
                                    np.minimum(10.0, (week - 1) / 2)]).ravel()})
    reps = pd.concat([one.assign(run=r) for r in range(runs)], ignore_index=True)
    fake = SimpleNamespace(reps=reps, runs=runs,
                           scenario=SimpleNamespace(weeks=weeks, team_size=2))
    curve = cal.ramp_curve(fake)
    tenure = np.arange(0, 60, 4)
    expected = [np.minimum(1.0, np.arange(t, t + 4) / 20).mean() for t in tenure]
    assert list(curve.index) == list(tenure)
    assert np.allclose(curve.to_numpy(), expected)
    assert 16 <= cal.ramp_weeks(curve) <= 20


def test_ramp_curve_rises_from_a_new_hires_start():
    result = simulate(THREE["Coach"], Scenario(weeks=104, shock_depth=0.0), runs=60, seed=2)
    curve = cal.ramp_curve(result)
    assert len(curve) >= 10
    assert (curve >= 0).all()
    # New hires fall short of a ramped rep's output early on (after any inherited deals have
    # closed) and grow towards it.
    early = curve.loc[:24].min()
    assert early < 0.8
    assert curve.loc[60:].mean() > early + 0.1
    tenure, from_zero, _ = cal.tenure_of(result)
    assert tenure.shape == (60, 104, result.scenario.team_size)
    seen = np.isfinite(tenure) & from_zero
    week0 = np.arange(104)[None, :, None] + np.zeros_like(tenure)
    # Seen from tenure 0: hired in week 1 or later, so never more weeks in the seat than that.
    assert seen.any() and (tenure[seen] >= 0).all() and (tenure[seen] <= week0[seen]).all()
    # Most of the starting team are not new hires (10% are, in this scenario).
    assert from_zero[:, 0].mean() < 0.5


def test_engagement_quartiles_compare_the_top_with_the_bottom():
    q = cal.engagement_quartiles(n=30, runs=2, seed=6)
    assert q["teams"] == 60
    assert q["engagement_top"] > q["engagement_bottom"]
    # The same comparison, made independently: each manager on teams of its own.
    seeds = cal.team_seeds(30, seed=6)
    assert len(set(seeds)) == 30
    teams = pd.concat([simulate(style, Scenario.no_shock(), runs=2, seed=s).by_run()
                       for style, s in zip(cal.population_styles(30, 6), seeds)])
    teams["per_rep"] = teams["revenue"] / teams["headcount"]
    quartile = pd.qcut(teams["engagement"].rank(method="first"), 4, labels=False)
    by = teams.groupby(quartile.to_numpy())["per_rep"].mean()
    assert q["revenue_gap"] == pytest.approx(by[3] / by[0] - 1, rel=1e-9)
    assert -1 <= q["r_revenue"] <= 1 and -1 <= q["r_attrition"] <= 1


def test_each_manager_meets_teams_of_its_own():
    """With common random numbers the whole population would share a few teams."""
    seeds = cal.team_seeds(3, seed=0)
    styles = cal.population_styles(3, seed=0)
    starts = [simulate(st, Scenario.no_shock(), runs=2, seed=s).reps.query("week == 1")
              for st, s in zip(styles, seeds)]
    skills = [frame["skill"].to_numpy() for frame in starts]
    assert not np.allclose(skills[0], skills[1]) and not np.allclose(skills[1], skills[2])


def test_population_of_styles_is_seeded_and_in_range():
    a, b = cal.population_styles(50, seed=4), cal.population_styles(50, seed=4)
    assert a == b and a != cal.population_styles(50, seed=5)
    controls = np.array([s.control for s in a])
    inspirations = np.array([s.inspiration for s in a])
    assert controls.min() >= 0.3 and controls.max() <= 0.9
    assert inspirations.min() >= 0.1 and inspirations.max() <= 0.8
    assert controls.std() > 0.1 and inspirations.std() > 0.1


# ---------------------------------------------------------------------------------------------
# Second differences


def quadratic(controls, inspirations):
    c, i = np.meshgrid(controls, inspirations, indexing="ij")
    return 6000 - 2000 * (c - 0.6) ** 2 - 1500 * (i - 0.7) ** 2 + 300 * c * i


def frame(values):
    g = surf.grid()
    return pd.DataFrame(values, index=pd.Index(g, name="control"),
                        columns=pd.Index(g, name="inspiration"))


def test_second_differences_of_a_smooth_surface_are_small():
    g = np.array(surf.grid())
    se = frame(np.full((11, 11), 80.0))
    d2 = surf.second_differences(frame(quadratic(g, g)), se)
    assert len(d2) == 2 * 9 * 11
    # Exactly the quadratic's curvature times h**2, over the independent SE sqrt(6) * 80.
    along_c = d2[d2["axis"] == "control"]
    along_i = d2[d2["axis"] == "inspiration"]
    assert np.allclose(along_c["d2"], -2 * 2000 * 0.01)
    assert np.allclose(along_i["d2"], -2 * 1500 * 0.01)
    assert np.allclose(d2["se"], np.sqrt(6) * 80)
    assert d2["z"].abs().max() < 0.25
    # The kink statistic is zero on a quadratic; it needs two points each side.
    spikes = d2["spike"].dropna()
    assert len(spikes) == 2 * 7 * 11
    assert np.allclose(spikes, 0, atol=1e-9)
    assert np.allclose(d2["spike_se"].dropna(), np.sqrt(17.5) * 80)


def test_strong_curvature_is_not_a_kink():
    """Precise means make a smooth curvature many SEs from 0; the kink statistic stays ~0."""
    g = np.array(surf.grid())
    d2 = surf.second_differences(frame(quadratic(g, g)), frame(np.full((11, 11), 2.0)))
    assert d2["z"].abs().min() > 3
    assert d2["spike_z"].abs().max() < 1e-6


@pytest.mark.parametrize("axis, at", [("control", 0.4), ("inspiration", 0.7)])
def test_second_differences_find_a_planted_kink(axis, at):
    g = np.array(surf.grid())
    c, i = np.meshgrid(g, g, indexing="ij")
    where = c if axis == "control" else i
    kinked = quadratic(g, g) - 3000 * np.abs(where - at)  # slope jumps by 6000 at `at`
    d2 = surf.second_differences(frame(kinked), frame(np.full((11, 11), 20.0)))
    for column in ("z", "spike_z"):
        top = surf.largest(d2, column)
        assert top["axis"] == axis, column
        assert (top["control"] if axis == "control" else top["inspiration"]) == pytest.approx(at)
        assert abs(top[column]) > 5, column
    kink = d2[(d2["axis"] == axis) & np.isclose(d2[axis], at)]
    assert np.allclose(kink["spike"], -600)  # d h = 6000 * 0.1, the curvature cancelled
    # Away from the kink nothing stands out beyond the smooth curvature.
    line = d2[(d2["axis"] == axis) & ~np.isclose(d2[axis], at)]
    assert np.allclose(line["d2"], -40 if axis == "control" else -30)


def test_paired_se_sees_through_common_random_numbers():
    rng = np.random.default_rng(0)
    runs, g = 400, np.array(surf.grid())
    team = rng.normal(0, 500, runs)  # each run's team: shared by every style
    noise = rng.normal(0, 50, (11, 11, runs))  # what differs between styles within a run
    per_run = quadratic(g, g)[:, :, None] + team[None, None, :] + noise
    means = frame(per_run.mean(-1))
    se = frame(per_run.std(-1, ddof=1) / np.sqrt(runs))
    paired = surf.second_differences(means, se, per_run)
    independent = surf.second_differences(means, se)
    expected = np.sqrt(6) * 50 / np.sqrt(runs)
    assert paired["se"].median() == pytest.approx(expected, rel=0.15)
    # Treating the means as independent counts the team's variance too: ~10x too wide.
    assert independent["se"].median() > 5 * paired["se"].median()
    # A kink of 60 $k (z ~ 10 paired, ~1 independent) is found only with the paired SE.
    kinked = per_run - 300 * np.abs(g - 0.4)[:, None, None]
    found = surf.largest(surf.second_differences(frame(kinked.mean(-1)), se, kinked))
    assert found["axis"] == "control" and found["control"] == pytest.approx(0.4)
    assert abs(found["z"]) > 5
    paired_kinked = surf.second_differences(frame(kinked.mean(-1)), se, kinked)
    assert paired_kinked["spike_se"].median() == pytest.approx(
        np.sqrt(17.5) * 50 / np.sqrt(runs), rel=0.15)
    spike = surf.largest(paired_kinked, "spike_z")
    assert spike["axis"] == "control" and spike["control"] == pytest.approx(0.4)
    assert abs(spike["spike_z"]) > 4


def test_second_differences_refuse_mismatched_shapes():
    g = np.array(surf.grid())
    with pytest.raises(ValueError, match="shape"):
        surf.second_differences(frame(quadratic(g, g)), frame(np.ones((11, 11))).iloc[:5])
    with pytest.raises(ValueError, match="per_run"):
        surf.second_differences(frame(quadratic(g, g)), frame(np.ones((11, 11))),
                                np.ones((10, 11, 3)))


def test_grid_steps():
    assert surf.grid() == [round(k / 10, 1) for k in range(11)]
    assert surf.grid(0.25) == [0.0, 0.25, 0.5, 0.75, 1.0]
    with pytest.raises(ValueError, match="step"):
        surf.grid(0.3)


# ---------------------------------------------------------------------------------------------
# The model's surface


@pytest.fixture(scope="module")
def calm_surface():
    return surf.revenue_surface(Scenario.no_shock(), runs=5, seed=2)


def test_surface_is_11_by_11_over_the_grid(calm_surface):
    for quantity in ("revenue", "se"):
        table = calm_surface[quantity]
        assert table.shape == (11, 11)
        assert list(table.index) == surf.grid()
        assert list(table.columns) == surf.grid()
        assert np.isfinite(table.to_numpy()).all()
    assert (calm_surface["revenue"].to_numpy() > 0).all()
    assert (calm_surface["se"].to_numpy() > 0).all()


@pytest.mark.parametrize("control, inspiration", [(0.2, 0.7), (0.9, 0.1), (1.0, 0.0)])
def test_surface_matches_sweep(calm_surface, control, inspiration):
    tidy = sweep(surf.grid(), surf.grid(), Scenario.no_shock(), runs=5, seed=2)
    point = tidy[np.isclose(tidy["control"], control)
                 & np.isclose(tidy["inspiration"], inspiration)].iloc[0]
    assert calm_surface["revenue"].loc[control, inspiration] == pytest.approx(point["revenue"])
    assert calm_surface["se"].loc[control, inspiration] == pytest.approx(point["revenue_se"])


def test_per_run_values_are_the_sweeps_styles_run_by_run(calm_surface):
    """One batch of all 121 styles (small runs) is the sweep's one chunk: same means."""
    per_run = surf.per_run_revenue(Scenario.no_shock(), runs=5, seed=2)
    assert per_run.shape == (11, 11, 5)
    assert np.allclose(per_run.mean(-1), calm_surface["revenue"].to_numpy())
    assert np.allclose(per_run.std(-1, ddof=1) / np.sqrt(5), calm_surface["se"].to_numpy())
