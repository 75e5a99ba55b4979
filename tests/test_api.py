"""The public API: shapes and meaning of the results, determinism, and clear errors."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from teamsim import (
    COACH,
    DRILLER,
    DRIVERS,
    SUMMARY_UNITS,
    Calendar,
    Params,
    PolicyState,
    Scenario,
    Style,
    batch,
    simulate,
    sweep,
)
from teamsim.model.engine import Draws, initial_state
from teamsim.model.policies import switch_at

WEEKLY = ["run", "week", "revenue", "deals_won", "deals_lost", "activities", "pipeline",
          "forecast", "quota", "headcount", "quits", "engagement", "exhaustion", "trust",
          "skill", "focus",
          "attainment", "at_quota", "market", "control", "inspiration"]


@pytest.fixture(scope="module")
def result():
    return simulate(COACH, Scenario.default(), runs=20, seed=3)


def test_weekly_has_a_row_per_run_and_week(result):
    weekly = result.weekly
    assert list(weekly.columns) == WEEKLY
    assert len(weekly) == 20 * 52
    assert weekly.groupby("run")["week"].apply(list).map(lambda w: w == list(range(1, 53))).all()


def test_weekly_columns_mean_what_the_docs_say(result):
    weekly, reps = result.weekly, result.reps
    # Team totals are sums over reps; means are over reps in post.
    per_week = reps.groupby(["run", "week"])
    np.testing.assert_allclose(weekly["revenue"], per_week["revenue"].sum().to_numpy())
    np.testing.assert_array_equal(weekly["headcount"], per_week["active"].sum().to_numpy())
    np.testing.assert_array_equal(weekly["quits"], per_week["quit"].sum().to_numpy())
    in_post = reps[reps["active"]].groupby(["run", "week"])["engagement"].mean()
    np.testing.assert_allclose(weekly.set_index(["run", "week"]).loc[in_post.index,
                                                                     "engagement"], in_post)
    for column in ("engagement", "exhaustion", "trust", "skill", "focus", "at_quota"):
        assert weekly[column].between(0, 1).all(), column
    assert (weekly["revenue"] >= 0).all() and (weekly["pipeline"] >= 0).all()
    assert weekly["headcount"].between(0, 10).all()
    # Revenue is won deals times deal value ($25k less any discounting).
    won = weekly["deals_won"] > 0
    value = weekly.loc[won, "revenue"] / weekly.loc[won, "deals_won"]
    assert value.between(0, 25.0 + 1e-9).all()


def test_reps_frame(result):
    reps = result.reps
    assert len(reps) == 20 * 52 * 10
    assert set(reps["driver"].unique()) <= set(DRIVERS)
    assert reps.groupby(["run", "rep"])["driver"].nunique().max() == 1
    assert {"run", "week", "rep", "driver", "active", "revenue", "attainment",
            "at_quota"} <= set(reps.columns)


def test_summary_is_one_row_with_documented_columns(result):
    summary = result.summary()
    assert len(summary) == 1
    assert set(summary.columns) == set(SUMMARY_UNITS)
    assert math.isclose(summary["revenue"].iloc[0],
                        result.weekly.groupby("run")["revenue"].sum().mean())


def test_same_seed_same_result_different_seed_differs():
    a = simulate(COACH, runs=5, seed=1)
    b = simulate(COACH, runs=5, seed=1)
    c = simulate(COACH, runs=5, seed=2)
    pd.testing.assert_frame_equal(a.weekly, b.weekly)
    pd.testing.assert_frame_equal(a.reps, b.reps)
    assert not a.weekly["revenue"].equals(c.weekly["revenue"])
    grid = [0.2, 0.8]
    pd.testing.assert_frame_equal(sweep(grid, grid, runs=5, seed=4),
                                  sweep(grid, grid, runs=5, seed=4))


def test_runs_are_independent_draws():
    yearly = simulate(COACH, runs=50, seed=5).by_run()["revenue"]
    assert yearly.nunique() == 50
    assert abs(np.corrcoef(yearly[:-1], yearly[1:])[0, 1]) < 0.4


def test_a_constant_policy_is_the_same_as_its_style():
    fixed = simulate(COACH, runs=5, seed=6).weekly
    policy = simulate(lambda week, state: COACH, runs=5, seed=6).weekly
    pd.testing.assert_frame_equal(fixed, policy)


def test_policy_sees_only_the_past():
    seen = []

    def watcher(week: int, state: PolicyState) -> Style:
        seen.append((week, len(state.revenue), state.market))
        assert not state.revenue.flags.writeable
        return COACH

    simulate(watcher, Scenario.default(), runs=1, seed=0)
    assert [(w, n) for w, n, _ in seen] == [(w, w - 1) for w in range(1, 53)]
    assert seen[17][2] == 0.5 and seen[16][2] == 1.0  # the shock starts in week 18


def test_sweep_rows_follow_the_grid():
    out = sweep([0.0, 0.5, 1.0], [0.1, 0.9], Scenario.no_shock(), runs=3, seed=0)
    assert list(zip(out["control"], out["inspiration"])) == [
        (c, i) for c in (0.0, 0.5, 1.0) for i in (0.1, 0.9)]


def test_scenarios_are_frozen_and_replace_is_checked():
    big = dataclasses.replace(Scenario.default(), team_size=40)
    assert big.team_size == 40
    with pytest.raises(dataclasses.FrozenInstanceError):
        big.team_size = 5
    with pytest.raises(ValueError, match="team_size"):
        dataclasses.replace(Scenario.default(), team_size=0)
    for name in Scenario.NAMES:
        assert isinstance(Scenario.named(name), Scenario)
    assert Scenario.new_team().new_hire_share > 0.5
    assert Scenario.large_team().team_size == 40
    assert Scenario.no_shock().shock_end is None


def garbage_policy(week, state):
    return (0.5, 0.5)


def raising_policy(week, state):
    if week == 3:
        raise ZeroDivisionError("oops")
    return COACH


BAD = [
    # (callable, error type, text the message must contain)
    (lambda: Style(control=1.5, inspiration=0.5), ValueError, "control"),
    (lambda: Style(control=0.5, inspiration=-0.1), ValueError, "inspiration"),
    (lambda: Style(control=float("nan"), inspiration=0.5), ValueError, "control"),
    (lambda: Style(control="high", inspiration=0.5), TypeError, "control"),
    (lambda: Style(control=True, inspiration=0.5), TypeError, "control"),
    (lambda: Style(control=0.5, inspiration=0.5, tailoring=2), ValueError, "tailoring"),
    (lambda: Scenario(team_size=0), ValueError, "team_size"),
    (lambda: Scenario(team_size=-3), ValueError, "team_size"),
    (lambda: Scenario(team_size=10.5), TypeError, "team_size"),
    (lambda: Scenario(weeks=0), ValueError, "weeks"),
    (lambda: Scenario(weeks=30, shock_start=25, shock_weeks=10), ValueError, "shock"),
    (lambda: Scenario(shock_start=60), ValueError, "shock_start"),
    (lambda: Scenario(shock_depth=1.2), ValueError, "shock_depth"),
    (lambda: Scenario(driver_mix=(0.5, 0.5, 0.5, 0.5)), ValueError, "driver_mix"),
    (lambda: Scenario(driver_mix=(1.0,)), TypeError, "driver_mix"),
    (lambda: Scenario(demand=float("inf")), ValueError, "demand"),
    (lambda: Params(sales_cycle=0), ValueError, "sales_cycle"),
    (lambda: Params(quota=float("nan")), ValueError, "quota"),
    (lambda: simulate(COACH, runs=0), ValueError, "runs"),
    (lambda: simulate(COACH, runs=2.5), TypeError, "runs"),
    (lambda: simulate(COACH, seed=-1), TypeError, "seed"),
    (lambda: simulate("coach"), TypeError, "style"),
    (lambda: simulate(COACH, scenario="default"), TypeError, "scenario"),
    (lambda: simulate(garbage_policy, runs=1), TypeError, "policy"),
    (lambda: simulate(raising_policy, runs=1), ValueError, "policy"),
    (lambda: sweep([0.1, 1.2], [0.5]), ValueError, "controls[1]"),
    (lambda: sweep([], [0.5]), ValueError, "controls"),
    (lambda: sweep(0.5, [0.5]), TypeError, "controls"),
    (lambda: sweep([0.5], [0.5], tailoring=-1), ValueError, "tailoring"),
]


@pytest.mark.parametrize("call, error, name", BAD, ids=[f"{e.__name__}-{n}" for _, e, n in BAD])
def test_bad_input_names_the_parameter(call, error, name):
    with pytest.raises(error) as info:
        call()
    assert name in str(info.value)


def test_bad_value_is_quoted_with_the_allowed_range():
    with pytest.raises(ValueError) as info:
        Style(control=1.5, inspiration=0.5)
    assert "1.5" in str(info.value) and "between 0 and 1" in str(info.value)
    with pytest.raises(ValueError) as info:
        simulate(raising_policy, runs=1)
    assert "week 3" in str(info.value) and "ZeroDivisionError" in str(info.value)


# -- batch: several managers on the same teams ---------------------------------------------------
def test_batch_matches_sweep_for_fixed_styles():
    scenario = Scenario.default()
    run = batch([DRILLER, Style(0.9, 0.7), Style(0.6, 0.1), COACH], scenario, runs=5, seed=3)
    swept = sweep([0.9, 0.6], [0.1, 0.7], scenario, runs=5, seed=3, weekly=True)
    np.testing.assert_allclose(run.weekly_mean("revenue").ravel(), swept["revenue"].to_numpy())


def test_batch_returns_the_drivers_and_skills_it_started_from():
    scenario = Scenario.default()
    run = batch([COACH, DRILLER], scenario, runs=4, seed=5, reps=True)
    alone = simulate(COACH, scenario, runs=4, seed=5)
    first = alone.reps[alone.reps["week"] == 1]
    assert run.drivers.shape == (8, scenario.team_size)
    np.testing.assert_array_equal(run.drivers[run.block(0)], run.drivers[run.block(1)])
    np.testing.assert_array_equal(
        np.asarray(DRIVERS)[run.drivers[run.block(0)]].ravel(), first["driver"].astype(str))
    start = initial_state(scenario, Draws(4, scenario.team_size, scenario.weeks, 5))
    np.testing.assert_array_equal(run.start_skill[run.block(1)], start.skill)


def test_switch_is_a_policy_and_a_calendar():
    plan = switch_at(10, DRILLER, COACH)
    assert isinstance(plan, Calendar)
    assert plan.style_in(9) == DRILLER and plan.style_in(10) == COACH
    weekly = batch([plan], Scenario.no_shock(), runs=2, seed=1).team["control"]
    assert set(weekly[:9].ravel()) == {DRILLER.control}
    assert set(weekly[9:].ravel()) == {COACH.control}
    alone = simulate(plan, Scenario.no_shock(), runs=2, seed=1).weekly
    np.testing.assert_allclose(batch([plan], Scenario.no_shock(), runs=2, seed=1)
                               .weekly_mean("revenue")[0],
                               alone.groupby("week")["revenue"].mean().to_numpy())


@pytest.mark.parametrize("managers, error", [
    ([], ValueError), ([0.5], TypeError), ([lambda week, state: COACH], TypeError)])
def test_batch_rejects_what_it_cannot_run(managers, error):
    with pytest.raises(error, match="managers"):
        batch(managers, Scenario.default(), runs=2)


def test_batch_summary_is_each_managers_simulate_summary():
    scenario = Scenario(team_size=12)
    run = batch([COACH], scenario, runs=6, seed=4)
    alone = simulate(COACH, scenario, runs=6, seed=4).summary()
    pd.testing.assert_frame_equal(run.summary(), alone, rtol=1e-12)
    two = batch([COACH, DRILLER], scenario, runs=6, seed=4).summary()
    assert len(two) == 2 and two.loc[0, "revenue"] != two.loc[1, "revenue"]


def test_version_is_the_installed_one_and_unknown_names_still_fail():
    import importlib.metadata

    import teamsim

    assert teamsim.__version__ == importlib.metadata.version("teamsim")
    with pytest.raises(AttributeError, match="no attribute 'simulat'"):
        teamsim.simulat  # noqa: B018


def test_kept_draws_are_the_same_numbers_and_cannot_be_changed():
    from teamsim.model.engine import Draws, draws_for

    kept = draws_for(6, 10, 52, 11)
    fresh = Draws(6, 10, 52, 11)
    assert draws_for(6, 10, 52, 11) is kept, "the second call reuses the first's draws"
    for name in (*fresh.start, *fresh.week):
        where = fresh.start if name in fresh.start else fresh.week
        got = kept.start if name in kept.start else kept.week
        np.testing.assert_array_equal(got[name], where[name])
        assert not got[name].flags.writeable
    with pytest.raises(ValueError):
        kept.week["deals"][0, 0, 0] = 0.5


@pytest.mark.parametrize("seed", [0, 5])
def test_weekly_means_are_the_weekly_tables_means_number_for_number(seed):
    from teamsim.model.rules import rule_policy

    rules = rule_policy({"rules": [{"when": "attainment", "is": "below", "value": 0.9,
                                    "weeks": 2, "use": "Driller"}], "otherwise": "Coach"})
    for manager in (COACH, rules):
        result = simulate(manager, Scenario.default(), runs=7, seed=seed)
        metrics = ["revenue", "engagement", "headcount", "control"]
        expected = result.weekly.groupby("week", as_index=False)[metrics].mean()
        got = result.weekly_means(metrics)
        assert list(got.columns) == ["week", *metrics]
        for column in got.columns:
            assert np.array_equal(got[column].to_numpy(), expected[column].to_numpy())
    with pytest.raises(ValueError, match="unknown team metric 'revenu'"):
        result.weekly_means(["revenu"])


@pytest.mark.parametrize("seed", [2, 9])
def test_team_records_are_the_same_made_week_by_week_or_at_the_end(seed):
    from teamsim.model.api import POLICY_READS, policy_levers
    from teamsim.model.engine import TEAM_METRICS, draws_for, run

    def pushy(week, state):  # reads its history, so the records it sees must be up to date
        return Style(0.9, 0.2) if state.recent("attainment", 2) < 1.0 else Style(0.4, 0.7)

    scenario = Scenario.default()
    draws = draws_for(6, scenario.team_size, scenario.weeks, seed)
    made = {}
    for live in (True, POLICY_READS):
        made[live] = run(scenario, initial_state(scenario, draws),
                         policy_levers(pushy, scenario, 6), draws, record_reps=True,
                         live_history=live)[0]
    for name in TEAM_METRICS:
        assert np.array_equal(made[True][name], made[POLICY_READS][name]), name
    with pytest.raises(ValueError, match="needs record_reps"):
        run(scenario, initial_state(scenario, draws), policy_levers(pushy, scenario, 6), draws,
            live_history=POLICY_READS)
    with pytest.raises(TypeError, match="for one record write"):
        run(scenario, initial_state(scenario, draws), policy_levers(pushy, scenario, 6), draws,
            record_reps=True, live_history="revenue")
    with pytest.raises(ValueError, match="unknown team record 'revenu'"):
        run(scenario, initial_state(scenario, draws), policy_levers(pushy, scenario, 6), draws,
            record_reps=True, live_history=("revenu",))
