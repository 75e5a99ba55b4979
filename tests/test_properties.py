"""Property tests of the model's mechanisms: each causal link has the sign its evidence gives.

These test the mechanisms of :mod:`teamsim.model.mechanisms`, not the course's lessons: a lesson
is measured (:mod:`teamsim.analysis.lessons`) and its robustness reported, never required here.
Each property is checked at three seeds on paired runs (the same seed gives both sides the same
random streams, so a difference is the lever's, not the teams').
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from teamsim import COACH, Params, Scenario, Style, batch, simulate, switch_at

SEEDS = [0, 1, 2]
RUNS = 40


def year(managers: list, scenario: Scenario, seed: int, metric: str) -> np.ndarray:
    """Per manager, ``metric`` averaged over weeks and runs."""
    return batch(managers, scenario, runs=RUNS, seed=seed).weekly_mean(metric).mean(1)


@pytest.mark.parametrize("seed", SEEDS)
def test_inspiration_builds_trust_and_engagement(seed):
    low, high = Style(0.5, 0.2), Style(0.5, 0.8)
    for metric in ("trust", "engagement"):
        a, b = year([low, high], Scenario.no_shock(), seed, metric)
        assert b > a + 0.05, (metric, a, b)


@pytest.mark.parametrize("seed", SEEDS)
def test_control_focuses_the_team_and_costs_trust_and_rest(seed):
    low, high = Style(0.2, 0.5), Style(0.9, 0.5)
    focus = year([low, high], Scenario.no_shock(), seed, "focus")
    trust = year([low, high], Scenario.no_shock(), seed, "trust")
    tired = year([low, high], Scenario.no_shock(), seed, "exhaustion")
    assert focus[1] > focus[0] + 0.05, focus
    assert trust[1] < trust[0], trust
    assert tired[1] > tired[0], tired


@pytest.mark.parametrize("seed", SEEDS)
def test_coaching_builds_skill_and_unused_skill_fades(seed):
    calm = Scenario.no_shock()
    skill = year([Style(0.4, 0.1), Style(0.4, 0.9)], calm, seed, "skill")
    assert skill[1] > skill[0], skill
    no_decay = dataclasses.replace(calm, params=Params(skill_decay=0.0))
    kept = year([Style(0.4, 0.1)], no_decay, seed, "skill")
    assert kept[0] > skill[0], (kept, skill)


@pytest.mark.parametrize("seed", SEEDS)
def test_coaching_costs_selling_time(seed):
    calm = Scenario.no_shock()
    free = dataclasses.replace(calm, params=Params(coaching_time=0.0))
    first_week = {name: batch([Style(0.4, 0.9)], s, runs=RUNS, seed=seed).weekly_mean(
        "activities")[0, 0] for name, s in (("costly", calm), ("free", free))}
    assert first_week["free"] > first_week["costly"], first_week


@pytest.mark.parametrize("seed", SEEDS)
def test_a_deeper_shock_takes_more_revenue_and_demand_enters_once(seed):
    revenue = [batch([COACH], dataclasses.replace(Scenario.default(), shock_depth=d),
                     runs=RUNS, seed=seed).team["revenue"].sum(0).mean()
               for d in (0.0, 0.25, 0.5, 0.75)]
    assert all(later < earlier for earlier, later in zip(revenue, revenue[1:])), revenue
    # A market at half demand all year: new business halves, and revenue falls by roughly
    # half, not by three quarters (demand is not applied to the win rate as well).
    half = dataclasses.replace(Scenario.no_shock(), demand=0.5)
    ratio = (batch([COACH], half, runs=RUNS, seed=seed).team["revenue"][26:].sum()
             / batch([COACH], Scenario.no_shock(), runs=RUNS, seed=seed).team["revenue"][26:].sum())
    assert 0.35 < ratio < 0.65, ratio


@pytest.mark.parametrize("seed", SEEDS)
def test_trust_falls_faster_than_it_rises(seed):
    calm = Scenario.no_shock()
    cold, warm = Style(0.5, 0.1), Style(0.5, 0.9)
    run = batch([switch_at(10, cold, warm), switch_at(10, warm, cold)], calm, runs=RUNS, seed=seed)
    trust = run.weekly_mean("trust")
    rise = trust[0, 13] - trust[0, 8]  # four weeks after the change vs the week before
    fall = trust[1, 8] - trust[1, 13]
    assert fall > rise > 0, (rise, fall)


@pytest.mark.parametrize("seed", SEEDS)
def test_new_hires_start_with_a_pipeline_and_a_ramped_quota(seed):
    reps = simulate(Style(0.9, 0.1), Scenario.default(), runs=RUNS, seed=seed).reps
    first = reps[reps["active"] & (reps["tenure"] == 1)]
    ramped = reps[reps["active"] & (reps["tenure"] > 60)]
    assert len(first) > 0
    assert (first["pipeline"] > 0).mean() > 0.9
    assert first["quota"].mean() < 0.5 * ramped["quota"].mean()
