"""Model v2: common random numbers, guarded parameters, the memory budget, smooth forms.

Common random numbers (DESIGN.md section 4): each run has its own random stream, so a style's
result does not depend on which other styles share the batch, on chunking or on ``runs``, and
policies and fixed styles share the streams.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from teamsim import (
    CHEERLEADER,
    COACH,
    DRILLER,
    Params,
    Scenario,
    Style,
    batch,
    simulate,
    sweep,
    switch_at,
)
from teamsim.model import api
from teamsim.model.params import PARAM_SPECS, STATUSES


# -- common random numbers -----------------------------------------------------------------------
def test_a_styles_result_does_not_depend_on_the_other_styles_in_the_sweep():
    alone = sweep([0.6], [0.7], Scenario.default(), runs=12, seed=4)
    crowd = sweep([0.0, 0.6, 0.9], [0.1, 0.7], Scenario.default(), runs=12, seed=4)
    row = crowd[(crowd["control"] == 0.6) & (crowd["inspiration"] == 0.7)].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone, row)


def test_a_styles_result_does_not_depend_on_chunking(monkeypatch):
    grid = [0.2, 0.5, 0.8]
    whole = sweep(grid, grid, Scenario.default(), runs=6, seed=2)
    monkeypatch.setattr(api, "SWEEP_CHUNK", 6 * 10)  # one style per chunk
    chunked = sweep(grid, grid, Scenario.default(), runs=6, seed=2)
    pd.testing.assert_frame_equal(whole, chunked)


def test_the_first_k_runs_of_n_equal_a_k_run_call():
    many = simulate(COACH, Scenario.default(), runs=9, seed=11).by_run()
    few = simulate(COACH, Scenario.default(), runs=4, seed=11).by_run()
    pd.testing.assert_frame_equal(many.iloc[:4], few)
    # and a different seed really is a different stream
    other = simulate(COACH, Scenario.default(), runs=4, seed=12).by_run()
    assert not np.allclose(other["revenue"], few["revenue"])


def test_policies_and_fixed_styles_share_the_streams():
    fixed = simulate(COACH, Scenario.default(), runs=5, seed=3).weekly
    policy = simulate(lambda week, state: COACH, Scenario.default(), runs=5, seed=3).weekly
    pd.testing.assert_frame_equal(fixed, policy)


def test_the_same_style_twice_in_a_batch_gives_the_same_teams_and_years():
    run = batch([COACH, DRILLER, COACH], Scenario.default(), runs=5, seed=8)
    np.testing.assert_array_equal(run.team["revenue"][:, run.block(0)],
                                  run.team["revenue"][:, run.block(2)])
    assert not np.array_equal(run.team["revenue"][:, run.block(0)],
                              run.team["revenue"][:, run.block(1)])


def test_two_styles_on_one_seed_start_from_identical_teams_and_differ_only_after():
    """A switch from week 20 matches the style it switches from, week for week, until then."""
    run = batch([DRILLER, switch_at(20, DRILLER, CHEERLEADER)], Scenario.no_shock(), runs=6,
                seed=1)
    stay, switch = run.team["revenue"][:, run.block(0)], run.team["revenue"][:, run.block(1)]
    np.testing.assert_array_equal(stay[:19], switch[:19])
    assert not np.array_equal(stay[19:], switch[19:])


# -- parameters: every field guarded -----------------------------------------------------------
def test_every_parameter_has_a_range_and_a_status_and_the_defaults_are_inside():
    params = Params()
    assert set(PARAM_SPECS) == {f.name for f in dataclasses.fields(Params)}
    for name, spec in PARAM_SPECS.items():
        assert spec.status in STATUSES, name
        values = getattr(params, name)
        for v in values if isinstance(values, tuple) else (values,):
            assert spec.low <= v <= spec.high, (name, v)


@pytest.mark.parametrize("name", sorted(PARAM_SPECS))
def test_each_parameter_rejects_a_value_outside_its_range(name):
    spec = PARAM_SPECS[name]
    default = getattr(Params(), name)
    bad_values = [v for v in (spec.low - 1, spec.high + 1) if math.isfinite(v)]
    assert bad_values, name
    for bad in bad_values:
        value = (bad,) * len(default) if isinstance(default, tuple) else (
            int(bad) if spec.integer else bad)
        with pytest.raises(ValueError, match=f"Params.{name}.*between"):
            Params(**{name: value})


@pytest.mark.parametrize("changes, error, words", [
    ({"engagement_weeks": 0.01}, ValueError, "engagement_weeks must be a number between 1"),
    ({"discounting": 4}, ValueError, "discounting must be a number between 0 and 1"),
    ({"win_exhaustion": 2}, ValueError, "win_exhaustion"),
    ({"vacancy_weeks": 2.5}, TypeError, "vacancy_weeks must be a whole number"),
    ({"quota": float("nan")}, ValueError, "quota"),
    ({"quota": "10"}, TypeError, "quota must be a number"),
    ({"control_fit": (0.1, 0.2)}, TypeError, "control_fit must be 4 numbers"),
    ({"generic_fit": (0.9, 0.5, 0.6, 1.5)}, ValueError, r"generic_fit\[3\]"),
])
def test_bad_parameters_get_a_clear_error(changes, error, words):
    with pytest.raises(error, match=words):
        Params(**changes)


def test_numpy_numbers_are_accepted_like_python_numbers():
    params = Params(quota=np.float64(12.0), vacancy_weeks=np.int64(4))
    assert params.quota == 12.0 and params.vacancy_weeks == 4
    assert simulate(COACH, runs=np.int64(2), seed=np.int64(1)).runs == 2


def test_a_request_beyond_the_memory_budget_is_refused_with_the_estimate():
    with pytest.raises(ValueError, match=r"runs=100000 .* about \d+\.\d GB, more than the 1\.5 GB"):
        simulate(COACH, Scenario.default(), runs=100_000)


# -- smooth forms: states stay in range by their form, under extreme parameters ------------------
@pytest.mark.parametrize("changes", [
    {},
    {"exhaustion_drain": 0.5, "exhaustion_recovery": 0.0, "exhaustion_miss": 10.0},
    {"coaching_rate": 0.2, "practice_rate": 0.2, "skill_decay": 0.0},
    {"engagement_weeks": 1.0, "trust_rise_weeks": 1.0, "trust_fall_weeks": 1.0},
    {"effort_noise_unmanaged": 1.0, "effort_noise": 1.0, "stale_rate": 1.0, "sales_cycle": 1.0},
])
@pytest.mark.parametrize("style", [Style(1.0, 1.0), Style(1.0, 0.0), Style(0.0, 1.0), Style(0, 0)])
def test_states_stay_in_range_and_finite_under_extreme_parameters(changes, style):
    scenario = dataclasses.replace(Scenario.default(), params=Params(**changes))
    weekly = simulate(style, scenario, runs=3, seed=0).weekly
    numbers = weekly.drop(columns=["run", "week"]).to_numpy(dtype=float)
    assert np.isfinite(numbers).all()
    for name in ("engagement", "exhaustion", "trust", "skill", "focus", "at_quota"):
        assert weekly[name].between(0, 1).all(), name
    for name in ("revenue", "deals_won", "deals_lost", "activities", "pipeline", "quota"):
        assert (weekly[name] >= 0).all(), name


def test_quotas_move_with_last_years_results():
    """Over three calm years the quota follows attainment: a team above quota in year 1 gets a
    higher quota in year 2, so attainment does not run away."""
    scenario = dataclasses.replace(Scenario.no_shock(), weeks=156)
    weekly = simulate(COACH, scenario, runs=20, seed=0).weekly
    per_rep = weekly["quota"] / weekly["headcount"].clip(lower=1)
    year = (weekly["week"] - 1) // 52
    ramped_quota = per_rep.groupby(year).median()
    attainment = weekly.groupby(year)["revenue"].sum() / weekly.groupby(year)["quota"].sum()
    assert attainment[0] > 1.0
    assert ramped_quota[1] > ramped_quota[0]
    assert abs(attainment[2] - 1.0) < abs(attainment[0] - 1.0)


# -- the mechanism table ------------------------------------------------------------------------
def test_every_parameter_belongs_to_a_mechanism_and_every_mechanism_has_a_status():
    from teamsim.model.mechanisms import MECHANISMS, mechanism_table

    named = {n for m in MECHANISMS for n in m.params}
    assert named - set(PARAM_SPECS) == set(), "a mechanism names a parameter that is not in Params"
    assert set(PARAM_SPECS) - named == set(), "a parameter belongs to no mechanism"
    assert all(m.status in STATUSES and m.evidence for m in MECHANISMS)
    rows = mechanism_table()
    assert len(rows) == len(MECHANISMS) and {r["status"] for r in rows} <= set(STATUSES)


def test_a_fixed_styles_rep_records_are_made_when_asked_and_match_its_year():
    result = simulate(COACH, Scenario.default(), runs=6, seed=5)
    assert result._reps == {}, "rep records are made only when .reps is read"
    frame = result.reps
    assert len(frame) == 6 * 52 * 10
    # the records made later are those of the same year: their totals are the team's, exactly
    for name, total in (("revenue", "revenue"), ("quit", "quits"), ("activities", "activities")):
        np.testing.assert_array_equal(result._reps[name].sum(-1), result._team[total])
    policy = simulate(lambda week, state: COACH, Scenario.default(), runs=6, seed=5)
    pd.testing.assert_frame_equal(policy.reps, result.reps)
